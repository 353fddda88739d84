"""Secrets that need the syntax tree: literals passed to secret-taking APIs (run in the engine workers).

Two rules are checked here, on tree-sitter nodes picked by queries (no regex
over code):

- NW806: a string literal, or a `const` bound to one, passed as the secret of
  `jwt.sign`/`jwt.verify`, `express-session({secret})`, `cookie-session`,
  `cookie-parser(secret)`, `crypto.createHmac(alg, key)`, the key of
  `crypto.createCipher(iv)`/`createDecipheriv`, `express-jwt` and
  passport strategies' `clientSecret`/`consumerSecret`.  Callees are resolved
  through `require`/`import` bindings, destructuring and aliases, so
  `const { sign } = require('jsonwebtoken')` and `import session from
  'express-session'` count, and a local function called `sign` does not.
- NW806 also covers credentials handed to client libraries, positionally
  (`new Sequelize('shop', 'admin', 'S3cr3t!')`, `neo4j.auth.basic(u, 'pw')`) or
  as options (`new Pool({ password })`, `createTransport({ auth: { pass } })`,
  `conn.connect({ password })` on an `ssh2`/`ftp` client instance), from the
  declarative table in `nodeward.secrets.credential_args`; placeholders
  (`'changeme'`, `'<password>'`, `''`) and environment references are not reported.
- NW807: a literal assigned to a password-like name (`password: '...'`,
  `const dbPassword = '...'`, `cfg.secret = '...'`) in code such as
  `knexfile.js`, `ormconfig.ts` or `config.js`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import tree_sitter as ts

from nodeward.jsstring import unescape
from nodeward.model import Confidence, Finding
from nodeward.sast.parse import Lang, get_language
from nodeward.secrets import credential_args
from nodeward.secrets.candidate import Candidate
from nodeward.secrets.detectors.config_password import RULE as PASSWORD_RULE
from nodeward.secrets.detectors.config_password import SECRET_NAME
from nodeward.secrets.filters import (
    LOOPBACK_HOSTS,
    in_docs_or_tests,
    is_example_value,
    is_placeholder,
    is_reference,
)
from nodeward.secrets.findings import judge, secret_finding
from nodeward.secrets.rules import HARDCODED_SECRET_ARGUMENT

__all__ = ["check_tree"]

_SINK_QUERY = """
(variable_declarator name: (_) @name value: (_) @value) @decl
(import_statement) @import
(call_expression function: (_) @fn arguments: (arguments) @args) @call
(new_expression constructor: (_) @fn arguments: (arguments) @args) @new
"""
"""Bindings (module aliases, string constants) and every call: NW806's candidates."""

_NAME_RE = "(?i)^.?[A-Za-z0-9_$]*" + SECRET_NAME + ".?$"
"""A superset of `_SECRET_NAME` that also admits a quoted key (`'db_password': ...`), checked in
C by the query so only secret-named keys with a literal value reach Python."""

_NAME_QUERY = f"""
(pair key: (_) @key value: [(string) (template_string)] @value (#match? @key "{_NAME_RE}")) @pair
(variable_declarator name: (identifier) @name value: [(string) (template_string)] @value
  (#match? @name "{_NAME_RE}")) @decl
(assignment_expression
  left: [(identifier) @name (member_expression property: (property_identifier) @name)]
  right: [(string) (template_string)] @value
  (#match? @name "{_NAME_RE}")) @assign
"""
"""NW807's candidates: a literal bound to a secret-like name (key, const or assignment target)."""

_SINK_MODULES = (b"jsonwebtoken", b"express-session", b"cookie-session", b"cookie-parser", b"crypto",
                 b"express-jwt", b"passport-")
"""Every NW806 sink is reached through a `require`/`import` of one of these module names (a
string literal in the file), so a file without any of them cannot have an NW806 finding and
skips the binding and call walk entirely (`bytes.__contains__` is a memchr-speed search; one
regex alternation over the source costs more than the walk it saves)."""

