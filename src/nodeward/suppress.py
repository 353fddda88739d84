"""Inline suppressions: `// nodeward-ignore NW101 reason`.

Comments are found as tree-sitter `comment` nodes (never by a regex over
lines, which also matches strings).  A comment suppresses findings on its own
line and, when it stands alone on its line, the whole next statement.  A rule
id or name is required: blanket ignores are refused and reported (NW001), and
suppressions that matched nothing are reported (NW000).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import tree_sitter as ts

from nodeward.core_rules import BLANKET_SUPPRESSION, UNUSED_SUPPRESSION
from nodeward.model import Finding, Rule, SourceSpan, Suppression, make_fingerprint

__all__ = ["SuppressionComment", "apply_suppressions", "find_suppressions"]

_MARKER = "nodeward-ignore"
_COMMENT_BODY = re.compile(r"^\s*(?://+|/\*+|#)\s*(.*?)\s*(?:\*+/)?\s*$", re.S)
_DIRECTIVE = re.compile(r"^nodeward-ignore(?:\[([^\]]*)\])?:?\s*(.*)$", re.S)
_TOKEN = re.compile(r"^(NW\d{3}|[a-z][a-z0-9]*(?:-[a-z0-9]+)+)$", re.I)


@dataclass(frozen=True, slots=True)
class SuppressionComment:
    path: str
    line: int
    column: int
    rules: tuple[str, ...]
    """Rule ids or names as written; empty for a (refused) blanket ignore."""
    reason: str
    first_line: int
    last_line: int
    """Lines whose findings it covers."""
    text: str


def parse_directive(comment_text: str) -> tuple[tuple[str, ...], str] | None:
    """(rules, reason) for a nodeward-ignore comment, None for any other comment."""
    m = _COMMENT_BODY.match(comment_text)
    body = m.group(1) if m else comment_text
    if not body.startswith(_MARKER):
        return None
    d = _DIRECTIVE.match(body)
    if d is None:
        return None
    bracket, rest = d.group(1), d.group(2).strip()
    rules: list[str] = []
    if bracket is not None:
        rules = [t.strip() for t in bracket.split(",") if t.strip()]
        return tuple(rules), rest
    words = rest.replace(",", " , ").split()
    i = 0
    while i < len(words):
        w = words[i]
        if w == ",":
            i += 1
            continue
        if _TOKEN.match(w.rstrip(":")):
            rules.append(w.rstrip(":"))
            i += 1
            continue
        break
    reason = " ".join(w for w in words[i:] if w != ",")
    return tuple(rules), reason.lstrip(":- ").strip()


def find_suppressions(path: str, source: bytes, comments: Iterable[ts.Node]) -> list[SuppressionComment]:
    """Suppression comments among the given comment nodes, with the lines they cover."""
    out: list[SuppressionComment] = []
    for node in sorted(comments, key=lambda n: n.start_byte):
        text = node.text.decode("utf-8", "replace") if node.text else ""
        if _MARKER not in text:
            continue
        parsed = parse_directive(text)
        if parsed is None:
            continue
        rules, reason = parsed
        line = node.start_point[0] + 1
        first, last = line, node.end_point[0] + 1
        line_start = source.rfind(b"\n", 0, node.start_byte) + 1
        if not source[line_start : node.start_byte].strip():
            # Own-line comment: it covers the next statement, whole.
            nxt = node.next_named_sibling
            while nxt is not None and nxt.type == "comment":
                nxt = nxt.next_named_sibling
            if nxt is not None:
                last = nxt.end_point[0] + 1
            else:
                last = last + 1
        out.append(SuppressionComment(path, line, node.start_point[1] + 1, rules, reason, first, last, text.strip()))
    return out


def _matches(comment: SuppressionComment, finding: Finding, rules_by_key: dict[str, Rule]) -> bool:
    for token in comment.rules:
        rule = rules_by_key.get(token.upper()) or rules_by_key.get(token.lower())
        if rule is not None and rule.id == finding.rule_id:
            return True
    return False


def apply_suppressions(
    findings: Sequence[Finding],
    comments: Sequence[SuppressionComment],
    all_rules: Sequence[Rule],
) -> list[Finding]:
    """Mark suppressed findings and add NW000/NW001 findings for unused and blanket comments."""
    rules_by_key: dict[str, Rule] = {}
    for r in all_rules:
        rules_by_key[r.id.upper()] = r
        rules_by_key[r.name.lower()] = r
    by_path: dict[str, list[SuppressionComment]] = {}
    for c in comments:
        by_path.setdefault(c.path, []).append(c)
    used: set[tuple[str, int, int]] = set()
    out: list[Finding] = []
    for f in findings:
        loc = f.location
        if f.suppression is None and isinstance(loc, SourceSpan):
            for c in by_path.get(loc.path, ()):
                if c.first_line <= loc.start_line <= c.last_line and _matches(c, f, rules_by_key):
                    f = replace(f, suppression=Suppression("inSource", c.reason or "(no reason given)", c.path, c.line))
                    used.add((c.path, c.line, c.column))
                    break
        out.append(f)
    for c in comments:
        if not c.rules:
            out.append(_meta_finding(BLANKET_SUPPRESSION, c, "Blanket `nodeward-ignore` refused: name the rule id or name it suppresses"))
        elif (c.path, c.line, c.column) not in used:
            unknown = [t for t in c.rules if (rules_by_key.get(t.upper()) or rules_by_key.get(t.lower())) is None]
            detail = f" (unknown rule {', '.join(unknown)})" if unknown else ""
            out.append(_meta_finding(UNUSED_SUPPRESSION, c, f"Unused suppression for {', '.join(c.rules)}{detail}"))
    return out


def _meta_finding(rule: Rule, c: SuppressionComment, message: str) -> Finding:
    span = SourceSpan(c.path, c.line, c.column, c.line, c.column + len(c.text), c.text)
    return Finding(
        rule_id=rule.id,
        rule_name=rule.name,
        severity=rule.severity,
        confidence=rule.confidence,
        message=message,
        location=span,
        fingerprint=make_fingerprint(rule.id, c.path, c.text),
        fix="Remove the comment, or name the rule it is meant to suppress.",
    )
