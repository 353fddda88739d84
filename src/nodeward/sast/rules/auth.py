"""JSON Web Token misuse with `jsonwebtoken` (NW501-NW504).

Literal signing secrets are the secrets analyzer's (NW8xx); these rules look
at how tokens are verified, decoded and issued.
"""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from nodeward.model import Confidence, Finding, Rule, Severity
from nodeward.ruledocs import make_docs
from nodeward.sast.context import FileContext, compiled_query, string_value
from nodeward.sast.rules.base import CallPattern, NodePattern

__all__ = ["CALLS", "NODES", "RULES"]

_AUTH = "Authentication and Session Management"
_FUNCTIONS = ("arrow_function", "function_expression", "function")

JWT_ALGORITHMS = Rule(
    id="NW501",
    name="jwt-verify-insecure-algorithms",
    summary="`jwt.verify` without an `algorithms` allow-list, or allowing `none`",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    cwe=(347, 327),
    owasp=("A02:2021", "A07:2021"),
    guide_section=_AUTH,
    docs=make_docs(
        what=(
            "Flags `jsonwebtoken`'s `verify` called without `options.algorithms` (medium) or with `'none'` "
            "in it (high)."
        ),
        why=(
            "The token's header chooses the algorithm unless the server pins it: `alg: none` tokens carry no "
            "signature at all, and algorithm confusion lets an RS256 public key be used as an HS256 secret."
        ),
        example="""
const jwt = require('jsonwebtoken');
function readToken(token) {
  return jwt.verify(token, process.env.JWT_SECRET, { algorithms: ['HS256', 'none'] });
}
""",
        use_instead="""
const jwt = require('jsonwebtoken');
function readToken(token) {
  return jwt.verify(token, process.env.JWT_SECRET, { algorithms: ['HS256'] });
}
""",
        references=[
            "https://cwe.mitre.org/data/definitions/347.html",
            "https://github.com/auth0/node-jsonwebtoken#jwtverifytoken-secretorpublickey-options-callback",
            "https://cheatsheetseries.owasp.org/cheatsheets/JSON_Web_Token_for_Java_Cheat_Sheet.html",
        ],
    ),
)

JWT_DECODE = Rule(
    id="NW502",
    name="jwt-decode-without-verify",
    summary="`jwt.decode` in a file that never verifies a token",
    severity=Severity.MEDIUM,
    confidence=Confidence.LOW,
    cwe=(345,),
    owasp=("A07:2021",),
    guide_section=_AUTH,
    docs=make_docs(
        what=(
            "Flags `jsonwebtoken`'s `decode` in a file that has no `jwt.verify` call. A "
            "`jwt.decode(token, { complete: true })` whose result is read only for its `.header` "
            "(the `kid`/`alg` that picks a JWKS key before verification), or a `jwt.decode(token)` read "
            "only for `exp`/`iat`/`nbf`/`iss` (when to refresh, which verifier to hand it to), is not flagged."
        ),
        why=(
            "`decode` only base64-decodes: it checks no signature and no expiry, so anyone can forge the "
            "claims (user id, role) it returns."
        ),
        example="""
const jwt = require('jsonwebtoken');
function currentUser(req) {
  return jwt.decode(req.headers.authorization).sub;
}
""",
        use_instead="""
const jwt = require('jsonwebtoken');
function currentUser(req) {
  return jwt.verify(req.headers.authorization, process.env.JWT_SECRET, { algorithms: ['HS256'] }).sub;
}
""",
        references=["https://github.com/auth0/node-jsonwebtoken#jwtdecodetoken--options"],
    ),
)

JWT_EXPIRY = Rule(
    id="NW503",
    name="jwt-sign-without-expiry",
    summary="`jwt.sign` issues a token that never expires",
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    cwe=(613,),
    owasp=("A07:2021",),
    guide_section=_AUTH,
    docs=make_docs(
        what=(
            "Flags `jsonwebtoken`'s `sign` without `expiresIn` in the options and without `exp` in a literal "
            "payload (low confidence when the payload is built elsewhere)."
        ),
        why="A stolen token without expiry works forever; short-lived tokens limit the damage of a leak.",
        example="""
const jwt = require('jsonwebtoken');
const token = jwt.sign({ sub: user.id }, process.env.JWT_SECRET);
""",
        use_instead="""
const jwt = require('jsonwebtoken');
const token = jwt.sign({ sub: user.id }, process.env.JWT_SECRET, { expiresIn: '15m' });
""",
        references=["https://cwe.mitre.org/data/definitions/613.html", "https://www.rfc-editor.org/rfc/rfc7519#section-4.1.4"],
    ),
)

