"""Template engines told not to escape (NW202): the XSS protection of
Handlebars, Mustache and friends switched off for every template."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from nodeward.model import Confidence, Finding, Rule, Severity
from nodeward.ruledocs import make_docs
from nodeward.sast.context import FileContext
from nodeward.sast.rules.base import CallPattern, NodePattern

__all__ = ["CALLS", "NODES", "RULES"]

ESCAPING_DISABLED = Rule(
    id="NW202",
    name="template-escaping-disabled",
    summary="HTML escaping turned off for a template engine",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    cwe=(79, 116),
    owasp=("A03:2021",),
    guide_section="Input Validation and Sanitization",
    docs=make_docs(
        what=(
            "Flags `noEscape: true` in template options (Handlebars `compile`, express-handlebars), "
            "`escapeMarkup = false`, and replacing `Mustache.escape` with a function that returns its input."
        ),
        why=(
            "With escaping off, every `{{value}}` that holds user data is written into the page as HTML: "
            "a stored or reflected XSS in each template, not just one."
        ),
        example="""
const Handlebars = require('handlebars');
const render = Handlebars.compile(source, { noEscape: true });
""",
        use_instead="""
const Handlebars = require('handlebars');
const render = Handlebars.compile(source);
""",
        references=["https://cwe.mitre.org/data/definitions/79.html", "https://handlebarsjs.com/api-reference/compilation.html"],
    ),
)

RULES: tuple[Rule, ...] = (ESCAPING_DISABLED,)

_FIX = "Keep the engine's escaping on; mark the few trusted HTML fragments explicitly (`{{{ }}}` / `SafeString`)."


def _no_escape(ctx: FileContext, caps: dict[str, list[ts.Node]]) -> Iterator[Finding]:
    pair = caps["pair"][0]
    if ctx.literal(pair.child_by_field_name("value")) is True:
        yield ctx.finding(ESCAPING_DISABLED, pair, "Template HTML escaping disabled (`noEscape: true`)", _FIX)


def _assignment(ctx: FileContext, caps: dict[str, list[ts.Node]]) -> Iterator[Finding]:
    assign = caps["assign"][0]
    prop = ctx.text(caps["prop"][0])
    right = assign.child_by_field_name("right")
    if right is None:
        return
    if prop == "escapeMarkup" and ctx.literal(right) is False:
        yield ctx.finding(ESCAPING_DISABLED, assign, "Template HTML escaping disabled (`escapeMarkup = false`)", _FIX)
    elif prop == "escape" and _identity(ctx, right):
        left = assign.child_by_field_name("left")
        obj = left.child_by_field_name("object") if left is not None else None
        if obj is not None and (ctx.qualname(obj) or "").lstrip("?").lower() in ("mustache", "mustache.default"):
            yield ctx.finding(ESCAPING_DISABLED, assign, "`Mustache.escape` replaced by a function that does not escape", _FIX)


def _identity(ctx: FileContext, fn: ts.Node) -> bool:
    """`(t) => t`, `function (t) { return t; }`, `String`."""
    if fn.type == "identifier":
        return ctx.text(fn) == "String"
    if fn.type not in ("arrow_function", "function_expression", "function"):
        return False
    params = ctx.params(fn)
    if len(params) != 1:
        return False
    name = ctx.text(params[0])
    body = fn.child_by_field_name("body")
    if body is None:
        return False
    if body.type == "identifier":
        return ctx.text(body) == name
    statements = [c for c in body.named_children if c.type != "comment"]
    if len(statements) != 1 or statements[0].type != "return_statement":
        return False
    value = statements[0].named_children[0] if statements[0].named_children else None
    return value is not None and value.type == "identifier" and ctx.text(value) == name


CALLS: tuple[CallPattern, ...] = ()
NODES: tuple[NodePattern, ...] = (
    NodePattern('(pair key: (property_identifier) @key (#eq? @key "noEscape")) @pair', _no_escape),
    NodePattern(
        "(assignment_expression left: (member_expression property: (property_identifier) @prop "
        '(#any-of? @prop "escapeMarkup" "escape"))) @assign',
        _assignment,
    ),
)
