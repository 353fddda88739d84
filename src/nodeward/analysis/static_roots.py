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

A served folder may also hold server code: plugin hosts serve each plugin's folder (icons,
client scripts) and load its `index.js` with `require(path.join(pluginDir, name))`.  A file in
a served folder is therefore server code when a module outside the served folders loads it
(a static import, or a computed `require`/`import()` whose path, evaluated as above with the
module's own `const` bindings and an unknown part standing for one path segment, can name
it), when it loads a Node built-in that no browser has (`require('child_process')`,
`import fs from 'fs'`, with the module's own `require`: a bundle's or an AMD loader's
`function (require) {...}` parameter, as in Monaco's `loader.js`, does not count), or when such
a file imports it.
"""

from __future__ import annotations

import logging
import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence

import tree_sitter as ts

from nodeward.project import ProjectFile, content_skip_reason
from nodeward.sast.parse import Lang, get_language, parse

__all__ = ["SERVER_ONLY_BUILTINS", "SERVER_SIDE_RULES", "STATIC_MARKERS", "browser_files", "computed_loads", "folders_served", "judged_as_server_code", "loads_server_builtin"]

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
MAX_FILE = 512 * 1024
"""Bigger files are bundles (browser code stays browser code); they are not read for loads."""
_INSTALLED = "node_modules/"

logger = logging.getLogger(__name__)


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


def folders_served(path: str, source: bytes, lang: Lang, tree: ts.Tree | None = None) -> list[tuple[str, bool, str]]:
    """(folder, known, module) for each static-file folder one module serves (`tree`: the
    file's parse when the caller has it)."""
    if not any(m in source for m in STATIC_MARKERS):
        return []
    root = (tree if tree is not None else parse(source, lang)).root_node
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


# --------------------------------------------------------------------------- server code in served folders

_COMPUTED_LOAD = (re.compile(rb"require\(\s*[^'\"\s)]"), re.compile(rb"import\(\s*[^'\"\s)]"))
"""Bytes of a `require(expr)`/`import(expr)` whose argument is not a plain string literal (two
patterns with a literal prefix: several times faster than one alternation)."""
SERVER_ONLY_BUILTINS = frozenset({
    "async_hooks", "child_process", "cluster", "dgram", "dns", "fs", "fs/promises", "http", "http2", "https",
    "inspector", "module", "net", "os", "readline", "repl", "tls", "v8", "vm", "worker_threads",
})
"""Node built-ins no browser provides (a bundler may stub some, but a bundle's `require` is its
own parameter, not the module's)."""
_BUILTIN_NAMES = rb"\s*['\"`](?:node:)?(?:" + b"|".join(re.escape(m.encode()) for m in sorted(SERVER_ONLY_BUILTINS, key=len, reverse=True)) + rb")['\"`]"
_BUILTIN_BYTES = tuple(re.compile(prefix + _BUILTIN_NAMES) for prefix in (rb"require\(", rb"import\(", rb"from"))
"""Bytes of `require('fs')`, `import('fs')`, `from 'fs'` (one pattern per literal prefix: the
regex engine skips to the prefix, several times faster than a leading alternation)."""
_LOADS = """
(call_expression function: (identifier) @fn arguments: (arguments) @args (#eq? @fn "require")) @call
(call_expression function: (import) @fn arguments: (arguments) @args) @call
"""
_STATIC_SOURCES = """
(import_statement source: (string) @src)
(export_statement source: (string) @src)
"""
_FUNCTIONS = frozenset({"function_declaration", "function_expression", "function", "arrow_function", "method_definition", "generator_function_declaration", "generator_function"})
_MAX_DEPTH = 8


_DECLARATIONS = "(variable_declarator name: (identifier) @name value: (_) @value)"


def _declarations(root: ts.Node, lang: Lang) -> dict[str, ts.Node]:
    """`name -> value` of the module's `const/let/var name = value` declared exactly once."""
    out: dict[str, ts.Node] = {}
    twice: set[str] = set()
    for _i, caps in list(ts.QueryCursor(_query(lang, _DECLARATIONS)).matches(root))[:MAX_CALLS]:
        key = _text(caps["name"][0])
        if key in out:
            twice.add(key)
        out[key] = caps["value"][0]
    for key in twice:
        out.pop(key, None)
    return out


def _load_path(node: ts.Node, here: str, decls: Mapping[str, ts.Node], depth: int = 0) -> str:
    """The text of a path expression, `_UNKNOWN` for each part not known here; `__dirname`
    is `/<here>` (project-relative paths start with `/`)."""
    if depth > _MAX_DEPTH:
        return _UNKNOWN
    lit = _string(node)
    if lit is not None:
        return lit
    if node.type == "parenthesized_expression" and node.named_children:
        return _load_path(node.named_children[0], here, decls, depth + 1)
    if node.type == "identifier":
        name = _text(node)
        if name == "__dirname":
            return "/" + here
        value = decls.get(name)
        return _load_path(value, here, decls, depth + 1) if value is not None else _UNKNOWN
    if node.type == "call_expression":
        fn = _text(node.child_by_field_name("function"))
        if fn == "process.cwd":
            return "/"
        if fn in ("path.join", "join", "path.posix.join"):
            return "/".join(_load_path(a, here, decls, depth + 1) for a in _args(node))
        if fn in ("path.resolve", "resolve", "path.posix.resolve"):
            parts = [_load_path(a, here, decls, depth + 1) for a in _args(node)]
            starts = [i for i, p in enumerate(parts) if p.startswith("/")]
            return "/".join(parts[starts[-1]:]) if starts else "/" + "/".join(parts)
    if node.type == "binary_expression" and _text(node.child_by_field_name("operator")) == "+":
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is not None and right is not None:
            return _load_path(left, here, decls, depth + 1) + _load_path(right, here, decls, depth + 1)
    if node.type == "template_string":
        out = ""
        for c in node.children:
            if c.type == "template_substitution":
                inner = c.named_children[0] if c.named_children else None
                out += _load_path(inner, here, decls, depth + 1) if inner is not None else _UNKNOWN
            elif c.type == "string_fragment":
                out += _text(c)
        return out
    return _UNKNOWN


def _load_pattern(text: str, here: str) -> re.Pattern[str] | None:
    """The project files a `require` of this path text can load (`x`, `x.js`, `x/index.js`);
    None for packages and paths whose base is unknown."""
    if text.startswith("."):
        text = "/" + here + "/" + text
    if not text.startswith("/"):
        return None
    norm = posixpath.normpath(re.sub("/+", "/", text)).lstrip("/")
    if not norm or norm == "." or norm.startswith(("..", _UNKNOWN)):
        return None
    body = "[^/]+".join(re.escape(piece) for piece in norm.split(_UNKNOWN))
    return re.compile(rf"{body}(?:\.[cm]?[jt]sx?|\.json)?|{body}/index\.[cm]?[jt]sx?")


def _own_require(call: ts.Node) -> bool:
    """Whether `require` here is the module's own, not a parameter of an enclosing function (a
    bundle's module wrapper, an AMD `define(function (require) {...})`)."""
    node = call.parent
    while node is not None:
        if node.type in _FUNCTIONS:
            params = node.child_by_field_name("parameters") or node.child_by_field_name("parameter")
            if params is not None and any(_text(p) == "require" for p in ([params] if params.type == "identifier" else params.named_children)):
                return False
        node = node.parent
    return True


def computed_loads(path: str, source: bytes, lang: Lang) -> list[re.Pattern[str]]:
    """Patterns of the project files a module loads through `require(expr)`/`import(expr)`."""
    if not any(rx.search(source) for rx in _COMPUTED_LOAD):
        return []
    root = parse(source, lang).root_node
    here = posixpath.dirname(path)
    decls: dict[str, ts.Node] | None = None
    out: list[re.Pattern[str]] = []
    for _i, caps in list(ts.QueryCursor(_query(lang, _LOADS)).matches(root))[:MAX_CALLS]:
        call = caps["call"][0]
        args = _args(call)
        if not args or _string(args[0]) is not None or (caps["fn"][0].type == "identifier" and not _own_require(call)):
            continue
        if decls is None:
            decls = _declarations(root, lang)
        pattern = _load_pattern(_load_path(args[0], here, decls), here)
        if pattern is not None:
            out.append(pattern)
    return out


def loads_server_builtin(source: bytes, lang: Lang) -> bool:
    """Whether a module loads a Node built-in no browser has, with its own `require` or an
    `import`: it runs in Node, whichever folder serves its text."""
    if not any(rx.search(source) for rx in _BUILTIN_BYTES):
        return False
    root = parse(source, lang).root_node
    for _i, caps in list(ts.QueryCursor(_query(lang, _STATIC_SOURCES)).matches(root))[:MAX_CALLS]:
        if (_string(caps["src"][0]) or "").removeprefix("node:") in SERVER_ONLY_BUILTINS:
            return True
    for _i, caps in list(ts.QueryCursor(_query(lang, _LOADS)).matches(root))[:MAX_CALLS]:
        call = caps["call"][0]
        args = _args(call)
        spec = _string(args[0]) if args else None
        if spec is not None and spec.removeprefix("node:") in SERVER_ONLY_BUILTINS and (caps["fn"][0].type != "identifier" or _own_require(call)):
            return True
    return False


def _read(pf: ProjectFile) -> bytes | None:
    if pf.lang is None or pf.size > MAX_FILE or pf.path.startswith(_INSTALLED) or "/" + _INSTALLED in pf.path:
        return None
    try:
        with open(pf.abspath, "rb") as fh:
            source = fh.read()
    except OSError:
        return None
    return source


def _server_files(files: Sequence[ProjectFile], inside: frozenset[str], imported: Mapping[str, Iterable[str]]) -> set[str]:
    """The files of the served folders (`inside`) that run in the server (module docstring)."""
    patterns: list[re.Pattern[str]] = []
    server: set[str] = set()
    for pf in files:
        lang = pf.lang
        source = _read(pf) if lang is not None else None
        if source is None or lang is None:
            continue
        try:
            # The byte tests first: generated files (`content_skip_reason`) are ruled out only
            # when one passes, and never parsed.
            if pf.path in inside:
                if any(rx.search(source) for rx in _BUILTIN_BYTES) and content_skip_reason(pf.path, source) is None and loads_server_builtin(source, lang):
                    server.add(pf.path)
            elif any(rx.search(source) for rx in _COMPUTED_LOAD) and content_skip_reason(pf.path, source) is None:
                patterns.extend(computed_loads(pf.path, source, lang))
        except ValueError:  # unparsable: proves nothing either way
            logger.debug("load check of %s failed", pf.path, exc_info=True)
    if patterns:
        server.update(p for p in inside if any(rx.fullmatch(p) for rx in patterns))
    todo = list(server)
    while todo:  # what server code imports from the folder runs in the server too
        for t in imported.get(todo.pop(), ()):
            if t in inside and t not in server:
                server.add(t)
                todo.append(t)
    return server


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
    below = frozenset(p for p in paths if any(p.startswith(d + "/") for d in chosen))
    return below - _server_files(files, below, imported)