JWT_IGNORE_EXPIRATION = Rule(
    id="NW504",
    name="jwt-verify-ignores-expiration",
    summary="`jwt.verify` told to accept expired tokens",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    cwe=(613,),
    owasp=("A07:2021",),
    guide_section=_AUTH,
    docs=make_docs(
        what="Flags `jsonwebtoken`'s `verify` with `ignoreExpiration: true`.",
        why="Expiry is what limits a stolen or leaked token's life; ignoring it makes every token ever issued valid forever.",
        example="""
const jwt = require('jsonwebtoken');
const claims = jwt.verify(token, process.env.JWT_SECRET, { algorithms: ['HS256'], ignoreExpiration: true });
""",
        use_instead="""
const jwt = require('jsonwebtoken');
const claims = jwt.verify(token, process.env.JWT_SECRET, { algorithms: ['HS256'], clockTolerance: 30 });
""",
        references=["https://github.com/auth0/node-jsonwebtoken#jwtverifytoken-secretorpublickey-options-callback"],
    ),
)

RULES: tuple[Rule, ...] = (JWT_ALGORITHMS, JWT_DECODE, JWT_EXPIRY, JWT_IGNORE_EXPIRATION)

_VERIFY_QUERY = '(call_expression function: (member_expression property: (property_identifier) @p (#eq? @p "verify"))) @call'


def _options(ctx: FileContext, args: list[ts.Node], index: int) -> tuple[bool, ts.Node | None]:
    """(present, object literal) for the options argument at `index` (a callback means absent)."""
    if len(args) <= index or args[index].type in _FUNCTIONS:
        return False, None
    return True, ctx.object_literal(args[index])


def _verify(ctx: FileContext, call: ts.Node, qual: str) -> Iterator[Finding]:
    args = ctx.args(call)
    if len(args) < 2:
        return
    present, opts = _options(ctx, args, 2)
    if present and opts is None:
        return  # options built elsewhere
    if opts is not None and ctx.literal(ctx.prop(opts, "ignoreExpiration")) is True:
        yield ctx.finding(
            JWT_IGNORE_EXPIRATION,
            call,
            "`jwt.verify` with `ignoreExpiration: true` accepts expired tokens",
            "Remove `ignoreExpiration`; allow a small `clockTolerance` for clock skew instead.",
        )
    algorithms = ctx.prop(opts, "algorithms") if opts is not None else None
    if algorithms is None:
        if opts is not None and ctx.has_spread(opts):
            return
        yield ctx.finding(
            JWT_ALGORITHMS,
            call,
            "`jwt.verify` without an `algorithms` allow-list: the token header picks the algorithm",
            "Pass `{ algorithms: ['HS256'] }` (or the one asymmetric algorithm you issue).",
        )
        return
    algorithms = ctx.resolve(algorithms)
    if algorithms is not None and algorithms.type == "array":
        for item in algorithms.named_children:
            value = ctx.literal(item)
            if isinstance(value, str) and value.lower() == "none":
                yield ctx.finding(
                    JWT_ALGORITHMS,
                    call,
                    "`jwt.verify` accepts `alg: none`: unsigned tokens pass verification",
                    "Remove `'none'` and list only the algorithm you sign with.",
                    severity=Severity.HIGH,
                )
                return


def _file_verifies(ctx: FileContext) -> bool:
    calls = ts.QueryCursor(compiled_query(ctx.lang, _VERIFY_QUERY)).captures(ctx.tree.root_node).get("call", [])
    return any(ctx.callee_qualname(c) == "jsonwebtoken.verify" for c in calls)


_MAX_USE_SCAN = 20_000
"""Nodes of the enclosing function looked at to find how a decoded token is used."""


