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
`events.listen()`) and sockets on a path (`server.listen(socketPath)`) do not.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

import tree_sitter as ts

from nodeward.analysis.static_roots import STATIC_MARKERS, folders_served
from nodeward.project import ProjectFile, content_skip_reason
from nodeward.sast.parse import Lang, get_language, parse

__all__ = ["MAX_FILE", "scan_modules", "starts_server"]

logger = logging.getLogger(__name__)

MAX_FILE = 128 * 1024
"""Entry modules are small; bigger files (bundles) are not parsed for this question."""

_QUERY_TEXT = """
(call_expression
  function: (member_expression object: (_) @obj property: (property_identifier) @prop)
  arguments: (arguments) @args
  (#any-of? @prop "listen" "createServer" "createSecureServer"))
"""
_QUERIES: dict[Lang, ts.Query] = {}
_SERVER_MODULES = frozenset({"http", "https", "http2", "spdy"})
_INSTALLED = "node_modules/"
_ANY_MARKER = (b"listen(", b"createServer(", b"createSecureServer(", *STATIC_MARKERS)


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


def starts_server(source: bytes, lang: Lang) -> int:
    """The line of the first server start in one module's source, or 0."""
    if b"listen(" not in source and b"createServer(" not in source and b"createSecureServer(" not in source:
        return 0
    q = _QUERIES.get(lang)
    if q is None:
        q = ts.Query(get_language(lang), _QUERY_TEXT)
        _QUERIES[lang] = q
    tree = parse(source, lang)
    for _i, caps in ts.QueryCursor(q).matches(tree.root_node):
        prop = caps["prop"][0]
        obj = caps["obj"][0]
        args = [a for a in caps["args"][0].named_children if a.type != "comment"]
        if _text(prop) == "listen":
            if args and _port_like(args[0]):
                return prop.start_point[0] + 1
        elif _server_module(obj):
            return prop.start_point[0] + 1
    return 0


def scan_modules(files: Iterable[ProjectFile], skip: frozenset[str] = frozenset()) -> tuple[list[tuple[str, int]], list[tuple[str, bool, str]]]:
    """One read of the project's own modules (installed packages and files too big to be an
    entry module left out): (file, line) of each module that starts a server (files in `skip`
    are known to already), and the static-file folders each serves (`static_roots.py`)."""
    starts: list[tuple[str, int]] = []
    served: list[tuple[str, bool, str]] = []
    for pf in files:
        if pf.lang is None or pf.size > MAX_FILE or pf.path.startswith(_INSTALLED) or "/" + _INSTALLED in pf.path:
            continue
        try:
            with open(pf.abspath, "rb") as fh:
                source = fh.read()
            if not any(m in source for m in _ANY_MARKER) or content_skip_reason(pf.path, source) is not None:
                continue
            line = starts_server(source, pf.lang) if pf.path not in skip else 0
            served.extend(folders_served(pf.path, source, pf.lang))
        except (OSError, ValueError):  # unreadable or unparsable: it proves nothing either way
            logger.debug("entry-module check of %s failed", pf.path, exc_info=True)
            continue
        if line:
            starts.append((pf.path, line))
    return starts, served
