"""TLS done unsafely (NW405, NW408): certificate checks switched off, and
protocol versions that should no longer be negotiated.

These are properties, not calls: `rejectUnauthorized: false` means the same in
`https.request`, `new https.Agent`, `tls.connect`, axios' `httpsAgent` or a
database driver's `ssl` block, so the queries match the option wherever it is.
"""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from nodeward.model import Confidence, Finding, Rule, Severity
from nodeward.ruledocs import make_docs
from nodeward.sast.context import FileContext
from nodeward.sast.rules.base import CallPattern, NodePattern

__all__ = ["CALLS", "NODES", "RULES"]

_TLS = "Securing Data in Transit with TLS/SSL"

TLS_VERIFY = Rule(
    id="NW405",
    name="tls-verification-disabled",
    summary="TLS certificate verification turned off",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    cwe=(295,),
    owasp=("A02:2021", "A07:2021"),
    guide_section=_TLS,
    docs=make_docs(
        what=(
            "Flags `rejectUnauthorized: false` in any options object (https, tls, axios agents, database "
            "`ssl` blocks), `strictSSL: false` (request), `insecure: true` in got's `https` options, a "
            "`checkServerIdentity` that accepts every host (`() => undefined`), and "
            "`process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'`."
        ),
        why=(
            "Without certificate verification anyone on the network path can impersonate the server "
            "(man-in-the-middle) and read or change the traffic, including credentials and tokens."
        ),
        example="""
const https = require('https');
const agent = new https.Agent({ rejectUnauthorized: false });
""",
        use_instead="""
const https = require('https');
const fs = require('fs');
const agent = new https.Agent({ ca: fs.readFileSync('certs/internal-ca.pem') });
""",
        references=[
            "https://cwe.mitre.org/data/definitions/295.html",
            "https://nodejs.org/api/tls.html#tlsconnectoptions-callback",
            "https://nodejs.org/api/cli.html#node_tls_reject_unauthorizedvalue",
        ],
    ),
)

WEAK_TLS = Rule(
    id="NW408",
    name="weak-tls-version",
    summary="TLS 1.0/1.1 or SSLv3 allowed by `minVersion`/`secureProtocol`",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    cwe=(326, 327),
    owasp=("A02:2021",),
    guide_section=_TLS,
    docs=make_docs(
        what=(
            "Flags `minVersion: 'TLSv1' | 'TLSv1.1'` and `secureProtocol: 'TLSv1_method' | 'TLSv1_1_method' "
            "| 'SSLv3_method' | 'SSLv23_method'` in options objects."
        ),
        why=(
            "TLS 1.0 and 1.1 are deprecated (RFC 8996): they rely on SHA-1 and CBC constructions with known "
            "attacks (BEAST, Lucky13), and allowing them enables downgrade."
        ),
        example="""
const https = require('https');
https.createServer({ key, cert, minVersion: 'TLSv1' }, app).listen(443);
""",
        use_instead="""
const https = require('https');
https.createServer({ key, cert, minVersion: 'TLSv1.2' }, app).listen(443);
""",
        references=["https://www.rfc-editor.org/rfc/rfc8996", "https://nodejs.org/api/tls.html#tlscreatesecurecontextoptions"],
    ),
)

RULES: tuple[Rule, ...] = (TLS_VERIFY, WEAK_TLS)

_FIX_VERIFY = "Keep verification on; trust a private CA with the `ca` option instead of disabling checks."
_WEAK_VERSIONS = frozenset({"tlsv1", "tlsv1.0", "tlsv1.1", "sslv3"})
_WEAK_METHODS = frozenset({"tlsv1_method", "tlsv1_1_method", "sslv3_method", "sslv23_method", "tlsv1_client_method", "tlsv1_server_method"})