_NAME_WORDS = (b"passw", b"pwd", b"secret", b"token", b"credential")
_KEY_WORDS = tuple(
    prefix + sep + b"key"
    for prefix in (b"api", b"access", b"private", b"auth", b"signing", b"encryption")
    for sep in (b"", b"_", b"-")
)
"""Together a superset of `SECRET_NAME` (ASCII case-insensitive): an NW807 name contains one of
them verbatim, lower-cased, in the source."""

_QUERIES: dict[tuple[Lang, str], ts.Query] = {}

_SECRET_NAME = re.compile(r"(?i)^[A-Za-z0-9_$]*" + SECRET_NAME + r"$")

# qualified callee -> (kind, where the secret is): an int is a positional argument,
# a str is a property of the options object in argument 0.
_SINKS: dict[str, tuple[str, tuple[int | str, ...]]] = {
    "jsonwebtoken.sign": ("JWT signing secret", (1,)),
    "jsonwebtoken.verify": ("JWT verification secret", (1,)),
    "jsonwebtoken.default.sign": ("JWT signing secret", (1,)),
    "jsonwebtoken.default.verify": ("JWT verification secret", (1,)),
    "express-session": ("session secret", ("secret",)),
    "express-session.default": ("session secret", ("secret",)),
    "cookie-session": ("cookie-session key", ("secret", "keys")),
    "cookie-session.default": ("cookie-session key", ("secret", "keys")),
    "cookie-parser": ("cookie-signing secret", (0,)),
    "cookie-parser.default": ("cookie-signing secret", (0,)),
    "crypto.createHmac": ("HMAC key", (1,)),
    "node:crypto.createHmac": ("HMAC key", (1,)),
    "crypto.createCipher": ("encryption password", (1,)),
    "node:crypto.createCipher": ("encryption password", (1,)),
    "crypto.createCipheriv": ("encryption key", (1,)),
    "node:crypto.createCipheriv": ("encryption key", (1,)),
    "crypto.createDecipheriv": ("encryption key", (1,)),
    "node:crypto.createDecipheriv": ("encryption key", (1,)),
    "express-jwt": ("JWT verification secret", ("secret",)),
    "express-jwt.expressjwt": ("JWT verification secret", ("secret",)),
    "express-jwt.default": ("JWT verification secret", ("secret",)),
}
_PASSPORT_OPTIONS = ("clientSecret", "consumerSecret")


_IMPORTED = r"(?:require\s*\(\s*|from\s*|import\s*\(\s*)['\"`]"
_CREDENTIAL_MODULES = re.compile(
    _IMPORTED.encode() + rb"(?:" + b"|".join(re.escape(m.encode()) for m in credential_args.MODULES) + rb")['\"`]"
)
"""A credential client's module in a `require('m')`, `from 'm'` or `import('m')`: module names
such as `pg`, `ftp` or `postgres` are also plain words and values (`dialect: 'postgres'` all
over an ORM), so only an import hints at a call to check."""


def _may_have_sink(source: bytes) -> bool:
    return any(m in source for m in _SINK_MODULES) or _CREDENTIAL_MODULES.search(source) is not None


def _may_have_secret_name(source: bytes) -> bool:
    low = source.lower()
    return any(w in low for w in _NAME_WORDS) or (b"key" in low and any(w in low for w in _KEY_WORDS))


_QUOTED_SINKS = tuple(
    quote + module + (quote if module != b"passport-" else b"")
    for module in (*_SINK_MODULES, b"node:crypto")
    for quote in (b"'", b'"', b"`")
)
"""How a sink module appears in a `require`/`import` the scope resolves: a whole string literal
(`_module_of` keeps escapes raw, so `'\\x63rypto'` is not `crypto` there either)."""

