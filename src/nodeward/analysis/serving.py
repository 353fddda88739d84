"""Where a project starts an HTTP server, for the app-tree rules (NW401 once per served tree).

The workers record `listen(...)` on apps and on function parameters (`registrations.py`), but
the usual entry module (`bin/www`: `const server = http.createServer(require('../app'));
server.listen(port)`) holds nothing else of interest and is never walked, and a server's
`listen` often sits on a variable the walker does not know as an app.  This module answers the
one question the rules need from such files: does any module of the project start a server?

Only files whose bytes mention `listen(` or `createServer(` are parsed (tree-sitter; the
text test is a cheap filter, the call shapes below decide).  A call counts when it is
`X.listen(port, ...)` with a port-like first argument (a number, or an expression naming a
port: `port`, `config.port`, `process.env.PORT`, `normalizePort(...)`: `port` as a word or camel-case part of a name, so not `reportPageView`),
Node's options object with a `port` key (`listen({ port, host })`), or
`http|https|http2|spdy.createServer(...)`.  Event-emitter `listen`s (`history.listen(fn)`,
`events.listen()`) and sockets on a path (`server.listen(socketPath)`) do not.  An app handed
to a serverless adapter (`serverless(app)` of serverless-http, `functions.https.onRequest(app)`
of firebase-functions, `SERVERLESS_ADAPTERS`) is served by the cloud platform: that call is a
server start the model cannot tie to an app, so the apps other code places are not assumed to
join another server's tree (`rules/app_config.py`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

import tree_sitter as ts

from nodeward.analysis.static_roots import STATIC_MARKERS, folders_served
from nodeward.project import ProjectFile, content_skip_reason
from nodeward.sast.parse import Lang, get_language, parse

__all__ = ["MAX_FILE", "NOT_SERVING", "Serving", "file_serving", "scan_modules", "server_lines", "starts_and_served", "starts_server"]

logger = logging.getLogger(__name__)

MAX_FILE = 128 * 1024
"""Entry modules are small; bigger files (bundles) are not parsed for this question."""

_QUERY_TEXT = """
(call_expression
  function: (member_expression object: (_) @obj property: (property_identifier) @prop)
  arguments: (arguments) @args
  (#any-of? @prop "listen" "createServer" "createSecureServer"))
"""
_QUERIES: dict[tuple[Lang, str], ts.Query] = {}
_SERVER_MODULES = frozenset({"http", "https", "http2", "spdy"})
_INSTALLED = "node_modules/"

_FUNCTIONS_HTTP = frozenset({"onRequest"})
SERVERLESS_ADAPTERS: dict[str, frozenset[str]] = {
    "serverless-http": frozenset({""}),
    "@vendia/serverless-express": frozenset({"", "configure"}),
    "@codegenie/serverless-express": frozenset({"", "configure"}),
    "aws-serverless-express": frozenset({"createServer"}),
    "azure-function-express": frozenset({"createHandler"}),
    "@google-cloud/functions-framework": frozenset({"http"}),
    "firebase-functions": _FUNCTIONS_HTTP,
    "firebase-functions/v1": _FUNCTIONS_HTTP,
    "firebase-functions/v2": _FUNCTIONS_HTTP,
    "firebase-functions/https": _FUNCTIONS_HTTP,
    "firebase-functions/v2/https": _FUNCTIONS_HTTP,
}
"""Packages that serve an app as a cloud function (the platform does the listening), with the
members that take the app (`""`: the module itself is called, `serverless(app)`):
`functions.https.onRequest(app)`, `awsServerlessExpress.createServer(app)`..."""
_ADAPTER_MARKERS = (b"serverless-", b"firebase-functions", b"azure-function-express", b"/functions-framework")
"""Bytes one of the adapter package names above contains (four searches per module, not one per package)."""
_ANY_MARKER = (b"listen(", b"createServer(", b"createSecureServer(", *_ADAPTER_MARKERS, *STATIC_MARKERS)
_COARSE_MARKER = (b"listen(", b"Server(", b"tatic", *_ADAPTER_MARKERS)
"""Each of `_ANY_MARKER` contains one of these: seven searches rule out most modules, the
fifteen precise ones run only on the rest."""
_CALLS = "(call_expression function: (_) @fn arguments: (arguments) @args) @call"


def _text(node: ts.Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
"""Words of an expression's names: `normalizePort` -> normalize, Port; `HTTP_PORT` -> HTTP, PORT."""
_PORT_WORDS = frozenset({"port", "ports"})


def _names_port(text: str) -> bool:
    """Whether `port` is a word (or a camel-case part) of the text: `httpPort`, `PORT`,
    `config.get('port')`, but not `reportPageView`, `transport`, `exports`, `support`."""
    return any(w.lower() in _PORT_WORDS for w in _WORDS.findall(text))


def _port_like(arg: ts.Node) -> bool:
    """A number, an expression that names a port (`port`, `config.get('port')`, `PORT`), or
    Node's options object with a `port` key (`listen({ port, host })`, `listen({ port: 8080 })`)."""
    if arg.type == "number":
        return True
    if arg.type in ("identifier", "member_expression", "call_expression", "subscript_expression", "binary_expression", "parenthesized_expression"):
        return _names_port(_text(arg))
    if arg.type == "object":
        for c in arg.named_children:
            key = c.child_by_field_name("key") if c.type == "pair" else c if c.type == "shorthand_property_identifier" else None
            if key is not None and _text(key).strip("'\"") == "port":
                return True
    return False


def _server_module(obj: ts.Node) -> bool:
    """`http`, `https`, `require('http')`, `require('node:https')`."""
    text = _text(obj)
    if obj.type == "identifier":
        return text in _SERVER_MODULES
    if obj.type == "call_expression":
        fn = obj.child_by_field_name("function")
        args = obj.child_by_field_name("arguments")
        if fn is not None and _text(fn) == "require" and args is not None and args.named_children:
            spec = _text(args.named_children[0]).strip("'\"`")
            return spec.removeprefix("node:") in _SERVER_MODULES
    return False


def _require_spec(node: ts.Node) -> str | None:
    """`pkg` of `require('pkg')`."""
    if node.type != "call_expression" or _text(node.child_by_field_name("function") or node) != "require":
        return None
    args = node.child_by_field_name("arguments")
    first = args.named_children[0] if args is not None and args.named_children else None
    return _text(first)[1:-1] if first is not None and first.type == "string" else None


def _adapter_bindings(root: ts.Node) -> dict[str, tuple[str, str]]:
    """Local name -> (adapter package, member; `""` for the module) of the module's top-level
    `const x = require(pkg)`, `const { onRequest } = require(pkg)` and `import` forms."""
    out: dict[str, tuple[str, str]] = {}
    for node in root.named_children:
        if node.type in ("lexical_declaration", "variable_declaration"):
            for decl in node.named_children:
                name, value = decl.child_by_field_name("name"), decl.child_by_field_name("value")
                spec = _require_spec(value) if value is not None else None
                if name is None or spec is None or spec not in SERVERLESS_ADAPTERS:
                    continue
                if name.type == "identifier":
                    out[_text(name)] = (spec, "")
                elif name.type == "object_pattern":
                    for prop in name.named_children:
                        if prop.type == "shorthand_property_identifier_pattern":
                            out[_text(prop)] = (spec, _text(prop))
                        elif prop.type == "pair_pattern":
                            key, val = prop.child_by_field_name("key"), prop.child_by_field_name("value")
                            if key is not None and val is not None and val.type == "identifier":
                                out[_text(val)] = (spec, _text(key))
        elif node.type == "import_statement":
            src = node.child_by_field_name("source")
            spec = _text(src)[1:-1] if src is not None else ""
            if spec not in SERVERLESS_ADAPTERS:
                continue
            for clause in (c for c in node.named_children if c.type == "import_clause"):
                for c in clause.named_children:
                    if c.type == "identifier":
                        out[_text(c)] = (spec, "")
                    elif c.type == "namespace_import":
                        out.update((_text(i), (spec, "")) for i in c.named_children if i.type == "identifier")
                    elif c.type == "named_imports":
                        for imp in (i for i in c.named_children if i.type == "import_specifier"):
                            name_node, alias = imp.child_by_field_name("name"), imp.child_by_field_name("alias")
                            if name_node is not None:
                                out[_text(alias or name_node)] = (spec, _text(name_node))
    return out


def _adapter_call(fn: ts.Node, bindings: dict[str, tuple[str, str]]) -> bool:
    """Whether a callee is an adapter's app-taking entry: `serverless`, `functions.https.onRequest`,
    `onRequest` imported from `firebase-functions/v2/https`, `require('serverless-http')`."""
    last = ""
    node = fn
    while node.type == "member_expression":
        last = last or _text(node.child_by_field_name("property") or node)
        node = node.child_by_field_name("object") or node
        if node is fn:
            return False
    spec = _require_spec(node)
    if spec is not None:
        bound: tuple[str, str] | None = (spec, "")
    else:
        bound = bindings.get(_text(node)) if node.type == "identifier" else None
    if bound is None or bound[0] not in SERVERLESS_ADAPTERS:
        return False
    return (last or bound[1]) in SERVERLESS_ADAPTERS[bound[0]]


def _query(lang: Lang, text: str) -> ts.Query:
    q = _QUERIES.get((lang, text))
    if q is None:
        q = ts.Query(get_language(lang), text)
        _QUERIES[(lang, text)] = q
    return q


def starts_server(source: bytes, lang: Lang, adapters_only: bool = False) -> int:
    """The line of the first server start in one module's source, or 0.

    An app handed to a serverless adapter (`serverless(app)`, `functions.https.onRequest(app)`)
    is served too: the cloud platform listens for it.  `adapters_only`: only such calls (for a
    module whose own `listen` the app model has tied to an app already)."""
    listen, adapter = server_lines(source, lang, None, listens_too=not adapters_only)
    return min((x for x in (listen, adapter) if x), default=0)


def server_lines(source: bytes, lang: Lang, tree: ts.Tree | None, *, listens_too: bool = True) -> tuple[int, int]:
    """(line of the first `listen`/`createServer` server start, line of the first serverless
    adapter call), 0 for none; `tree` is the file's parse when the caller has it."""
    adapters = any(m in source for m in _ADAPTER_MARKERS)
    listens = listens_too and (b"listen(" in source or b"createServer(" in source or b"createSecureServer(" in source)
    if not listens and not adapters:
        return 0, 0
    root = (tree if tree is not None else parse(source, lang)).root_node
    listen_line = adapter_line = 0
    for _i, caps in ts.QueryCursor(_query(lang, _QUERY_TEXT)).matches(root) if listens else ():
        prop = caps["prop"][0]
        obj = caps["obj"][0]
        args = [a for a in caps["args"][0].named_children if a.type != "comment"]
        if _text(prop) == "listen":
            if args and _port_like(args[0]):
                listen_line = prop.start_point[0] + 1
                break
        elif _server_module(obj):
            listen_line = prop.start_point[0] + 1
            break
    if adapters:
        bindings = _adapter_bindings(root)
        for _i, caps in ts.QueryCursor(_query(lang, _CALLS)).matches(root):
            if caps["args"][0].named_child_count and _adapter_call(caps["fn"][0], bindings):
                adapter_line = caps["call"][0].start_point[0] + 1
                break
    return listen_line, adapter_line


Serving = tuple[int, int, tuple[tuple[str, bool, str], ...]]
"""(listen line, serverless adapter line, static folders served) of one module."""
NOT_SERVING: Serving = (0, 0, ())


def file_serving(path: str, source: bytes, tree: ts.Tree, lang: Lang) -> Serving:
    """What one module of the project does to serve: computed in the workers with the file's
    facts (`facts.extract_facts`), from the tree they already have, so the linker reads no
    module again.  Installed packages and files too big to be an entry module serve nothing."""
    if len(source) > MAX_FILE or path.startswith(_INSTALLED) or "/" + _INSTALLED in path:
        return NOT_SERVING
    if not any(m in source for m in _COARSE_MARKER) or not any(m in source for m in _ANY_MARKER):
        return NOT_SERVING
    try:
        listen, adapter = server_lines(source, lang, tree)
        served = tuple(folders_served(path, source, lang, tree))
    except ValueError:  # a query that cannot run on this tree proves nothing either way
        logger.debug("entry-module check of %s failed", path, exc_info=True)
        return NOT_SERVING
    return (listen, adapter, served) if listen or adapter or served else NOT_SERVING


def starts_and_served(servings: Iterable[tuple[str, Serving]], tied: frozenset[str]) -> tuple[list[tuple[str, int]], list[tuple[str, bool, str]]]:
    """`scan_modules`'s answer from per-file `file_serving` results: a module in `tied` (its
    own `listen` already tied to an app) counts only for a serverless adapter call."""
    starts: list[tuple[str, int]] = []
    served: list[tuple[str, bool, str]] = []
    for path, (listen, adapter, folders) in servings:
        line = adapter if path in tied else min((x for x in (listen, adapter) if x), default=0)
        if line:
            starts.append((path, line))
        served.extend(folders)
    return starts, served


def scan_modules(files: Iterable[ProjectFile], skip: frozenset[str] = frozenset()) -> tuple[list[tuple[str, int]], list[tuple[str, bool, str]]]:
    """`file_serving` of the project's own modules read from disk (installed packages and files
    too big to be an entry module left out): (file, line) of each module that starts a server
    (files in `skip` are known to already: only a serverless adapter's call counts there), and
    the static-file folders each serves (`static_roots.py`).  The scan itself takes these from
    the workers' facts instead (`FileFacts.serving`); this is for callers without facts."""
    servings: list[tuple[str, Serving]] = []
    for pf in files:
        if pf.lang is None or pf.size > MAX_FILE or pf.path.startswith(_INSTALLED) or "/" + _INSTALLED in pf.path:
            continue
        try:
            with open(pf.abspath, "rb") as fh:
                source = fh.read()
            if not any(m in source for m in _COARSE_MARKER) or not any(m in source for m in _ANY_MARKER) or content_skip_reason(pf.path, source) is not None:
                continue
            servings.append((pf.path, file_serving(pf.path, source, parse(source, pf.lang), pf.lang)))
        except (OSError, ValueError):  # unreadable or unparsable: it proves nothing either way
            logger.debug("entry-module check of %s failed", pf.path, exc_info=True)
    return starts_and_served(servings, skip)
