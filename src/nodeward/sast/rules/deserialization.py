"""Unsafe parsing of untrusted data (NW601, NW602): deserializers that run
code, YAML schemas that build functions, XML parsers that expand entities."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from nodeward.model import Confidence, Finding, Rule, Severity
from nodeward.ruledocs import make_docs
from nodeward.sast.context import FileContext
from nodeward.sast.rules.base import CallPattern, NodePattern

__all__ = ["CALLS", "NODES", "RULES"]

_ADVANCED = "Advanced Node.js Security Vulnerabilities and Mitigations"

DESERIALIZE = Rule(
    id="NW601",
    name="insecure-deserialization",
    summary="A deserializer that can execute code (node-serialize, funcster, js-yaml unsafe schemas)",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    cwe=(502,),
    owasp=("A08:2021",),
    guide_section=_ADVANCED,
    docs=make_docs(
        what=(
            "Flags `node-serialize`'s `unserialize`, `funcster`'s `deepDeserialize`, js-yaml's `unsafeLoad`/"
            "`unsafeLoadAll`, and `load`/`loadAll` given `DEFAULT_FULL_SCHEMA`."
        ),
        why=(
            "These formats can describe functions: `unserialize` evaluates `_$$ND_FUNC$$_` values with `eval`, "
            "and js-yaml's full schema builds `!!js/function` objects. Attacker data becomes running code."
        ),
        example="""
const serialize = require('node-serialize');
function restore(cookie) {
  return serialize.unserialize(cookie);
}
""",
        use_instead="""
function restore(cookie) {
  return JSON.parse(cookie);
}
""",
        references=[
            "https://cwe.mitre.org/data/definitions/502.html",
            "https://github.com/advisories/GHSA-q4v7-4rhw-9hqm",
            "https://github.com/nodeca/js-yaml/blob/master/migrate_v3_to_v4.md",
        ],
    ),
)

XXE = Rule(
    id="NW602",
    name="xxe-entity-expansion",
    summary="libxmljs parses XML with external entity expansion (`noent: true`)",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    cwe=(611, 776),
    owasp=("A05:2021",),
    guide_section=_ADVANCED,
    docs=make_docs(
        what="Flags `libxmljs`/`libxmljs2` `parseXml`/`parseXmlString` called with `{ noent: true }`.",
        why=(
            "With entity substitution on, a document can declare `<!ENTITY x SYSTEM \"file:///etc/passwd\">` and "
            "read local files or reach internal URLs (XXE), or expand entities exponentially (billion laughs)."
        ),
        example="""
const libxmljs = require('libxmljs');
function parseInvoice(xml) {
  return libxmljs.parseXml(xml, { noent: true });
}
""",
        use_instead="""
const libxmljs = require('libxmljs');
function parseInvoice(xml) {
  return libxmljs.parseXml(xml, { noent: false, nonet: true });
}
""",
        references=[
            "https://cwe.mitre.org/data/definitions/611.html",
            "https://cheatsheetseries.owasp.org/cheatsheets/XML_External_Entity_Prevention_Cheat_Sheet.html",
        ],
    ),
)

RULES: tuple[Rule, ...] = (DESERIALIZE, XXE)

_CODE_DESERIALIZERS = frozenset(
    {"node-serialize.unserialize", "funcster.deepDeserialize", "js-yaml.unsafeLoad", "js-yaml.unsafeLoadAll", "cryo.parse"}
)
_XML = frozenset(
    {"libxmljs.parseXml", "libxmljs.parseXmlString", "libxmljs2.parseXml", "libxmljs2.parseXmlString"}
)


def _deserialize(ctx: FileContext, call: ts.Node, qual: str | None) -> Iterator[Finding]:
    if qual is None or call.type != "call_expression":
        return
    fix = "Parse untrusted data with `JSON.parse` (or js-yaml 4's default safe `load`) and validate it with a schema."
    if qual in _CODE_DESERIALIZERS:
        fn = qual.split(".", 1)[1]
        yield ctx.finding(DESERIALIZE, call, f"Insecure deserialization: `{fn}` can execute code embedded in the data", fix)
    elif qual in ("js-yaml.load", "js-yaml.loadAll"):
        args = ctx.args(call)
        opts = ctx.object_literal(args[1]) if len(args) > 1 else None
        schema = ctx.qualname(ctx.prop(opts, "schema")) if opts is not None else None
        if schema is not None and schema.endswith("DEFAULT_FULL_SCHEMA"):
            yield ctx.finding(
                DESERIALIZE,
                call,
                "Insecure deserialization: js-yaml with `DEFAULT_FULL_SCHEMA` builds JavaScript functions",
                fix,
            )


def _xml(ctx: FileContext, call: ts.Node, qual: str | None) -> Iterator[Finding]:
    if qual not in _XML or call.type != "call_expression":
        return
    args = ctx.args(call)
    opts = ctx.object_literal(args[1]) if len(args) > 1 else None
    if opts is not None and ctx.literal(ctx.prop(opts, "noent")) is True:
        yield ctx.finding(
            XXE,
            call,
            "XML parsed with `noent: true`: external entities are expanded (XXE)",
            "Remove `noent: true` (keep entity substitution off) and set `nonet: true`.",
        )


CALLS: tuple[CallPattern, ...] = (
    CallPattern(("unserialize", "deepDeserialize", "unsafeLoad", "unsafeLoadAll", "load", "loadAll", "parse"), _deserialize),
    CallPattern(("parseXml", "parseXmlString"), _xml),
)
NODES: tuple[NodePattern, ...] = ()
