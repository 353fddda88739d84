"""The annotated fixtures under tests/fixtures/sast are the rules' edge cases.

`// ruleid: NW101` on the line above a statement says the rule must fire on that
statement's line; `// ok: NW101` says it must not.  One test checks that the
findings of every fixture equal the annotations exactly (no misses, no extras).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nodeward.sast.checks import run_file_rules
from nodeward.sast.parse import language_for, parse
from nodeward.sast.rules import RULES

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sast"
SAST_IDS = {r.id for r in RULES}
_ANNOTATION = re.compile(r"^\s*//\s*(ruleid|ok):\s*(NW\d{3}(?:\s*,\s*NW\d{3})*)\s*$")


def annotations(text: str) -> tuple[set[tuple[str, int]], set[tuple[str, int]]]:
    """(expected, forbidden) sets of (rule id, 1-based line)."""
    expected: set[tuple[str, int]] = set()
    forbidden: set[tuple[str, int]] = set()
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = _ANNOTATION.match(line)
        if m is None:
            continue
        target = i + 1
        while target < len(lines) and _ANNOTATION.match(lines[target]):
            target += 1
        ids = [x.strip() for x in m.group(2).split(",")]
        bucket = expected if m.group(1) == "ruleid" else forbidden
        bucket.update((rid, target + 1) for rid in ids)
    return expected, forbidden


def fixture_files() -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if language_for(p.name) is not None)


def findings_of(path: Path) -> set[tuple[str, int]]:
    source = path.read_bytes()
    lang = language_for(path.name)
    assert lang is not None
    found = run_file_rules(path.name, source, parse(source, lang), lang)
    return {(f.rule_id, f.line) for f in found if f.rule_id in SAST_IDS}


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: p.name)
def test_fixture_findings_equal_annotations(path: Path) -> None:
    expected, forbidden = annotations(path.read_text())
    found = findings_of(path)
    assert expected, f"{path.name} has no ruleid annotations"
    assert not (expected & forbidden), "a line cannot be both ruleid and ok for one rule"
    missing = sorted(expected - found)
    extra = sorted(found - expected)
    assert (missing, extra) == ([], []), f"{path.name}: missing={missing} unexpected={extra}"


def test_every_sast_rule_has_positive_and_negative_fixtures() -> None:
    positives: set[str] = set()
    negatives: set[str] = set()
    for path in fixture_files():
        expected, forbidden = annotations(path.read_text())
        positives |= {rid for rid, _ in expected}
        negatives |= {rid for rid, _ in forbidden}
    assert SAST_IDS <= positives, f"rules without a ruleid fixture: {sorted(SAST_IDS - positives)}"
    no_negative = SAST_IDS - negatives
    assert not no_negative, f"rules without an ok fixture: {sorted(no_negative)}"


def test_annotation_parser_reads_lists_and_skips_stacked_comments() -> None:
    text = "// ruleid: NW101\n// ok: NW102, NW103\neval(x);\n"
    expected, forbidden = annotations(text)
    assert expected == {("NW101", 3)}
    assert forbidden == {("NW102", 3), ("NW103", 3)}