Hints = tuple[bool, bool, list[int] | None]
"""(may have an NW806 sink, may have an NW807 name, end bytes of every secret-like word or None
when unknown)."""


class _HyperscanHints:
    """Both hints in one Hyperscan pass (about 10x faster than the `bytes.__contains__` calls,
    which each rescan the file), when the optional `hyperscan` wheel is installed; the same pass
    reports where each secret-like word ends, so NW807 checks those nodes instead of walking
    the whole tree."""

    def __init__(self) -> None:
        import hyperscan

        from nodeward.hsdb import compile_db
        from nodeward.secrets.engine import _hs_literal

        credential = [
            (_IMPORTED + "(?:" + "|".join(_hs_literal(m.encode()) for m in credential_args.MODULES) + ")['\"`]").encode()
        ]
        self._sinks = len(_QUOTED_SINKS) + len(credential)
        expressions = [_hs_literal(w).encode() for w in _QUOTED_SINKS] + credential + [SECRET_NAME.encode()]
        self._db: Any = compile_db(expressions, [hyperscan.HS_FLAG_SINGLEMATCH] * self._sinks + [hyperscan.HS_FLAG_CASELESS])

    def __call__(self, source: bytes) -> Hints:
        sink = [False]
        ends: list[int] = []
        sinks = self._sinks

        def on_match(kid: int, _start: int, end: int, _flags: int, _ctx: object) -> None:
            if kid < sinks:
                sink[0] = True
            else:
                ends.append(end)

        if source:
            self._db.scan(source, match_event_handler=on_match)
        return sink[0], bool(ends), ends


def _plain_hints(source: bytes) -> Hints:
    return _may_have_sink(source), _may_have_secret_name(source), None


_HINTS: list[Callable[[bytes], Hints]] = []


def _hints(source: bytes) -> Hints:
    """The byte prefilters: (may have an NW806 sink, may have an NW807 name, word ends or None)."""
    if not _HINTS:
        try:
            _HINTS.append(_HyperscanHints())
        except Exception:  # no wheel, or no usable CPU features: the plain search is exact too
            _HINTS.append(_plain_hints)
    return _HINTS[0](source)


def _same(a: ts.Node | None, b: ts.Node) -> bool:
    return a is not None and a.id == b.id


def _name_site(node: ts.Node) -> tuple[ts.Node, ts.Node, ts.Node | None, bool] | None:
    """(pair/declarator/assignment, its name node, its value, is a pair) when `node` names one,
    in the shapes of `_NAME_QUERY`."""
    parent = node.parent
    if parent is None:
        return None
    if node.type == "property_identifier":
        if parent.type == "pair" and _same(parent.child_by_field_name("key"), node):
            return parent, node, parent.child_by_field_name("value"), True
        assign = parent.parent
        if (
            parent.type == "member_expression"
            and _same(parent.child_by_field_name("property"), node)
            and assign is not None
            and assign.type == "assignment_expression"
            and _same(assign.child_by_field_name("left"), parent)
        ):
            return assign, node, assign.child_by_field_name("right"), False
    elif node.type == "identifier":
        if parent.type == "variable_declarator" and _same(parent.child_by_field_name("name"), node):
            return parent, node, parent.child_by_field_name("value"), False
        if parent.type == "assignment_expression" and _same(parent.child_by_field_name("left"), node):
            return parent, node, parent.child_by_field_name("right"), False
    elif node.type == "string_fragment" and parent.type == "string":
        pair = parent.parent
        if pair is not None and pair.type == "pair" and _same(pair.child_by_field_name("key"), parent):
            return pair, parent, pair.child_by_field_name("value"), True
    return None


