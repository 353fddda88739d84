"""Entry point the engine calls for per-file pattern rules.

Speed: a query cursor walks the whole tree whatever the pattern, so every
pattern the rules need (name bindings, candidate calls, option properties) is
compiled into ONE query per language and each file is walked once.  Call
patterns filter on the callee's last name in C (`#any-of?`), so Python looks
only at candidate nodes.  Calls through renamed imports (`import { exec as run }`,
`const run = promisify(exec)`) are caught by a second query that runs only in
files that have such aliases.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import tree_sitter as ts

from nodeward.model import Finding
from nodeward.sast.context import FileContext, bindings_query, compiled_query
from nodeward.sast.hits import candidates, renamed_calls
from nodeward.sast.parse import Lang, get_language
from nodeward.sast.rules import FAMILIES
from nodeward.sast.rules.base import CallHandler, NodeHandler, last_segment

__all__ = ["run_file_rules"]

Match = tuple[int, dict[str, list[ts.Node]]]

_HANDLERS: dict[str, list[CallHandler]] = {}
_NODE_PATTERNS: list[tuple[str, NodeHandler]] = []
for _family in FAMILIES:
    for _pattern in _family.CALLS:
        for _name in _pattern.names:
            _HANDLERS.setdefault(_name, []).append(_pattern.handler)
    _NODE_PATTERNS.extend((p.query, p.handler) for p in _family.NODES)
_NODE_QUERIES = tuple(q for q, _h in _NODE_PATTERNS)


_BINDING_CALLS = ("require", "promisify")
"""Calls that bind names; selected by the call query and handed to `FileContext`."""


def _names_predicate() -> str:
    names = " ".join(f'"{n}"' for n in sorted({*_HANDLERS, *_BINDING_CALLS}))
    return f"(#any-of? @name {names})"


_CALLEE = "[(identifier) @name (member_expression property: (property_identifier) @name)]"
_CALLS_QUERY = (
    f"(call_expression function: {_CALLEE} {_names_predicate()}) @call\n"
    f"(new_expression constructor: {_CALLEE} {_names_predicate()}) @call\n"
    f"(call_expression function: (parenthesized_expression (sequence_expression {_CALLEE} .)) {_names_predicate()}) @call\n"
)
_RENAMED_QUERY = "(call_expression function: (identifier) @name) @call\n(new_expression constructor: (identifier) @name) @call\n"

_BINDINGS = "bindings"
_CALLS = "calls"


@dataclass(frozen=True, slots=True)
class _Combined:
    query: ts.Query
    groups: tuple[str | NodeHandler, ...]
    """Pattern index -> `bindings`, `calls` or the node handler owning that pattern."""


_COMBINED: dict[Lang, _Combined] = {}


def _combined(lang: Lang) -> _Combined:
    """Every pattern of every rule family in one query, compiled once per process."""
    found = _COMBINED.get(lang)
    if found is not None:
        return found
    language = get_language(lang)
    parts: list[tuple[str, str | NodeHandler]] = [
        (bindings_query(lang, calls_included=True), _BINDINGS),
        (_CALLS_QUERY, _CALLS),
    ]
    parts.extend((src, handler) for src, handler in _NODE_PATTERNS)
    text = "\n".join(src for src, _ in parts)
    query = ts.Query(language, text)
    # Which part each pattern came from, by where it starts in the query text (compiling each
    # part on its own to count its patterns doubled the start-up cost of every worker).
    ends: list[int] = []
    offset = 0
    for src, _owner in parts:
        offset += len(src.encode()) + 1
        ends.append(offset)
    groups: list[str | NodeHandler] = []
    part = 0
    for index in range(query.pattern_count):
        start = query.start_byte_for_pattern(index)
        while start >= ends[part]:
            part += 1
        groups.append(parts[part][1])
    combined = _Combined(query, tuple(groups))
    _COMBINED[lang] = combined
    return combined


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


Candidates = tuple[list[Match], list[ts.Node], list[ts.Node], list[tuple[NodeHandler, dict[str, list[ts.Node]]]]]
"""(binding matches, candidate calls, require/promisify calls, node-pattern matches)."""


def query_candidates(tree: ts.Tree, lang: Lang) -> Candidates:
    """The dispatcher's candidates from one combined tree-sitter query (a whole-tree walk)."""
    combined = _combined(lang)
    bindings: list[Match] = []
    calls: list[ts.Node] = []
    binding_calls: list[ts.Node] = []
    nodes: list[tuple[NodeHandler, dict[str, list[ts.Node]]]] = []
    for index, caps in ts.QueryCursor(combined.query).matches(tree.root_node):
        group = combined.groups[index]
        if group == _BINDINGS:
            bindings.append((index, caps))
        elif group == _CALLS:
            name = caps["name"][0].text
            if name == b"require" or name == b"promisify":
                binding_calls.append(caps["call"][0])
            else:
                calls.append(caps["call"][0])
        elif not isinstance(group, str):
            nodes.append((group, caps))
    return bindings, calls, binding_calls, nodes


def hit_candidates(source: bytes, tree: ts.Tree, lang: Lang) -> Candidates | None:
    """The same candidates from byte hits checked on the tree (`sast/hits.py`), or None
    when that is unavailable (no `hyperscan` wheel)."""
    found = candidates(source, tree, lang, _HANDLERS, _NODE_QUERIES)
    if found is None:
        return None
    return found.bindings, found.calls, found.binding_calls, found.nodes


def run_file_rules(path: str, source: bytes, tree: ts.Tree, lang: Lang) -> list[Finding]:
    """All per-file SAST findings for one parsed file."""
    root = tree.root_node
    found = hit_candidates(source, tree, lang)
    bindings, calls, binding_calls, nodes = found if found is not None else query_candidates(tree, lang)
    ctx = FileContext(path, source, tree, lang, bindings, binding_calls)
    for call in binding_calls:
        # `require('cors')({...})`: the module itself is called; dispatch the outer call.
        outer = call.parent
        if outer is not None and outer.type == "call_expression" and outer.child_by_field_name("function") == call:
            calls.append(outer)
    seen: set[tuple[int, int]] = set()
    findings = _dispatch(ctx, sorted(calls, key=lambda n: n.start_byte), seen)
    renamed = {
        local for local, qual in ctx.aliases.items() if local != last_segment(qual) and last_segment(qual) in _HANDLERS
    }
    if renamed:
        if found is not None:
            extra = renamed_calls(source, root, renamed)
        else:
            renamed_matches = ts.QueryCursor(compiled_query(lang, _RENAMED_QUERY)).matches(root)
            extra = sorted((c["call"][0] for _i, c in renamed_matches if ctx.text(c["name"][0]) in renamed), key=lambda n: n.start_byte)
        findings.extend(_dispatch(ctx, extra, seen))
    for handler, caps in nodes:
        findings.extend(handler(ctx, caps))
    return findings
