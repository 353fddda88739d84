"""Per-file facts for the cross-file app model and taint engine (computed in workers).

Cost control: `candidates.captures` finds the few nodes that matter -- request
sources, calls to sink or route-registration names, decorators, imports -- by a
byte scan checked on the tree (or one tree-sitter query without Hyperscan).
Small files that have any are walked whole; in big files (bundles, generated
code) only the top-level statements holding a candidate are walked, descending
into module wrappers (`(function () { ... })()`) so one giant IIFE does not force
a walk of the whole file.  Imports always come from the candidates, so the module
graph and `imported_packages` stay complete either way.
"""

from __future__ import annotations

import tree_sitter as ts

from nodeward.analysis.candidates import IMPORT_CAPTURES, Captures, captures
from nodeward.analysis.exports import is_type_only
from nodeward.analysis.ir import FileFacts, FuncFacts, Import
from nodeward.analysis.serving import file_serving
from nodeward.analysis.taint.walker import FileWalker
from nodeward.jsstring import unescape
from nodeward.sast.parse import Lang

__all__ = ["extract_facts"]

WHOLE_FILE_BELOW = 64 * 1024
"""Files smaller than this are walked entirely once they hold any candidate."""


def _string(node: ts.Node, source: bytes) -> str | None:
    """The value of a string literal (None for anything else)."""
    if node.type != "string":
        return None
    start, end = node.start_byte, node.end_byte
    raw = source[start + 1 : end - 1]
    if end - start >= 2 and source[start] == source[end - 1] and b"\\" not in raw:
        return raw.decode("utf-8", "replace")  # the common case: quotes around one fragment
    return "".join(
        text if c.type == "string_fragment" else unescape(text)
        for c in node.named_children
        if c.type in ("string_fragment", "escape_sequence")
        for text in (source[c.start_byte : c.end_byte].decode("utf-8", "replace"),)
    )


def _imports(caps: Captures, source: bytes) -> tuple[list[Import], list[int]]:
    imports: list[Import] = []
    unresolved: list[int] = []
    for name in ("spec", "arg"):
        for node in caps.get(name, []):
            spec = _string(node, source)
            line = node.start_point[0] + 1
            if spec is None:
                if name == "arg":
                    unresolved.append(line)
                continue
            if name == "spec" and node.parent is not None and is_type_only(node.parent):
                continue  # `import type {...}`: erased at compile time, loads nothing
            call = node.parent.parent if node.parent is not None else None
            fn = call.child_by_field_name("function") if call is not None and call.type == "call_expression" else None
            imports.append(Import(spec, line, dynamic=fn is not None and fn.type == "import"))
    return imports, unresolved


_FRAMEWORK_CALLS = frozenset({b"express", b"Router", b"fastify", b"Fastify", b"Koa", b"KoaRouter"})


def _app_node(node: ts.Node, source: bytes) -> bool:
    """`req.`/`request.`/`ctx.` or `process.argv`: a request (or CLI) source."""
    if source[node.start_byte : node.end_byte] != b"process":
        return True
    parent = node.parent
    prop = parent.child_by_field_name("property") if parent is not None else None
    return prop is not None and source[prop.start_byte : prop.end_byte] == b"argv"


def _framework_node(node: ts.Node, source: bytes) -> bool:
    """An app or router being created (`express()`, `Router()`, `new Koa()`)."""
    return source[node.start_byte : node.end_byte] in _FRAMEWORK_CALLS


def _wrapper_body(stmt: ts.Node) -> ts.Node | None:
    """The statement block of a module wrapper: `(function () {...})()`, `!function(){...}()`,
    UMD `(function (root, factory) {...})(this, function () {...})` (the factory's body)."""
    node: ts.Node | None = stmt.named_children[0] if stmt.type == "expression_statement" and stmt.named_children else None
    for _ in range(4):
        if node is None:
            return None
        if node.type in ("parenthesized_expression", "unary_expression"):
            node = node.named_children[-1] if node.named_children else None
        elif node.type == "call_expression":
            args = node.child_by_field_name("arguments")
            fns = [a for a in (args.named_children if args is not None else []) if a.type in ("function_expression", "function", "arrow_function")]
            node = fns[-1] if fns else node.child_by_field_name("function")
        elif node.type in ("function_expression", "function", "arrow_function"):
            body = node.child_by_field_name("body")
            return body if body is not None and body.type == "statement_block" else None
        else:
            return None
    return None