def _name_candidates(tree: ts.Tree, ends: list[int]) -> list[tuple[ts.Node, ts.Node, bool]]:
    """(name node, literal value, is a pair key) for every secret-like word that ends a name.

    An NW807 name ends with one of the words, so the name's node ends where a word match
    ends: the smallest node at that last byte is checked, which gives the `_NAME_QUERY`
    matches without walking the tree (the name itself is checked exactly afterwards)."""
    root = tree.root_node
    sites: dict[int, tuple[ts.Node, ts.Node, ts.Node, bool]] = {}
    for end in sorted(set(ends)):
        node = root.descendant_for_byte_range(end - 1, end)
        if node is None or node.end_byte != end:
            continue
        site = _name_site(node)
        if site is None:
            continue
        outer, name, value, is_pair = site
        if value is not None and value.type in ("string", "template_string"):
            sites[outer.id] = (outer, name, value, is_pair)
    return [(name, value, is_pair) for _o, name, value, is_pair in sorted(sites.values(), key=lambda s: s[0].start_byte)]


def _query(lang: Lang, kind: str) -> ts.Query:
    q = _QUERIES.get((lang, kind))
    if q is None:
        q = ts.Query(get_language(lang), _SINK_QUERY if kind == "sink" else _NAME_QUERY)
        _QUERIES[(lang, kind)] = q
    return q


def _text(node: ts.Node) -> str:
    return (node.text or b"").decode("utf-8", "surrogateescape")


def _string_value(node: ts.Node) -> str | None:
    """The value of a string literal or a template literal without substitutions."""
    if node.type in ("string", "template_string"):
        if node.type == "template_string" and any(c.type == "template_substitution" for c in node.named_children):
            return None
        return "".join(
            _text(c) if c.type == "string_fragment" else unescape(_text(c))
            for c in node.named_children
            if c.type in ("string_fragment", "escape_sequence")
        )
    return None


def _module_of(node: ts.Node) -> str | None:
    """`require('m')` -> `m`; `require('m').a.b` -> `m.a.b`; `await import('m')` -> `m`."""
    if node.type == "await_expression" and node.named_child_count:
        return _module_of(node.named_children[0])
    if node.type == "member_expression":
        obj = node.child_by_field_name("object")
        prop = node.child_by_field_name("property")
        base = _module_of(obj) if obj is not None else None
        return f"{base}.{_text(prop)}" if base and prop is not None else None
    if node.type == "call_expression":
        fn = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        if fn is not None and fn.type in ("identifier", "import") and _text(fn) in ("require", "import") and args is not None:
            first = args.named_children[0] if args.named_child_count else None
            if first is not None:
                return _string_value(first)
    return None


