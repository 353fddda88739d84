"""Every SAST rule's docs are executable: Example must fire, Use instead must not.

The fence language picks the grammar (js, ts, tsx); `title=name.js` names the file.
"""

from __future__ import annotations

import pytest

from nodeward.model import Rule
from nodeward.ruledocs import code_blocks
from nodeward.sast.checks import run_file_rules
from nodeward.sast.parse import parse
from nodeward.sast.rules import RULES

_GRAMMAR = {"js": "javascript", "javascript": "javascript", "jsx": "javascript", "ts": "typescript", "typescript": "typescript", "tsx": "tsx"}


def _rule_hits(rule: Rule, code: str, lang: str, filename: str) -> list[tuple[str, int]]:
    source = code.encode()
    tree = parse(source, lang)
    assert not tree.root_node.has_error, f"{rule.id} docs block does not parse:\n{code}"
    return [(f.rule_id, f.line) for f in run_file_rules(filename, source, tree, lang) if f.rule_id == rule.id]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_docs_examples_are_tests(rule: Rule) -> None:
    blocks = code_blocks(rule.docs)
    assert {b.section for b in blocks} == {"Example", "Use instead"}
    for block in blocks:
        assert block.lang in _GRAMMAR, f"{rule.id}: fence language {block.lang!r} is not JS/TS"
        lang = _GRAMMAR[block.lang]
        hits = _rule_hits(rule, block.code, lang, block.filename or f"example.{block.lang}")
        if block.section == "Example":
            assert hits, f"{rule.id} Example produced no {rule.id} finding:\n{block.code}"
        else:
            assert not hits, f"{rule.id} Use instead produced {hits}:\n{block.code}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_metadata(rule: Rule) -> None:
    assert rule.family == "sast"
    assert rule.cwe and rule.owasp and rule.guide_section
    assert all(o.endswith(":2021") for o in rule.owasp)
    lo, hi = {"NW1": (101, 109), "NW2": (201, 209), "NW3": (301, 349), "NW4": (402, 449), "NW5": (501, 509), "NW6": (601, 649)}[rule.id[:3]]
    assert lo <= int(rule.id[2:]) <= hi, f"{rule.id} is outside the SAST id ranges"
