"""Fingerprint keys that never contain a secret: what other analyzers hash instead of raw code.

A SAST finding's fingerprint is `sha256(rule, path, normalised code, occurrence)`.  When the
code is `jwt.sign(p, 'Summer2023!')` (NW503 reports the missing `expiresIn` there), a plain
SHA-256 over it lets anyone holding a published baseline or SARIF file test a wordlist of
passwords offline at GPU speed, exactly what the secrets analyzer's own fingerprints avoid by
hashing values with scrypt (`candidate.secret_hash`).

`secret_free_code` rewrites the code before it is hashed: every string literal that is a
secret replaces its content by `<secret:` + the first 16 hex digits of its scrypt hash + `>`.
The key stays stable across line moves (no position in it) and distinct between two different
secrets in the same place (different hashes), and costs nothing when there is no secret
(the text comes back unchanged, so fingerprints of findings without secrets, and baselines
holding them, do not change).  A literal is a secret when

- the secrets detectors match in it (provider keys, URIs with passwords, `password: '...'`);
- it is the value of a secret-like name (`secret: 'keyboard cat'`, `const dbPassword = '...'`,
  `auth: { pass: '...' }`);
- it sits in the argument position of an API that takes a secret (`jwt.sign(p, KEY)`,
  `createHmac(alg, KEY)`, `new Sequelize(db, user, PASSWORD)`, `client.bind(dn, PASSWORD)`),
  judged by the callee's resolved name or its last name (over-matching only rewrites a
  harmless literal).

`secret_free_text` does the detector part for keys built from a source line without its tree
(the app-model rules' snippets and taint sinks).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import tree_sitter as ts

from nodeward.secrets.candidate import secret_hash
from nodeward.secrets.credential_args import CREDENTIAL_ARGS
from nodeward.secrets.detectors.config_password import SECRET_NAME

__all__ = ["secret_free_code", "secret_free_text", "secret_token"]

_NAME = re.compile(r"(?i)^[\w$-]*" + SECRET_NAME + r"$")
_OPTION_NAMES = frozenset(
    {o.rsplit(".", 1)[-1] for entry in CREDENTIAL_ARGS for o in entry.options} | {"keys", "clientSecret", "consumerSecret"}
)
"""Option names that hold a credential although `SECRET_NAME` does not cover them (`pass`,
`passphrase`, cookie-session `keys`)."""


def _last_name(callee: str) -> str:
    """`crypto.createHmac` -> `createHmac`; `cookie-parser.default` -> `cookie-parser`; `x.Client()` -> `Client`."""
    return callee.removesuffix(".default").rsplit(".", 1)[-1].removesuffix("()")


def _positional() -> dict[str, frozenset[int]]:
    """Callee name (last part, or a module that is itself the function) -> secret positions."""
    # The NW806 table, imported late: `code` imports this module's siblings.
    from nodeward.secrets.code import _SINKS

    out: dict[str, set[int]] = {}
    for callee, (_kind, places) in _SINKS.items():
        out.setdefault(_last_name(callee), set()).update(p for p in places if isinstance(p, int))
    for entry in CREDENTIAL_ARGS:
        for callee in entry.callees:
            out.setdefault(_last_name(callee), set()).update(entry.args)
    return {k: frozenset(v) for k, v in out.items() if v}


_STATE: dict[str, object] = {}
"""Per-process lazy: the positional table (built on first use)."""

_QUOTES = ("'", '"', "`")
_MAX_NODES = 4096


def secret_token(value: str) -> str:
    """What a secret becomes in a fingerprint key: a slow hash, never the value."""
    return f"<secret:{secret_hash(value)[:16]}>"


def _engine_secrets(text: str) -> list[str]:
    """Values the secrets detectors confirm in `text` (no filters: over-matching is harmless)."""
    # The secrets analyzer's per-process engine: compiled once, before the worker pool forks.
    from nodeward.secrets.analyzer import _auto_engine

    data = text.encode("utf-8", "surrogateescape")
    return [m.secret for m in _auto_engine().scan(data, frozenset({"any", "config", "npmrc"})) if m.secret]


def secret_free_text(text: str) -> str:
    """`text` with every value the secrets detectors find replaced by its `secret_token`."""
    if not text or not any(q in text for q in (*_QUOTES, ":", "=", "@")):
        return text
    found = _engine_secrets(text)
    for s in sorted({s for s in found if "<secret:" not in s}, key=len, reverse=True):
        text = text.replace(s, secret_token(s))
    return text


def _string_value(node: ts.Node) -> str | None:
    if node.type not in ("string", "template_string"):
        return None
    if any(c.type == "template_substitution" for c in node.named_children):
        return None
    return "".join(
        (c.text or b"").decode("utf-8", "surrogateescape")
        for c in node.named_children
        if c.type in ("string_fragment", "escape_sequence")
    )


def _key_text(node: ts.Node | None) -> str:
    if node is None:
        return ""
    value = _string_value(node)
    return value if value is not None else (node.text or b"").decode("utf-8", "replace")


def _in_secret_place(lit: ts.Node, qualify: Callable[[ts.Node], str | None] | None) -> bool:
    """Whether a string literal is named as a secret or passed where an API takes one."""
    node = lit
    parent = node.parent
    # `process.env.X || 'fallback'` passed as a secret: judge the place of the whole expression
    if parent is not None and parent.type == "binary_expression" and parent.child_by_field_name("right") == node:
        node, parent = parent, parent.parent
    if parent is None:
        return False
    if parent.type == "array":  # cookie-session `keys: ['a', 'b']`
        node, parent = parent, parent.parent
        if parent is None:
            return False
    if parent.type == "pair" and parent.child_by_field_name("value") == node:
        key = _key_text(parent.child_by_field_name("key"))
        return bool(_NAME.match(key)) or key in _OPTION_NAMES
    if parent.type in ("variable_declarator", "assignment_expression"):
        target = parent.child_by_field_name("name") or parent.child_by_field_name("left")
        if target is not None and target.type == "member_expression":
            target = target.child_by_field_name("property")
        return target is not None and bool(_NAME.match(_key_text(target)))
    if parent.type != "arguments":
        return False
    call = parent.parent
    if call is None:
        return False
    fn = call.child_by_field_name("function") or call.child_by_field_name("constructor")
    if fn is None:
        return False
    index = [c for c in parent.named_children if c.type != "comment"].index(node)
    table = _STATE.get("positional")
    if table is None:
        table = _STATE["positional"] = _positional()
    assert isinstance(table, dict)
    names = set()
    prop = fn.child_by_field_name("property") if fn.type == "member_expression" else fn
    if prop is not None:
        names.add(_key_text(prop))
    if qualify is not None:
        qualified = qualify(call)
        if qualified:
            names.add(_last_name(qualified.removeprefix("node:")))
    return any(index in table.get(n, ()) for n in names)


def _literals(node: ts.Node) -> Iterator[ts.Node]:
    """String literals under `node` in document order, lazily (the caller stops early), bounded."""
    stack = [node]
    seen = 0
    while stack and seen < _MAX_NODES:
        cur = stack.pop()
        seen += 1
        if cur.type in ("string", "template_string"):
            yield cur
            if cur.type == "string":
                continue
        stack.extend(reversed(cur.named_children))


def secret_free_code(node: ts.Node, code: str, qualify: Callable[[ts.Node], str | None] | None = None) -> str:
    """`code` (the node's text, or its first characters) with every secret literal that starts
    in it replaced by its `secret_token`; `code` itself when it holds none.  A literal cut by
    the end of `code` is replaced whole and ends the key.  `qualify(call)` may resolve a call's
    callee to `module.name` for the positional check."""
    if not any(q in code for q in _QUOTES):
        return secret_free_text(code)
    raw = node.text or b""
    base = node.start_byte
    cut = len(code)
    pieces: list[str] = []
    pos = 0  # characters of the node's text consumed so far
    for lit in _literals(node):
        start = len(raw[: lit.start_byte - base].decode("utf-8", "replace"))
        if start >= cut:
            break
        if start < pos:  # inside a literal already replaced
            continue
        value = _string_value(lit)
        if not value or not value.strip() or not _in_secret_place(lit, qualify):
            continue
        pieces += [code[pos:start], secret_token(value)]
        pos = len(raw[: lit.end_byte - base].decode("utf-8", "replace"))
    if pieces:
        pieces.append(code[pos:cut] if pos < cut else "")
        code = "".join(pieces)
    return secret_free_text(code)