_TIMING_CLAIMS = frozenset({"exp", "iat", "nbf", "iss"})
"""Payload claims that say when a token expires or who issued it, not who the caller is."""


def _header_only(ctx: FileContext, call: ts.Node) -> bool:
    """A decoded token whose identity is never read: `jwt.decode(token, { complete: true })`
    used only for `.header` (the `kid`/`alg` that picks the JWKS key before `verify` runs,
    often in another module), or a plain `jwt.decode(token)` read only for `exp`/`iat`/`nbf`/
    `iss` (scheduling a refresh, telling the app's own tokens from a provider's before
    handing them to the right verifier).  Nothing that identifies the caller is trusted."""
    args = ctx.args(call)
    opts = ctx.object_literal(args[1]) if len(args) > 1 else None
    complete = ctx.prop(opts, "complete") if opts is not None else None
    allowed = frozenset({"header"}) if complete is not None and ctx.text(complete) == "true" else _TIMING_CLAIMS
    parent = call.parent
    while parent is not None and parent.type in ("parenthesized_expression", "await_expression"):
        parent = parent.parent
    if parent is None:
        return False
    if parent.type == "member_expression":
        prop = parent.child_by_field_name("property")
        return prop is not None and ctx.text(prop) in allowed
    if parent.type != "variable_declarator":
        return False
    name_node = parent.child_by_field_name("name")
    if name_node is None or name_node.type != "identifier":
        return False
    name = ctx.text(name_node)
    scope = ctx.enclosing_function(call) or ctx.tree.root_node
    stack = [scope]
    seen = 0
    while stack and seen < _MAX_USE_SCAN:
        node = stack.pop()
        seen += 1
        if node.type == "identifier" and ctx.text(node) == name and node != name_node:
            up = node.parent
            if up is not None and up.type == "member_expression" and up.child_by_field_name("object") == node:
                prop = up.child_by_field_name("property")
                if prop is None or ctx.text(prop) not in allowed:
                    return False
            elif up is None or up.type not in ("unary_expression", "if_statement", "parenthesized_expression", "binary_expression"):
                return False  # passed on or returned whole: the payload may be trusted elsewhere
        stack.extend(node.named_children)
    return seen < _MAX_USE_SCAN


def _decode(ctx: FileContext, call: ts.Node, qual: str) -> Iterator[Finding]:
    if not _file_verifies(ctx) and not _header_only(ctx, call):
        yield ctx.finding(
            JWT_DECODE,
            call,
            "Possible unverified token: `jwt.decode` checks no signature and this file never calls `jwt.verify`",
            "Use `jwt.verify` with a pinned algorithm before trusting any claim.",
        )


def _sign(ctx: FileContext, call: ts.Node, qual: str) -> Iterator[Finding]:
    args = ctx.args(call)
    if len(args) < 2:
        return
    present, opts = _options(ctx, args, 2)
    if present and opts is None:
        return
    if opts is not None and (ctx.prop(opts, "expiresIn") is not None or ctx.has_spread(opts)):
        return
    payload = ctx.resolve(args[0])
    confidence = None
    if payload is not None and payload.type == "object":
        if ctx.prop(payload, "exp") is not None or ctx.has_spread(payload):
            return
    elif payload is None or string_value(payload) is None:
        confidence = Confidence.LOW
    yield ctx.finding(
        JWT_EXPIRY,
        call,
        "`jwt.sign` issues a token without expiry",
        "Add `expiresIn` (e.g. `'15m'` for access tokens) and refresh tokens server-side.",
        confidence=confidence,
    )


def _jwt(ctx: FileContext, call: ts.Node, qual: str | None) -> Iterator[Finding]:
    if call.type != "call_expression":
        return
    if qual == "jsonwebtoken.verify":
        yield from _verify(ctx, call, qual)
    elif qual == "jsonwebtoken.decode":
        yield from _decode(ctx, call, qual)
    elif qual == "jsonwebtoken.sign":
        yield from _sign(ctx, call, qual)


CALLS: tuple[CallPattern, ...] = (CallPattern(("verify", "decode", "sign"), _jwt),)
NODES: tuple[NodePattern, ...] = ()
