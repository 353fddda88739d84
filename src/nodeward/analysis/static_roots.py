"""Folders a project serves to browsers as static files, so server-side rules leave them alone.

`app.use(express.static(path.join(__dirname, 'public')))` sends every file below `public/` to
the browser as it is: a vendored editor's `loader.js` calling `eval` there runs in the
visitor's browser, not in the server, and is no server-side code injection (NW1xx).

Found with tree-sitter in the modules whose bytes name a static-file server: `express.static`,
`serve-static`, `koa-static`, `@fastify/static` (`register(fastifyStatic, { root })`), NestJS
`useStaticAssets(dir | { root })` and `ServeStaticModule.forRoot({ rootPath })`.  The scan then
drops the per-file findings of the server-side rules (`SERVER_SIDE_RULES`) in those files.  The folder
expression is evaluated when it is made of `__dirname`, `process.cwd()` (the project root),
string literals, `path.join`/`path.resolve` and `+`/template concatenation.  When its base is
unknown (`resolve(process.env.BASE, 'public')`), the literal tail (`public`) is accepted only if
exactly one folder of the project ends with it and no server module imports a file inside it;
otherwise nothing is assumed.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping, Sequence

import tree_sitter as ts

from nodeward.project import ProjectFile
from nodeward.sast.parse import Lang, get_language, parse

__all__ = ["SERVER_SIDE_RULES", "STATIC_MARKERS", "browser_files", "folders_served", "judged_as_server_code"]

SERVER_SIDE_RULES = ("NW1", "NW60")
"""Rule-id prefixes about what code does in the server process: injection (NW1xx: `eval`,
`child_process`, SQL...), Node deserializers and XML parsers (NW601, NW602) and regular
expressions that can stall the event loop (NW603, NW604; in a browser they stall one
visitor's tab).  Crypto (NW3xx) and secrets (NW8xx) rules still judge browser code: a weak
token or a key shipped to every visitor is as real there."""


def judged_as_server_code(rule_id: str) -> bool:
    """Whether a rule judges code as running in the server (dropped for browser files)."""
    return rule_id.startswith(SERVER_SIDE_RULES)

STATIC_MARKERS = (b".static(", b"serve-static", b"koa-static", b"fastify/static", b"fastify-static", b"useStaticAssets", b"ServeStaticModule", b"express-static-gzip")
"""Bytes one of the calls below needs; other modules are not parsed."""
_STATIC_PACKAGES = frozenset({"serve-static", "koa-static", "koa-static-cache", "@fastify/static", "fastify-static", "koa-static-server", "express-static-gzip"})
_UNKNOWN = "\x00"
"""Stands for a part of a path expression whose value is not known here."""
MAX_CALLS = 10_000


def _text(node: ts.Node | None) -> str:
    return (node.text or b"").decode("utf-8", "replace") if node is not None else ""


def _string(node: ts.Node) -> str | None:
    if node.type == "string":
        return _text(node)[1:-1]
    if node.type == "template_string" and not any(c.type == "template_substitution" for c in node.named_children):
        return _text(node)[1:-1]
    return None


def _args(call: ts.Node) -> list[ts.Node]:
    args = call.child_by_field_name("arguments")
    return [a for a in args.named_children if a.type != "comment"] if args is not None else []


def _field(obj: ts.Node, name: str) -> ts.Node | None:
    for c in obj.named_children:
        if c.type == "pair" and _text(c.child_by_field_name("key")).strip("'\"") == name:
            return c.child_by_field_name("value")
    return None


def _path_value(node: ts.Node, here: str, depth: int = 0) -> list[str] | None:
    """The path an expression builds, as segments (`_UNKNOWN` for unknown parts); `here` is the
    module's folder (project-relative).  None when it is no path expression at all."""
    if depth > 8:
        return None
    lit = _string(node)
    if lit is not None:
        return [lit]
    if node.type == "identifier" and _text(node) == "__dirname":
        return ["/" + here if here else "/"]
    if node.type == "call_expression":
        fn = _text(node.child_by_field_name("function"))
        if fn == "process.cwd":
            return ["/"]
        if fn in ("path.join", "path.resolve", "join", "resolve", "path.posix.join", "path.posix.resolve"):
            parts: list[str] = []
            for a in _args(node):
                sub = _path_value(a, here, depth + 1)
                parts.extend(sub if sub is not None else [_UNKNOWN])
            return parts
    if node.type == "binary_expression" and _text(node.child_by_field_name("operator")) == "+":
        left = _path_value(node.child_by_field_name("left"), here, depth + 1) or [_UNKNOWN]  # type: ignore[arg-type]
        right = _path_value(node.child_by_field_name("right"), here, depth + 1) or [_UNKNOWN]  # type: ignore[arg-type]
        return [*left[:-1], left[-1] + right[0], *right[1:]] if _UNKNOWN not in (left[-1], right[0]) else [*left, *right]
    if node.type == "template_string":
        out: list[str] = [""]
        for c in node.children:
            if c.type == "template_substitution":
                inner = c.named_children[0] if c.named_children else None
                sub = _path_value(inner, here, depth + 1) if inner is not None else None
                if sub is None or _UNKNOWN in sub:
                    out.extend([_UNKNOWN, ""])
                else:
                    out[-1] += "/".join(sub)
            elif c.type == "string_fragment":
                out[-1] += _text(c)
        return [p for p in out if p != ""] or None
    return [_UNKNOWN]


def _resolve(parts: list[str]) -> tuple[str, bool]:
    """(project-relative folder, known): `known` is False when an unknown part precedes the
    literal tail, which is then returned alone."""
    known = True
    acc = ""
    for p in parts:
        if p == _UNKNOWN:
            known, acc = False, ""
            continue
        acc = p if p.startswith("/") else (acc.rstrip("/") + "/" + p if acc else p)
    norm = posixpath.normpath("/" + acc.lstrip("/") if known else acc)
    return (norm.lstrip("/") if known else norm.strip("/")), known


_MEMBER_CALLS = """
(call_expression
  function: (member_expression property: (property_identifier) @prop)
  arguments: (arguments) @args
  (#any-of? @prop "static" "useStaticAssets" "register" "forRoot")) @call
"""
_BARE_CALLS = """
(call_expression function: (identifier) @id arguments: (arguments) @args) @call
"""
_QUERIES: dict[tuple[Lang, str], ts.Query] = {}


def _query(lang: Lang, text: str) -> ts.Query:
    q = _QUERIES.get((lang, text))
    if q is None:
        q = ts.Query(get_language(lang), text)
        _QUERIES[(lang, text)] = q
    return q


def _static_folder_exprs(root: ts.Node, lang: Lang, imports: Mapping[str, str]) -> list[ts.Node]:
    """The folder expressions of the static-file servers a module sets up."""
    out: list[ts.Node | None] = []
    matches = list(ts.QueryCursor(_query(lang, _MEMBER_CALLS)).matches(root))
    if any(spec in _STATIC_PACKAGES for spec in imports.values()):
        matches.extend(ts.QueryCursor(_query(lang, _BARE_CALLS)).matches(root))
    for _i, caps in matches[:MAX_CALLS]:
        call = caps["call"][0]
        fn = call.child_by_field_name("function")
        args = _args(call)
        if fn is None or not args:
            continue
        name = _text(fn)
        prop = _text(fn.child_by_field_name("property")) if fn.type == "member_expression" else ""
        first = args[0]
        if (prop == "static" and _is_express(fn.child_by_field_name("object"), imports)) or imports.get(name) in _STATIC_PACKAGES:
            out.append(first)  # express.static(dir), serveStatic(dir), koaStatic(dir)
        elif prop == "useStaticAssets":
            out.append(_field(first, "root") if first.type == "object" else first)
        elif prop == "register" and len(args) >= 2 and imports.get(_text(first)) in _STATIC_PACKAGES and args[1].type == "object":
            out.append(_field(args[1], "root"))
        elif name == "ServeStaticModule.forRoot" and first.type == "object":
            out.append(_field(first, "rootPath"))
    return [n for n in out if n is not None and n.type != "object"]


def _is_express(obj: ts.Node | None, imports: Mapping[str, str]) -> bool:
    """`express` (the usual local name, also for a project wrapper re-exporting `static`),
    a name bound to `require('express')`, or `require('express')` itself."""
    if obj is None:
        return False
    text = _text(obj)
    if obj.type == "identifier":
        return text == "express" or imports.get(text) == "express"
    if obj.type == "call_expression" and _text(obj.child_by_field_name("function")) == "require":
        args = _args(obj)
        return bool(args) and _string(args[0]) == "express"
    return False


def _imports(root: ts.Node) -> dict[str, str]:
    """Local name -> package for `const x = require('pkg')` and `import x from 'pkg'`."""
    out: dict[str, str] = {}
    for node in root.named_children:
        target = node
        if node.type in ("lexical_declaration", "variable_declaration"):
            for decl in node.named_children:
                value = decl.child_by_field_name("value")
                name = decl.child_by_field_name("name")
                if value is not None and name is not None and value.type == "call_expression" and _text(value.child_by_field_name("function")) == "require":
                    args = _args(value)
                    spec = _string(args[0]) if args else None
                    if spec is not None and name.type == "identifier":
                        out[_text(name)] = spec
        elif target.type == "import_statement":
            src = target.child_by_field_name("source")
            spec = _string(src) if src is not None else None
            clause = next((c for c in target.named_children if c.type == "import_clause"), None)
            if spec is not None and clause is not None:
                for c in clause.named_children:
                    if c.type == "identifier":
                        out[_text(c)] = spec
    return out


def folders_served(path: str, source: bytes, lang: Lang) -> list[tuple[str, bool, str]]:
    """(folder, known, module) for each static-file folder one module serves."""
    if not any(m in source for m in STATIC_MARKERS):
        return []
    root = parse(source, lang).root_node
    here = posixpath.dirname(path)
    out: list[tuple[str, bool, str]] = []
    for expr in _static_folder_exprs(root, lang, _imports(root)):
        parts = _path_value(expr, here)
        if parts is None:
            continue
        folder, known = _resolve(parts)
        if folder and folder != "." and not folder.startswith(".."):
            out.append((folder, known, path))
    return out


def browser_files(files: Sequence[ProjectFile], imported: Mapping[str, Iterable[str]], served: Iterable[tuple[str, bool, str]]) -> frozenset[str]:
    """Project files below a folder the project serves statically (`served`: `folders_served`
    of every module).

    `imported` maps each project file to the project files it imports: a folder some module
    outside it imports from is server code, whatever else serves it (an unknown-base tail is
    then not accepted at all)."""
    paths = [pf.path for pf in files]
    folders = {p.rsplit("/", 1)[0] for p in paths if "/" in p}
    for f in list(folders):
        while "/" in f:
            f = f.rsplit("/", 1)[0]
            folders.add(f)
    chosen: set[str] = set()
    for folder, known, module in served:
        matches = [folder] if known and folder in folders else [d for d in folders if d == folder or d.endswith("/" + folder)] if not known else []
        if len(matches) != 1:
            continue
        d = matches[0]
        # A folder holding the serving module itself, or modules the server imports, is the
        # server's own code served carelessly (its own finding), not a browser bundle.
        inside = d + "/"
        if module.startswith(inside) or any(t.startswith(inside) and not src.startswith(inside) for src, targets in imported.items() for t in targets):
            continue
        chosen.add(d)
    if not chosen:
        return frozenset()
    return frozenset(p for p in paths if any(p.startswith(d + "/") for d in chosen))