_PAIR_KEYS = '"rejectUnauthorized" "strictSSL" "insecure" "minVersion" "secureProtocol" "checkServerIdentity"'
_PAIRS_QUERY = f"""
(pair key: (property_identifier) @key (#any-of? @key {_PAIR_KEYS})) @pair
(pair key: (string (string_fragment) @key) (#any-of? @key {_PAIR_KEYS})) @pair
"""
_ENV_QUERY = """
(assignment_expression
  left: (member_expression property: (property_identifier) @var (#eq? @var "NODE_TLS_REJECT_UNAUTHORIZED"))) @assign
(assignment_expression
  left: (subscript_expression index: (string (string_fragment) @var) (#eq? @var "NODE_TLS_REJECT_UNAUTHORIZED"))) @assign
"""


def _pairs(ctx: FileContext, caps: dict[str, list[ts.Node]]) -> Iterator[Finding]:
    pair = caps["pair"][0]
    key_node = caps["key"][0]
    key = ctx.text(key_node)
    value = pair.child_by_field_name("value")
    lit = ctx.literal(value)
    if key in ("rejectUnauthorized", "strictSSL"):
        if lit is False or (isinstance(lit, int) and not isinstance(lit, bool) and lit == 0):
            yield ctx.finding(TLS_VERIFY, pair, f"TLS certificate verification disabled (`{key}: false`)", _FIX_VERIFY)
    elif key == "insecure":
        parent_pair = pair.parent.parent if pair.parent is not None else None
        if lit is True and parent_pair is not None and parent_pair.type == "pair":
            k = parent_pair.child_by_field_name("key")
            if k is not None and ctx.text(k).strip("'\"") == "https":
                yield ctx.finding(TLS_VERIFY, pair, "TLS certificate verification disabled (`https.insecure: true`)", _FIX_VERIFY)
    elif key == "checkServerIdentity" and value is not None and _accepts_any_host(ctx, value):
        yield ctx.finding(
            TLS_VERIFY,
            pair,
            "Hostname verification disabled (`checkServerIdentity` accepts every certificate)",
            "Remove the override, or call `tls.checkServerIdentity(host, cert)` and add checks on top.",
        )
    elif key == "minVersion":
        if isinstance(lit, str) and lit.lower() in _WEAK_VERSIONS:
            yield ctx.finding(WEAK_TLS, pair, f"Deprecated TLS version allowed (`minVersion: '{lit}'`)", "Use `minVersion: 'TLSv1.2'` or higher.")
    elif key == "secureProtocol":
        if isinstance(lit, str) and lit.lower() in _WEAK_METHODS:
            yield ctx.finding(
                WEAK_TLS,
                pair,
                f"Deprecated TLS protocol method `{lit}`",
                "Drop `secureProtocol` and set `minVersion: 'TLSv1.2'`.",
            )


def _accepts_any_host(ctx: FileContext, fn: ts.Node) -> bool:
    """`() => undefined`, `() => {}`, `function () { return null; }`: no error ever returned."""
    if fn.type not in ("arrow_function", "function_expression", "function"):
        return False
    body = fn.child_by_field_name("body")
    if body is None:
        return False
    if body.type in ("undefined", "null"):
        return True
    if body.type == "identifier":
        return ctx.text(body) == "undefined"
    if body.type != "statement_block":
        return False
    statements = [c for c in body.named_children if c.type != "comment"]
    if not statements:
        return True
    if len(statements) == 1 and statements[0].type == "return_statement":
        value = statements[0].named_children[0] if statements[0].named_children else None
        return value is None or value.type in ("undefined", "null") or ctx.text(value) == "undefined"
    return False


def _env(ctx: FileContext, caps: dict[str, list[ts.Node]]) -> Iterator[Finding]:
    assign = caps["assign"][0]
    left = assign.child_by_field_name("left")
    obj = left.child_by_field_name("object") if left is not None else None
    if obj is None or ctx.qualname(obj) != "process.env":
        return
    value = ctx.literal(assign.child_by_field_name("right"))
    if value in ("0", 0, False, ""):
        yield ctx.finding(
            TLS_VERIFY,
            assign,
            "`NODE_TLS_REJECT_UNAUTHORIZED = '0'` disables certificate checks for every TLS connection in the process",
            _FIX_VERIFY,
        )


CALLS: tuple[CallPattern, ...] = ()
NODES: tuple[NodePattern, ...] = (NodePattern(_PAIRS_QUERY, _pairs), NodePattern(_ENV_QUERY, _env))