def _units(parent: ts.Node, positions: list[int], depth: int = 0) -> list[ts.Node]:
    """Statements to walk in a big file: those holding a candidate, descending into module
    wrappers so one bundle-wide IIFE does not force a walk of the whole file."""
    units: list[ts.Node] = []
    i = 0
    for child in parent.named_children:
        while i < len(positions) and positions[i] < child.start_byte:
            i += 1
        if not (i < len(positions) and positions[i] < child.end_byte):
            continue
        body = _wrapper_body(child) if child.end_byte - child.start_byte > WHOLE_FILE_BELOW and depth < 3 else None
        if body is not None:
            units.extend(_units(body, positions, depth + 1))
        else:
            units.append(child)
    return units


EAGER_SINK_FILES_BELOW = 32 * 1024
"""Files with only sink candidates are walked in the workers when smaller than this (app
helpers such as `lib/db.js`); bigger ones (bundled libraries) are walked lazily by the
linker, only if tainted data is passed into them."""


def _installed(path: str) -> bool:
    """A file of an installed package (scanned with `--include-node-modules`).

    Installed code is walked eagerly only where it builds a server of its own (`express()`,
    `Router()`, `new Koa()`: a package's admin UI or dev server is an app worth judging).
    Everything else is walked on demand, when walked code calls into it -- the model a scan
    without the flag builds, where installed files are not sources at all.  An eager walk
    would judge a package's internals as if they were the application (a `req.url` in an
    HTTP client is not request data; `instance.get('/')` in an ORM is not a route), and it
    cost a tenth of the CPU time of a dependency-tree scan for no finding."""
    return path.startswith("node_modules/") or "/node_modules/" in path


def extract_facts(path: str, source: bytes, tree: ts.Tree, lang: Lang, *, force: bool = False) -> FileFacts | None:
    """Picklable facts about one file, or None when the file holds nothing of interest.

    `force` walks the file whatever its candidates (the linker's on-demand analysis).
    """
    caps = captures(source, tree, lang)
    imports, unresolved = _imports(caps, source)
    builds_app = any(_framework_node(n, source) for n in caps.get("fn", ()))
    app_related = builds_app or "app" in caps or "deco" in caps or "gql" in caps or any(_app_node(n, source) for n in caps.get("obj", ()))
    # Compiled NestJS (`C = __decorate([Controller('x')], C)`): the decorators are plain calls, so
    # a controller with no sink or `req` of its own had no candidate and no route.
    app_related = app_related or (b"__decorate" in source and b"Controller" in source)
    positions = sorted(
        n.start_byte for name, nodes in caps.items() if name not in IMPORT_CAPTURES for n in nodes if name != "obj" or _app_node(n, source)
    )
    if not positions and not imports and not force:
        return None
    if _installed(path):
        walk = force or builds_app
    else:
        walk = force or app_related or (bool(positions) and len(source) < EAGER_SINK_FILES_BELOW)
    if not walk:
        # Nothing request- or route-related: imports only.  The linker walks the file on
        # demand if tainted data reaches one of its functions (`walked=False`).
        return FileFacts(path=path, imports=tuple(imports), unresolved=tuple(sorted(set(unresolved))), walked=False, serving=file_serving(path, source, tree, lang))
    walker = FileWalker(path, source)
    root = tree.root_node
    if force or root.end_byte < WHOLE_FILE_BELOW:
        walker.walk_program(root, None)
    else:
        # Statements with imports are walked too: the bindings they create name the sinks.
        everything = sorted(n.start_byte for nodes in caps.values() for n in nodes)
        walker.walk_units(_units(root, everything))
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
        serving=file_serving(path, source, tree, lang),
    )
