"""Per-file facts for the cross-file app model and taint engine (computed in workers).

Cost control: a tree-sitter query (run in C) finds the few nodes that matter --
request sources, calls to sink or route-registration names, decorators.  Small
files that have any are walked whole; in big files (bundles, generated code)
only the top-level statements holding a candidate are walked, descending into
module wrappers (`(function () { ... })()`) so one giant IIFE does not force a
walk of the whole file.  Imports are always collected by query, so the module
graph and `imported_packages` stay complete either way.
"""

from __future__ import annotations

import tree_sitter as ts

from nodeward.analysis.frameworks import REGISTRATION_METHODS
from nodeward.analysis.ir import FileFacts, FuncFacts, Import
from nodeward.analysis.taint.tables import METHOD_SINKS, MODULE_SINKS, RES_SINKS
from nodeward.analysis.taint.walker import FileWalker
from nodeward.sast.parse import Lang, get_language

__all__ = ["extract_facts"]

WHOLE_FILE_BELOW = 64 * 1024
"""Files smaller than this are walked entirely once they hold any candidate."""

_CALL_NAMES = sorted(
    {n.rsplit(".", 1)[-1] for n in MODULE_SINKS}
    | set(METHOD_SINKS)
    | set(RES_SINKS)
    | set(REGISTRATION_METHODS)
    | {"require", "listen", "merge", "unserialize", "then"}
)
_QUERY_TEXT = f"""
(member_expression object: (identifier) @obj (#any-of? @obj "req" "request" "ctx" "process"))
(call_expression function: (identifier) @fn (#any-of? @fn {" ".join(f'"{n}"' for n in _CALL_NAMES)}))
(call_expression function: (member_expression property: (property_identifier) @fn (#any-of? @fn {" ".join(f'"{n}"' for n in _CALL_NAMES)})))
(new_expression constructor: (_) @ctor)
"""
_IMPORT_QUERY = """
(import_statement source: (string) @spec)
(export_statement source: (string) @spec)
(call_expression function: (identifier) @req (#eq? @req "require") arguments: (arguments . (_) @arg))
(call_expression function: (import) arguments: (arguments . (_) @arg))
"""
_QUERIES: dict[Lang, tuple[ts.Query, ts.Query]] = {}


def _queries(lang: Lang) -> tuple[ts.Query, ts.Query]:
    q = _QUERIES.get(lang)
    if q is None:
        language = get_language(lang)
        extra = "\n(decorator) @deco" if lang != "javascript" else ""
        q = (ts.Query(language, _QUERY_TEXT + extra), ts.Query(language, _IMPORT_QUERY))
        _QUERIES[lang] = q
    return q


def _string(node: ts.Node, source: bytes) -> str | None:
    if node.type != "string":
        return None
    return "".join(source[c.start_byte : c.end_byte].decode("utf-8", "replace") for c in node.named_children if c.type in ("string_fragment", "escape_sequence"))


def _imports(tree: ts.Tree, source: bytes, query: ts.Query) -> tuple[list[Import], list[int]]:
    imports: list[Import] = []
    unresolved: list[int] = []
    for _pattern, caps in ts.QueryCursor(query).matches(tree.root_node):
        for name in ("spec", "arg"):
            for node in caps.get(name, []):
                spec = _string(node, source)
                line = node.start_point[0] + 1
                if spec is None:
                    if name == "arg":
                        unresolved.append(line)
                    continue
                parent = node.parent
                dynamic = parent is not None and parent.parent is not None and parent.parent.type == "call_expression" and parent.parent.child_by_field_name("function") is not None and parent.parent.child_by_field_name("function").type == "import"  # type: ignore[union-attr]
                imports.append(Import(spec, line, dynamic=dynamic))
    return imports, unresolved


def _top_units(root: ts.Node, positions: list[int]) -> set[int] | None:
    """Start bytes of the top-level statements to walk (None: walk them all)."""
    if root.end_byte < WHOLE_FILE_BELOW:
        return None
    wanted: set[int] = set()
    children = root.named_children
    i = 0
    for child in children:
        while i < len(positions) and positions[i] < child.start_byte:
            i += 1
        if i < len(positions) and positions[i] < child.end_byte:
            wanted.add(child.start_byte)
    return wanted


def extract_facts(path: str, source: bytes, tree: ts.Tree, lang: Lang) -> FileFacts | None:
    """Picklable facts about one file, or None when the file holds nothing of interest."""
    candidates, import_query = _queries(lang)
    imports, unresolved = _imports(tree, source, import_query)
    positions = sorted(
        n.start_byte for nodes in ts.QueryCursor(candidates).captures(tree.root_node).values() for n in nodes
    )
    if not positions and not imports:
        return None
    walker = FileWalker(path, source)
    if positions or any(b"exports" in source[:0] for _ in ()):
        root = tree.root_node
        only = _top_units(root, positions)
        if only is not None and len(only) == 1 and len(root.named_children) <= 3:
            only = None  # one wrapper statement: walk it (bounded by MAX_DEPTH)
        walker.walk_program(root, only)
    else:
        # Imports only: still walk the top level cheaply for exports and re-exports.
        walker.walk_program(tree.root_node, None if len(source) < WHOLE_FILE_BELOW else set())
    top = walker.top
    walker.functions["<module>"] = FuncFacts(
        "<module>", "<module>", 1, (), tuple(top.sinks), tuple(top.calls), top.returns, None, "", tuple(sorted(top.reads)), top.validates
    )
    seen = {(i.spec, i.line) for i in walker.imports}
    all_imports = list(walker.imports) + [i for i in imports if (i.spec, i.line) not in seen]
    return FileFacts(
        path=path,
        imports=tuple(all_imports),
        exports=dict(walker.exports),
        star_exports=tuple(walker.star_exports),
        functions=dict(walker.functions),
        instances=dict(walker.instances),
        routes=tuple(walker.routes),
        unresolved=tuple(sorted(set(unresolved) | set(walker.unresolved))),
    )
