"""Entry point the engine calls for per-file pattern rules.

One combined query per language selects every call and `new` expression whose
callee ends in a name some rule cares about (`#any-of?` filters in C), so
Python looks only at candidate nodes.  Calls through renamed imports
(`import { exec as run }`, `const run = promisify(exec)`) are caught by a second
query that runs only in files that have such aliases.
"""

from __future__ import annotations

from collections.abc import Iterable

import tree_sitter as ts

from nodeward.model import Finding
from nodeward.sast.context import FileContext, compiled_query
from nodeward.sast.parse import Lang
from nodeward.sast.rules import FAMILIES
from nodeward.sast.rules.base import CallHandler, NodeHandler, last_segment

__all__ = ["run_file_rules"]

_HANDLERS: dict[str, list[CallHandler]] = {}
_NODE_PATTERNS: list[tuple[str, NodeHandler]] = []
for _family in FAMILIES:
    for _pattern in _family.CALLS:
        for _name in _pattern.names:
            _HANDLERS.setdefault(_name, []).append(_pattern.handler)
    _NODE_PATTERNS.extend((p.query, p.handler) for p in _family.NODES)


def _names_predicate() -> str:
    names = " ".join(f'"{n}"' for n in sorted(_HANDLERS))
    return f"(#any-of? @name {names})"


_CALLEE = "[(identifier) @name (member_expression property: (property_identifier) @name)]"
_CALLS_QUERY = (
    f"(call_expression function: {_CALLEE} {_names_predicate()}) @call\n"
    f"(new_expression constructor: {_CALLEE} {_names_predicate()}) @call\n"
    f"(call_expression function: (parenthesized_expression (sequence_expression {_CALLEE} .)) {_names_predicate()}) @call\n"
)
_RENAMED_QUERY = "(call_expression function: (identifier) @name) @call\n(new_expression constructor: (identifier) @name) @call\n"


def _dispatch(ctx: FileContext, nodes: Iterable[ts.Node], seen: set[tuple[int, int]]) -> list[Finding]:
    out: list[Finding] = []
    for call in nodes:
        key_ = (call.start_byte, call.end_byte)
        if key_ in seen:
            continue
        seen.add(key_)
        qual = ctx.callee_qualname(call)
        callee = ctx.callee(call)
        if qual is not None:
            key = last_segment(qual)
        elif callee is not None and callee.type == "member_expression":
            prop = callee.child_by_field_name("property")
            key = ctx.text(prop) if prop is not None else ""
        else:
            continue
        for handler in _HANDLERS.get(key, ()):
            out.extend(handler(ctx, call, qual))
    return out


def run_file_rules(path: str, source: bytes, tree: ts.Tree, lang: Lang) -> list[Finding]:
    """All per-file SAST findings for one parsed file, in document order per hook."""
    ctx = FileContext(path, source, tree, lang)
    root = tree.root_node
    calls = ts.QueryCursor(compiled_query(lang, _CALLS_QUERY)).captures(root).get("call", [])
    seen: set[tuple[int, int]] = set()
    findings = _dispatch(ctx, sorted(calls, key=lambda n: n.start_byte), seen)
    renamed = {
        local for local, qual in ctx.aliases.items() if local != last_segment(qual) and last_segment(qual) in _HANDLERS
    }
    if renamed:
        renamed_matches = ts.QueryCursor(compiled_query(lang, _RENAMED_QUERY)).matches(root)
        extra = [c["call"][0] for _i, c in renamed_matches if ctx.text(c["name"][0]) in renamed]
        findings.extend(_dispatch(ctx, sorted(extra, key=lambda n: n.start_byte), seen))
    for query_src, handler in _NODE_PATTERNS:
        for _i, caps in ts.QueryCursor(compiled_query(lang, query_src)).matches(root):
            findings.extend(handler(ctx, caps))
    return findings
