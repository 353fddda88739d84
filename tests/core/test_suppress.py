"""Inline suppressions found as comment nodes; blanket and unused ones reported."""

from __future__ import annotations

import pytest

from nodeward.core_rules import BLANKET_SUPPRESSION, UNUSED_SUPPRESSION
from nodeward.model import Confidence, Finding, Rule, Severity, SourceSpan
from nodeward.sast.engine import analyze_file
from nodeward.suppress import apply_suppressions, parse_directive

FAKE = Rule("NW999", "fake-rule", "fake", Severity.HIGH, Confidence.HIGH, (), (), "", "docs")


def _finding(line: int, path: str = "a.js") -> Finding:
    return Finding("NW999", "fake-rule", Severity.HIGH, Confidence.HIGH, "m", SourceSpan(path, line, 1, line, 2), f"fp{line}")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("// nodeward-ignore NW101 reviewed: constant", (("NW101",), "reviewed: constant")),
        ("// nodeward-ignore[NW101,NW102]: ok here", (("NW101", "NW102"), "ok here")),
        ("// nodeward-ignore NW101, eval-with-dynamic-input legacy", (("NW101", "eval-with-dynamic-input"), "legacy")),
        ("/* nodeward-ignore NW101 */", (("NW101",), "")),
        ("// nodeward-ignore", ((), "")),
        ("// nodeward-ignore because reasons", ((), "because reasons")),
        ("// a normal comment", None),
    ],
)
def test_parse_directive(text: str, expected: tuple[tuple[str, ...], str] | None) -> None:
    assert parse_directive(text) == expected


SOURCE = b"""const a = 1;
// nodeward-ignore NW999 reviewed
call(
  a,
);
other(); // nodeward-ignore fake-rule trailing
// nodeward-ignore
blanket();
// nodeward-ignore NW999 nothing here
const b = 2;
const s = "// nodeward-ignore NW999 not a comment";
"""


def test_comments_cover_statement_and_line() -> None:
    result = analyze_file("a.js", SOURCE, "javascript")
    spans = [(c.line, c.first_line, c.last_line, c.rules) for c in result.suppressions]
    assert spans == [
        (2, 2, 5, ("NW999",)),
        (6, 6, 6, ("fake-rule",)),
        (7, 7, 8, ()),
        (9, 9, 10, ("NW999",)),
    ]
    findings = [_finding(4), _finding(6), _finding(8), _finding(11)]
    out = apply_suppressions(findings, result.suppressions, (FAKE, BLANKET_SUPPRESSION, UNUSED_SUPPRESSION))
    by_line = {(f.rule_id, f.line): f for f in out}
    assert by_line[("NW999", 4)].suppression is not None
    assert by_line[("NW999", 4)].suppression.justification == "reviewed"  # type: ignore[union-attr]
    assert by_line[("NW999", 6)].suppression is not None
    assert by_line[("NW999", 8)].suppression is None  # blanket refused
    assert by_line[("NW999", 11)].suppression is None  # the string is not a comment
    assert ("NW001", 7) in by_line
    assert ("NW000", 9) in by_line
    assert sorted(k for k in by_line if k[0] != "NW999") == [("NW000", 9), ("NW001", 7)]