class _Scope:
    """What the file's top-level bindings mean: module aliases and string constants."""

    def __init__(self) -> None:
        self.aliases: dict[str, str] = {}
        self.constants: dict[str, str] = {}
        self.objects: dict[str, ts.Node] = {}
        """`const opts = { ... }`: object literals bound to a name, for options passed by name."""

    def bind_declarator(self, name: ts.Node, value: ts.Node) -> None:
        """Record `const x = require(...)`, destructured requires, aliases and string constants."""
        module = _module_of(value)
        if module is not None:
            if name.type == "identifier":
                self.aliases[_text(name)] = module
            elif name.type == "object_pattern":
                for child in name.named_children:
                    if child.type == "shorthand_property_identifier_pattern":
                        self.aliases[_text(child)] = f"{module}.{_text(child)}"
                    elif child.type == "pair_pattern":
                        key = child.child_by_field_name("key")
                        val = child.child_by_field_name("value")
                        if key is not None and val is not None and val.type == "identifier":
                            self.aliases[_text(val)] = f"{module}.{_text(key)}"
            return
        if name.type == "identifier":
            literal = _string_value(value)
            if literal is not None:
                self.constants[_text(name)] = literal
            elif value.type == "object":
                self.objects[_text(name)] = value
            elif value.type in ("identifier", "member_expression", "new_expression", "call_expression", "await_expression"):
                # `const conn = new Client()` binds `conn` to `ssh2.Client()`, an instance.
                target = self.qualify(value)
                if target is not None:
                    self.aliases[_text(name)] = target

    def bind_import(self, node: ts.Node) -> None:
        """Record default, namespace and named ES imports as module aliases."""
        for clause in (c for c in node.named_children if c.type == "import_require_clause"):
            # TypeScript `import pg = require('pg')`
            ident = next((c for c in clause.named_children if c.type == "identifier"), None)
            src = clause.child_by_field_name("source")
            required = _string_value(src) if src is not None else None
            if ident is not None and required:
                self.aliases[_text(ident)] = required
        source = node.child_by_field_name("source")
        module = _string_value(source) if source is not None else None
        if not module:
            return
        for clause in (c for c in node.named_children if c.type == "import_clause"):
            for part in clause.named_children:
                if part.type == "identifier":
                    self.aliases[_text(part)] = module
                elif part.type == "namespace_import":
                    for ident in part.named_children:
                        self.aliases[_text(ident)] = module
                elif part.type == "named_imports":
                    for spec in part.named_children:
                        if spec.type != "import_specifier":
                            continue
                        name = spec.child_by_field_name("name")
                        alias = spec.child_by_field_name("alias") or name
                        if name is not None and alias is not None:
                            self.aliases[_text(alias)] = f"{module}.{_text(name)}"

    def qualify(self, node: ts.Node) -> str | None:
        """`jwt.sign` -> `jsonwebtoken.sign` when `jwt` is bound to that module."""
        if node.type == "identifier":
            return self.aliases.get(_text(node))
        if node.type == "member_expression":
            obj = node.child_by_field_name("object")
            prop = node.child_by_field_name("property")
            base = self.qualify(obj) if obj is not None else None
            if base is None and obj is not None:
                base = _module_of(obj)
            return f"{base}.{_text(prop)}" if base and prop is not None else None
        if node.type == "call_expression":
            module = _module_of(node)
            if module is not None:
                return module
            fn = node.child_by_field_name("function")
            base = self.qualify(fn) if fn is not None else None
            return f"{base}()" if base else None
        if node.type == "new_expression":
            ctor = node.child_by_field_name("constructor")
            base = self.qualify(ctor) if ctor is not None else None
            return f"{base}()" if base else None
        if node.type in ("await_expression", "parenthesized_expression") and node.named_child_count:
            return self.qualify(node.named_children[-1])
        return None

    def literal(self, node: ts.Node) -> str | None:
        """The string a node denotes: a literal, or an identifier bound to one."""
        value = _string_value(node)
        if value is None and node.type in ("identifier", "shorthand_property_identifier"):
            value = self.constants.get(_text(node))
        return value

    def object(self, node: ts.Node) -> ts.Node | None:
        """The object literal a node denotes: itself, or an identifier bound to one."""
        if node.type == "object":
            return node
        return self.objects.get(_text(node)) if node.type == "identifier" else None


def _property(obj: ts.Node, name: str) -> ts.Node | None:
    """The value of property `name` in an object literal (`{ name: v }`, or the shorthand `{ name }`)."""
    for pair in obj.named_children:
        if pair.type == "pair":
            key = pair.child_by_field_name("key")
            if key is not None and _key_name(key) == name:
                return pair.child_by_field_name("value")
        elif pair.type == "shorthand_property_identifier" and _text(pair) == name:
            return pair
    return None


def _property_values(obj: ts.Node) -> list[tuple[str, ts.Node]]:
    """(key, value) of every `key: value` pair of an object literal."""
    out: list[tuple[str, ts.Node]] = []
    for pair in obj.named_children:
        if pair.type == "pair":
            key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
            if key is not None and value is not None:
                out.append((_key_name(key) or "", value))
    return out


def _property_path(obj: ts.Node, path: str, scope: _Scope) -> ts.Node | None:
    """`auth.pass` in `{ auth: { pass: 'x' } }` (inner objects may be bound names): the value node."""
    node: ts.Node | None = obj
    for part in path.split("."):
        inner = scope.object(node) if node is not None else None
        if inner is None:
            return None
        node = _property(inner, part)
    return node


