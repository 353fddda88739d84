"""Truth table for the ReDoS shape check behind NW604 (star height 2, separators excepted)."""

from __future__ import annotations

import pytest

from nodeward.sast.rules.regex import nested_quantifier

CASES = [
    (r"(a+)+", True),
    (r"(\d*)*", True),
    (r"^(\w+\s?)*$", True),
    (r"((a+))+", True),
    (r"([a-z]+\.?)+@", True),
    (r"(a{2,})*", True),
    (r"(?:a*)*", True),
    (r"(\s*,\s*)*", True),
    (r"(a|b)*", False),
    (r"a+b+", False),
    (r"(ab)+", False),
    (r"[(+]+", False),
    (r"(a{2,3})+", False),
    (r"(?:x+)?", False),
    (r"\(a+\)+", False),
    (r"(x+)x{2}", False),
    (r"^[a-z]+(?:\.[a-z]+)*@", False),
    (r"(,\s*\w+)*", False),
    (r"a{", False),
    (r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}", False),
    (r"(\.a+|b+)*", True),
    (r"([a-z]+\.?)+", True),
    (r"(a+\))+", False),
]


@pytest.mark.parametrize(("pattern", "flagged"), CASES)
def test_nested_quantifier(pattern: str, flagged: bool) -> None:
    assert nested_quantifier(pattern) is flagged


def test_generated_tables_are_not_analysed() -> None:
    assert nested_quantifier("(a+)+" + "x" * 5000) is False
