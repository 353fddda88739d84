"""The nodes `extract_facts` starts from: request sources, sink and route-registration calls,
framework constructors, decorators and imports.

Two ways to find the same nodes:

- `query_captures`: one tree-sitter query.  Exact, but a query costs a traversal of the whole
  tree whatever it looks for (about 0.7 CPU-s per 25 MB of code on the benchmark corpus), and
  almost every file of a dependency tree holds none of the nodes or only a few.
- `hit_captures`: one Hyperscan pass over the bytes finds every occurrence of the names the
  query's predicates test (`req`, `require`, `exec`, `app`, `@` ...), and each occurrence is
  checked on the tree: the smallest node at that byte range must be that name exactly, with the
  parent shape the query pattern describes.  Cost is a byte scan plus a few microseconds per
  occurrence.  Strings, comments and longer identifiers that merely contain a name fail the
  check, so the result is the query's, node for node (a test compares both on every fixture).

`captures` uses the second when the optional `hyperscan` wheel is installed, else the first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import tree_sitter as ts

from nodeward.analysis.frameworks import REGISTRATION_METHODS
from nodeward.sast.parse import Lang, get_language

__all__ = ["IMPORT_CAPTURES", "Captures", "captures", "hit_captures", "query_captures"]

logger = logging.getLogger(__name__)

Captures = dict[str, list[ts.Node]]

REQUEST_OBJECTS = ("req", "request", "ctx", "process")
"""`X.anything`: request data (and `process.argv` for CLIs)."""
CALLED_NAMES = tuple(
    sorted(
        {"exec", "execSync", "spawn", "spawnSync", "execFile", "execFileSync", "fork", "eval", "safeEval", "Function", "unserialize", "fetch", "axios", "got", "needle", "execa"}
        | {"readFile", "readFileSync", "writeFile", "writeFileSync", "createReadStream", "unlink", "unlinkSync"}
        | {"express", "Router", "fastify", "Fastify"}
    )
)
"""Sink functions called by their bare name (destructured imports, globals), and app factories."""
METHOD_NAMES = tuple(
    sorted(
        {"parseXml", "parseXmlString", "query", "raw", "whereRaw", "$queryRawUnsafe", "$executeRawUnsafe", "sendFile", "download", "redirect", "unserialize"}
        | {"runInNewContext", "runInThisContext", "runInContext", "readFile", "readFileSync", "writeFile", "writeFileSync", "createReadStream", "unlink", "unlinkSync"}
        | {"Router"}
    )
)
"""Sink methods distinctive enough on any receiver (and `express.Router()`)."""
NEW_NAMES = ("RegExp", "Function", "Script", "Koa", "Router", "KoaRouter")
APP_RECEIVERS = ("app", "router", "routes", "server", "fastify", "instance", "api", "admin", "v1", "v2")
APP_RECEIVER_SUFFIXES = ("App", "Router", "_app", "_router")
"""`parentApp.use(...)`, `adminRouter.post(...)`, `admin_app.get(...)`: an identifier ending in
one of these at a word boundary (camelCase or snake_case) is a receiver too (a fixed list of
names missed most real servers' sub-apps).  Not a bare lowercase ending: `whatsapp.delete(...)`
is an HTTP client."""
ROUTE_METHODS = tuple(sorted(REGISTRATION_METHODS | {"useGlobalGuards", "useGlobalPipes"}))
GRAPHQL_KEYS = ("Query", "Mutation")
IMPORT_CAPTURES = ("spec", "arg", "req")


def _any_of(capture: str, names: tuple[str, ...]) -> str:
    return f'(#any-of? @{capture} {" ".join(chr(34) + n + chr(34) for n in names)})'


def _receiver_match(capture: str) -> str:
    names = "|".join(APP_RECEIVERS)
    suffixes = "|".join(APP_RECEIVER_SUFFIXES)
    return f'(#match? @{capture} "^(({names})|.+({suffixes}))$")'


# Few patterns on purpose: each pattern is tried at every node of its type.
_QUERY_TEXT = f"""
(member_expression object: (identifier) @obj {_any_of("obj", REQUEST_OBJECTS)})
(call_expression function: (identifier) @fn {_any_of("fn", CALLED_NAMES)})
(call_expression function: (member_expression property: (property_identifier) @fn) {_any_of("fn", METHOD_NAMES)})
(call_expression function: (member_expression object: (identifier) @app property: (property_identifier) @route) {_receiver_match("app")} {_any_of("route", ROUTE_METHODS)})
(new_expression constructor: (identifier) @fn {_any_of("fn", NEW_NAMES)})
(pair key: (property_identifier) @gql {_any_of("gql", GRAPHQL_KEYS)})
(import_statement source: (string) @spec)
(export_statement source: (string) @spec)
(call_expression function: (identifier) @req (#eq? @req "require") arguments: (arguments . (_) @arg))
(call_expression function: (import) arguments: (arguments . (_) @arg))
"""
_QUERIES: dict[Lang, ts.Query] = {}


def _with_decorators(lang: Lang) -> bool:
    return lang != "javascript"


def query_captures(tree: ts.Tree, lang: Lang) -> Captures:
    """The candidates by one tree-sitter query (a full traversal)."""
    q = _QUERIES.get(lang)
    if q is None:
        q = ts.Query(get_language(lang), _QUERY_TEXT + ("\n(decorator) @deco" if _with_decorators(lang) else ""))
        _QUERIES[lang] = q
    caps = ts.QueryCursor(q).captures(tree.root_node)
    for nodes in caps.values():
        nodes.sort(key=_start)
    return caps


def _start(node: ts.Node) -> int:
    return node.start_byte


# ---------------------------------------------------------------- by byte hits

_ROUTE_METHOD_BYTES = frozenset(m.encode() for m in ROUTE_METHODS)
_IDENT = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$") | frozenset(range(0x80, 0x100))
"""Bytes that continue a JS identifier (any non-ASCII byte may be part of one)."""


def _token_kinds() -> dict[str, frozenset[str]]:
    kinds: dict[str, set[str]] = {}
    for kind, names in (
        ("obj", REQUEST_OBJECTS),
        ("call", CALLED_NAMES),
        ("method", METHOD_NAMES),
        ("new", NEW_NAMES),
        ("recv", APP_RECEIVERS),
        ("gql", GRAPHQL_KEYS),
        ("require", ("require",)),
        ("import", ("import",)),
        ("export", ("export",)),
    ):
        for n in names:
            kinds.setdefault(n, set()).add(kind)
    return {k: frozenset(v) for k, v in kinds.items()}


_TOKEN_KINDS = _token_kinds()
_TOKENS = tuple(sorted(_TOKEN_KINDS))


def _add(caps: Captures, name: str, node: ts.Node) -> None:
    caps.setdefault(name, []).append(node)


def _first_argument(call: ts.Node) -> ts.Node | None:
    args = call.child_by_field_name("arguments")
    if args is None or args.type != "arguments":
        return None
    return args.named_children[0] if args.named_child_count else None


def _check_identifier(caps: Captures, node: ts.Node, kinds: frozenset[str], source: bytes) -> None:
    """`node` is an identifier spelling one of the names: add it where its parent fits a pattern."""
    parent = node.parent
    if parent is None:
        return
    ptype = parent.type
    if ptype == "member_expression":
        obj = parent.child_by_field_name("object")
        if obj is None or obj.id != node.id:
            return
        if "obj" in kinds:
            _add(caps, "obj", node)
        if "recv" in kinds:
            prop = parent.child_by_field_name("property")
            call = parent.parent
            if (
                prop is not None
                and prop.type == "property_identifier"
                and source[prop.start_byte : prop.end_byte] in _ROUTE_METHOD_BYTES
                and call is not None
                and call.type == "call_expression"
                and _is_field(call, "function", parent)
            ):
                _add(caps, "app", node)
                _add(caps, "route", prop)
    elif ptype == "call_expression":
        if not _is_field(parent, "function", node):
            return
        if "call" in kinds:
            _add(caps, "fn", node)
        if "require" in kinds:
            arg = _first_argument(parent)
            if arg is not None:
                _add(caps, "req", node)
                _add(caps, "arg", arg)
    elif ptype == "new_expression" and "new" in kinds and _is_field(parent, "constructor", node):
        _add(caps, "fn", node)


def _check_property(caps: Captures, node: ts.Node, kinds: frozenset[str]) -> None:
    """`node` is a property_identifier spelling one of the names."""
    parent = node.parent
    if parent is None:
        return
    if parent.type == "member_expression" and "method" in kinds:
        call = parent.parent
        if _is_field(parent, "property", node) and call is not None and call.type == "call_expression" and _is_field(call, "function", parent):
            _add(caps, "fn", node)
    elif parent.type == "pair" and "gql" in kinds and _is_field(parent, "key", node):
        _add(caps, "gql", node)


def _is_field(parent: ts.Node, field: str, node: ts.Node) -> bool:
    child = parent.child_by_field_name(field)
    return child is not None and child.id == node.id


def _check_keyword(caps: Captures, root: ts.Node, start: int, end: int, kinds: frozenset[str]) -> None:
    """`import`/`export` keywords: static imports, re-exports, `import(...)`."""
    node = root.descendant_for_byte_range(start, end)
    if node is None or node.is_named or node.start_byte != start or node.end_byte != end:
        return
    parent = node.parent
    if parent is None:
        return
    if parent.type in ("import_statement", "export_statement"):
        src = parent.child_by_field_name("source")
        if src is not None and src.type == "string":
            _add(caps, "spec", src)
    elif parent.type == "import" and "import" in kinds:
        call = parent.parent
        if call is not None and call.type == "call_expression" and _is_field(call, "function", parent):
            arg = _first_argument(call)
            if arg is not None:
                _add(caps, "arg", arg)


def _check_decorator(caps: Captures, root: ts.Node, at: int) -> None:
    node = root.descendant_for_byte_range(at, at + 1)
    if node is not None and node.type == "@" and not node.is_named and node.parent is not None and node.parent.type == "decorator":
        _add(caps, "deco", node.parent)


def _expression(word: str) -> bytes:
    """A name as a Hyperscan expression that does not match inside a longer word (`req` in
    `require`, `app` in `apply`): far fewer hits to check.  `@` (decorators) matches anywhere."""
    body = "".join(c if c.isalnum() else f"\\x{ord(c):02x}" for c in word)
    if not word[0].isalnum():
        return body.encode()
    return (r"(?:^|[^A-Za-z0-9_$\x80-\xff])" + body + r"\b").encode()


def _suffix_expression(suffix: str) -> bytes:
    """A receiver suffix at the end of a longer identifier (the whole word `app` is a token)."""
    return (r"[A-Za-z0-9_$\x80-\xff]" + suffix).encode()


_RECEIVER_KINDS = frozenset({"recv"})


def _check_receiver_suffix(caps: Captures, root: ts.Node, start: int, end: int, source: bytes) -> None:
    """`parentApp` in `parentApp.use(...)`: the identifier that ends with the suffix."""
    node = root.named_descendant_for_byte_range(start, end)
    if node is not None and node.type == "identifier" and node.end_byte == end and node.start_byte < start:
        _check_identifier(caps, node, _RECEIVER_KINDS, source)


class _HitScanner:
    """Every occurrence of every name in one Hyperscan pass (two databases: `@` only for
    TypeScript, where decorators exist; in JavaScript it would only find JSDoc tags)."""

    def __init__(self) -> None:
        from nodeward.hsdb import compile_db

        self._dbs: dict[bool, Any] = {}
        names = [_expression(w) for w in _TOKENS] + [_suffix_expression(s) for s in APP_RECEIVER_SUFFIXES]
        for deco in (False, True):
            self._dbs[deco] = compile_db([*names, _expression("@")] if deco else names)

    def __call__(self, source: bytes, tree: ts.Tree, lang: Lang) -> Captures | None:
        hits: list[tuple[int, int]] = []
        append = hits.append

        def on_match(kid: int, _start: int, end: int, _flags: int, _ctx: object) -> None:
            append((end, kid))

        if source:
            try:
                self._dbs[_with_decorators(lang)].scan(source, match_event_handler=on_match)
            except Exception:  # a scan failure (scratch space, ...) must not lose the file
                logger.debug("hyperscan scan failed; candidates by tree-sitter query", exc_info=True)
                return None
        caps: Captures = {}
        root = tree.root_node
        n = len(source)
        ntok = len(_TOKENS)
        nsuf = len(APP_RECEIVER_SUFFIXES)
        for end, kid in hits:
            if kid >= ntok:
                if kid == ntok + nsuf:
                    _check_decorator(caps, root, end - 1)
                elif end >= n or source[end] not in _IDENT:
                    _check_receiver_suffix(caps, root, end - len(APP_RECEIVER_SUFFIXES[kid - ntok]), end, source)
                continue
            token = _TOKENS[kid]
            start = end - len(token)
            if (start > 0 and source[start - 1] in _IDENT) or (end < n and source[end] in _IDENT):
                continue  # part of a longer identifier (or of a number/keyword)
            kinds = _TOKEN_KINDS[token]
            if token in ("import", "export"):
                _check_keyword(caps, root, start, end, kinds)
                continue
            node = root.named_descendant_for_byte_range(start, end)
            if node is None or node.start_byte != start or node.end_byte != end:
                continue
            if node.type == "identifier":
                _check_identifier(caps, node, kinds, source)
            elif node.type == "property_identifier":
                _check_property(caps, node, kinds)
        for nodes in caps.values():
            nodes.sort(key=_start)
        return caps


_SCANNER: list[Callable[[bytes, ts.Tree, Lang], Captures | None] | None] = []


def hit_captures(source: bytes, tree: ts.Tree, lang: Lang) -> Captures | None:
    """The candidates from byte hits checked on the tree; None without the hyperscan wheel
    (or when its scan fails)."""
    if not _SCANNER:
        try:
            _SCANNER.append(_HitScanner())
        except Exception:  # no wheel, or no usable CPU features
            logger.debug("hyperscan unavailable; app-model candidates by tree-sitter query")
            _SCANNER.append(None)
    scan = _SCANNER[0]
    return scan(source, tree, lang) if scan is not None else None


def captures(source: bytes, tree: ts.Tree, lang: Lang) -> Captures:
    """The candidate nodes of one file, by capture name (`obj`, `fn`, `app`, `route`, `gql`,
    `deco`, `spec`, `arg`, `req`), each list in source order."""
    found = hit_captures(source, tree, lang)
    return found if found is not None else query_captures(tree, lang)