def _on_loopback(argv: list[ts.Node], scope: _Scope) -> bool:
    """A `host` (or `hostname`/`server`, also inside knex's `connection`) naming this machine, or a
    bare host argument (`new Redis(6379, 'localhost')`)."""
    for arg in argv:
        options = scope.object(arg)
        if options is not None:
            connection = _property(options, "connection")
            for obj in (options, scope.object(connection) if connection is not None else None):
                if obj is None:
                    continue
                for key in ("host", "hostname", "server"):
                    value = _property(obj, key)
                    if value is not None and (scope.literal(value) or "").lower() in LOOPBACK_HOSTS:
                        return True
        elif (_string_value(arg) or "").lower() in LOOPBACK_HOSTS:
            return True
    return False


def _key_name(node: ts.Node) -> str:
    value = _string_value(node)
    return value if value is not None else _text(node)


class _Lines:
    """The file's lines, decoded only when a finding needs its context line."""

    def __init__(self, source: bytes) -> None:
        self._source = source
        self._lines: list[str] | None = None

    def __getitem__(self, row: int) -> str:
        if self._lines is None:
            self._lines = self._source.decode("utf-8", "replace").splitlines()
        return self._lines[row] if row < len(self._lines) else ""


def check_tree(path: str, source: bytes, tree: ts.Tree, lang: Lang) -> list[Finding]:
    """Findings for literal secrets in code (jwt.sign, express-session, createHmac ...).

    Speed: most files mention no sink module and no secret-like name; one byte pass skips
    the query walks for them.  With Hyperscan, NW807 starts from the nodes where a
    secret-like word ends (no walk at all); without it, the NW807 query filters names and
    literal values in C."""
    lines = _Lines(source)
    out: list[Finding] = []
    seen: set[tuple[int, int]] = set()
    via_constant: dict[int, str] = {}
    sink_hint, name_hint, name_ends = _hints(source)
    if sink_hint:
        matches = ts.QueryCursor(_query(lang, "sink")).matches(tree.root_node)
        scope = _Scope()
        for _, caps in matches:
            if "decl" in caps:
                scope.bind_declarator(caps["name"][0], caps["value"][0])
            elif "import" in caps:
                scope.bind_import(caps["import"][0])
        for _, caps in matches:
            if "call" in caps or "new" in caps:
                out.extend(_sink_findings(path, lines, scope, caps["fn"][0], caps["args"][0], "new" in caps, seen, via_constant))
    if not name_hint:
        return out
    candidates: list[tuple[ts.Node, ts.Node, bool]]
    if name_ends is not None:
        candidates = _name_candidates(tree, name_ends)
    else:
        candidates = []
        for _, caps in ts.QueryCursor(_query(lang, "name")).matches(tree.root_node):
            name_key = "key" if "pair" in caps else "name"
            candidates.append((caps[name_key][0], caps["value"][0], "pair" in caps))
    by_value: dict[str, Finding] = {}
    for key, value, is_pair in candidates:
        name = _key_name(key) if is_pair else _text(key)
        literal = _string_value(value)
        if literal is None or not _SECRET_NAME.match(name):
            continue
        f = _finding(path, lines, value, literal, name, PASSWORD_RULE.id, "password or secret", seen)
        if f is not None:
            out.append(f)
            by_value.setdefault(literal, f)
    return _one_per_secret(out, via_constant, by_value)


def _one_per_secret(out: list[Finding], via_constant: dict[int, str], by_value: dict[str, Finding]) -> list[Finding]:
    """`const DB_PASSWORD = 'x'; new Sequelize(db, user, DB_PASSWORD)` is one secret: reported
    once, where it is written (NW807, the line to fix), unless the use is the surer finding."""
    drop: set[int] = set()
    for f in out:
        value = via_constant.get(id(f))
        definition = by_value.get(value) if value is not None else None
        if definition is None:
            continue
        drop.add(id(f) if definition.confidence >= f.confidence else id(definition))
    return [f for f in out if id(f) not in drop] if drop else out


def _sink_findings(
    path: str,
    lines: _Lines,
    scope: _Scope,
    fn: ts.Node,
    args: ts.Node,
    is_new: bool,
    seen: set[tuple[int, int]],
    via_constant: dict[int, str] | None = None,
) -> list[Finding]:
    callee = scope.qualify(fn)
    if callee is None:
        return []
    argv = [a for a in args.named_children if a.type != "comment"]
    # (kind, value node, option name) for every place the API takes a secret
    targets: list[tuple[str, ts.Node, str]] = []
    credential = credential_args.lookup(callee)
    if credential is not None:
        targets.extend((credential.kind, argv[i], "") for i in credential.args if i < len(argv))
        for arg in argv:
            obj = scope.object(arg)  # `{ password }` or `const opts = { password }` passed by name
            if obj is not None:
                for option in credential.options:
                    if option.endswith(".*"):  # every value of a map: `users: { admin: 'pw' }`
                        inner = _property_path(obj, option[:-2], scope)
                        members = scope.object(inner) if inner is not None else None
                        if members is not None:
                            targets.extend((credential.kind, v, k) for k, v in _property_values(members))
                        continue
                    node = _property_path(obj, option, scope)
                    if node is not None:
                        targets.append((credential.kind, node, option.rsplit(".", 1)[-1]))
        if not targets:
            return []
        local = _on_loopback(argv, scope)
        api = _api_name(fn, callee, is_new)
        out: list[Finding] = []
        for kind, node, name in targets:
            out.extend(_target_findings(path_=path, lines=lines, scope=scope, kind=kind, node=node, seen=seen,
                                        option=name, api=api, local=local, via_constant=via_constant))
        return out
    options = scope.object(argv[0]) if argv else None
    if is_new:
        if callee.startswith("passport-") and options is not None:
            for opt in _PASSPORT_OPTIONS:
                node = _property(options, opt)
                if node is not None:
                    targets.append(("OAuth client secret", node, ""))
    else:
        sink = _SINKS.get(callee)
        if sink is None:
            return []
        kind, places = sink
        for where in places:
            if isinstance(where, int):
                if where < len(argv):
                    targets.append((kind, argv[where], ""))
            elif options is not None:
                node = _property(options, where)
                if node is not None:
                    targets.append((kind, node, ""))
    found: list[Finding] = []
    for kind, node, _option in targets:
        found.extend(_target_findings(path_=path, lines=lines, scope=scope, kind=kind, node=node, seen=seen, via_constant=via_constant))
    return found


def _api_name(fn: ts.Node, callee: str, is_new: bool) -> str:
    """How the message names the call: its source text when short (`new Sequelize`,
    `conn.connect`), else the last part of the resolved name (`connect`)."""
    text = _text(fn)
    obj = fn.child_by_field_name("object") if fn.type == "member_expression" else None
    if obj is not None and obj.type not in ("identifier", "member_expression", "this"):
        text = _text(fn.child_by_field_name("property") or fn)  # conn.on('ready', f).connect -> connect
    if len(text) > 40 or "\n" in text:
        text = credential_args.normalise(callee).rsplit(".", 1)[-1]
    return f"new {text}" if is_new else text


def _target_findings(
    *,
    path_: str,
    lines: _Lines,
    scope: _Scope,
    kind: str,
    node: ts.Node,
    seen: set[tuple[int, int]],
    option: str = "",
    api: str = "",
    local: bool = False,
    via_constant: dict[int, str] | None = None,
) -> list[Finding]:
    """NW806 findings for the literal(s) at one secret-taking place (an array holds several keys).
    `via_constant` records, by finding id, the value of each one read through a named constant.

    `api` set means a credential of a client library (`credential_args`): placeholders are
    dropped there too, and a client of this machine (`host: 'localhost'`) is reported at
    medium confidence."""
    out: list[Finding] = []
    values = node.named_children if node.type == "array" else [node]
    for v in values:
        fallback = _env_fallback(v)
        if fallback is not None:
            v = fallback
        literal = scope.literal(v)
        if literal is None:
            continue
        what = f"{kind} fallback (used whenever the environment variable is unset)" if fallback is not None else kind
        f = _finding(path_, lines, v, literal, option, HARDCODED_SECRET_ARGUMENT.id, what, seen, api=api)
        if f is None:
            continue
        if fallback is not None:
            # Often a development default, but production silently runs with it when the
            # variable is missing: worth a look, not a certainty.
            f = replace(
                f,
                confidence=min(f.confidence, Confidence.MEDIUM),
                fix="Remove the fallback and refuse to start when the variable is missing; rotate the value if it was ever used in production.",
            )
        elif local:
            f = replace(f, confidence=min(f.confidence, Confidence.MEDIUM))
        if via_constant is not None and v.type in ("identifier", "shorthand_property_identifier"):
            via_constant[id(f)] = literal
        out.append(f)
    return out


def _env_fallback(node: ts.Node) -> ts.Node | None:
    """`process.env.X || 'literal'` (or `??`): the literal side, else None."""
    if node.type != "binary_expression":
        return None
    op = node.child_by_field_name("operator")
    left = node.child_by_field_name("left")
    right = node.child_by_field_name("right")
    if op is None or left is None or right is None or _text(op) not in ("||", "??"):
        return None
    return right if "process.env" in _text(left) else None


def _finding(
    path: str,
    lines: _Lines,
    node: ts.Node,
    literal: str,
    name: str,
    rule_id: str,
    kind: str,
    seen: set[tuple[int, int]],
    *,
    api: str = "",
) -> Finding | None:
    if not literal.strip():
        return None
    row, col = node.start_point
    if (row, col) in seen:
        return None
    context = lines[row]
    if node.type in ("string", "template_string"):
        # `'orders\x2dkey'` holds `orders-key`: the line is read with the value as decoded,
        # so the snippet redacts it (the escaped spelling showed the whole secret) and the
        # filters find it in its context.
        spelled = _text(node)[1:-1]
        if spelled != literal and spelled in context:
            context = context.replace(spelled, literal, 1)
    c = Candidate(path, row + 1, literal, rule_id, context, name)
    if rule_id == HARDCODED_SECRET_ARGUMENT.id:
        # The API makes it a secret whatever it looks like ('secret', 'keyboard cat' included):
        # only references are dropped, and docs/tests are demoted.  A client library's
        # password slot also takes documented placeholders (`'changeme'`, `'<password>'`).
        if is_reference(c) or (api and is_placeholder(c)):
            return None
        rule = HARDCODED_SECRET_ARGUMENT
        confidence: Confidence | None = (
            Confidence.LOW if in_docs_or_tests(c) or is_example_value(c) else rule.confidence
        )
        message = f"Hard-coded {kind} passed to `{api}`" if api else f"Hard-coded {kind} passed to an API"
    else:
        rule = PASSWORD_RULE
        confidence = judge(c, rule.confidence)
        message = f"Hard-coded {kind} assigned to `{name}`"
    if confidence is None:
        return None
    seen.add((row, col))
    # The literal starts after its quote; point at the value itself.
    return secret_finding(
        rule,
        kind,
        c,
        confidence,
        col=col + 2 if node.type in ("string", "template_string") else col + 1,
        end_line=node.end_point[0] + 1,
        end_col=node.end_point[1],
        message=message + " (`" + "{redacted}" + "`)",
    )
