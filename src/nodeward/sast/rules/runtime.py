"""Dangerous runtime APIs (NW407 deprecated `Buffer` constructor, NW603
`RegExp` built from non-constant input)."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from nodeward.model import Confidence, Finding, Rule, Severity
from nodeward.ruledocs import make_docs
from nodeward.sast.context import FileContext, string_value, words
from nodeward.sast.rules.base import CallPattern, NodePattern

__all__ = ["CALLS", "NODES", "RULES"]

BUFFER = Rule(
    id="NW407",
    name="unsafe-buffer-constructor",
    summary="The deprecated `Buffer()` / `new Buffer()` constructor",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    cwe=(665, 200),
    owasp=("A06:2021",),
    guide_section="The Foundation: Core Node.js Security Principles",
    docs=make_docs(
        what="Flags `new Buffer(x)` and `Buffer(x)` (DEP0005); a string literal argument is reported at low severity.",
        why=(
            "Given a number, old Node.js versions return uninitialised memory that can hold other requests' "
            "data; given user input that is sometimes a number and sometimes a string, behaviour flips "
            "(the `ws` and `request` memory-disclosure bugs)."
        ),
        example="""
function pad(size) {
  return new Buffer(size);
}
""",
        use_instead="""
function pad(size) {
  return Buffer.alloc(size);
}
""",
        references=["https://nodejs.org/api/deprecations.html#DEP0005", "https://nodejs.org/api/buffer.html#buffer"],
    ),
)

DYNAMIC_REGEXP = Rule(
    id="NW603",
    name="regexp-from-dynamic-input",
    summary="A regular expression compiled from a non-constant pattern",
    severity=Severity.LOW,
    confidence=Confidence.LOW,
    cwe=(1333, 400),
    owasp=("A03:2021",),
    guide_section="Advanced Node.js Security Vulnerabilities and Mitigations",
    docs=make_docs(
        what=(
            "Flags `new RegExp(x)` and `RegExp(x)` whose pattern is not a constant and not passed through an "
            "escape function (`escapeRegExp`, `escape-string-regexp`). Off by default: enable it with "
            "`enable = [\"NW603\"]` in `.nodeward.toml` for a sweep like eslint-plugin-security's "
            "`detect-non-literal-regexp`. Request data that reaches a `RegExp` is reported whatever this "
            "setting, by the taint rule NW651."
        ),
        why=(
            "A user-chosen pattern such as `(a+)+$` backtracks exponentially and blocks the event loop for "
            "every request (ReDoS); unescaped input also changes what the pattern matches."
        ),
        example="""
function search(items, term) {
  const re = new RegExp(term, 'i');
  return items.filter((item) => re.test(item.title));
}
""",
        use_instead="""
const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\\]\\\\]/g, '\\\\$&');
function search(items, term) {
  const re = new RegExp(escapeRegExp(term), 'i');
  return items.filter((item) => re.test(item.title));
}
""",
        references=["https://cwe.mitre.org/data/definitions/1333.html", "https://owasp.org/www-community/attacks/Regular_expression_Denial_of_Service_-_ReDoS"],
    ),
    # Off by default: on nine real servers it gave 76 findings, patterns built from the
    # server's own configuration or constants; its one true positive (a query parameter
    # compiled into a pattern) is found by the taint rule NW651 (docs/ACCURACY.md).
    default_enabled=False,
)

RULES: tuple[Rule, ...] = (BUFFER, DYNAMIC_REGEXP)


def _buffer(ctx: FileContext, call: ts.Node, qual: str | None) -> Iterator[Finding]:
    if qual != "Buffer":
        return
    args = ctx.args(call)
    if not args:
        return
    literal_string = args[0].type in ("string", "template_string") and ctx.is_constant(args[0])
    yield ctx.finding(
        BUFFER,
        call,
        "Deprecated `Buffer` constructor (uninitialised memory when given a number)",
        "Use `Buffer.alloc(size)` for zero-filled memory or `Buffer.from(value)` for data.",
        severity=Severity.LOW if literal_string else None,
    )


_METACHARACTERS = frozenset(".*+?^$(){}[]|\\")


def _escaping_replace(ctx: FileContext, call: ts.Node) -> bool:
    """A `.replace()` of a character class holding the metacharacters with `'\\$&'` (or `'\\$1'`):
    every metacharacter prefixed with a backslash, the hand-written `escapeRegExp` of MDN's
    recipe and its variants."""
    fn = call.child_by_field_name("function")
    prop = fn.child_by_field_name("property") if fn is not None and fn.type == "member_expression" else None
    if prop is None or ctx.text(prop) not in ("replace", "replaceAll"):
        return False
    args = ctx.args(call)
    if len(args) < 2 or args[0].type != "regex":
        return False
    pattern = args[0].child_by_field_name("pattern")
    replacement = string_value(args[1])
    if pattern is None or replacement is None or not replacement.startswith(("\\$&", "\\$1")):
        return False
    return len(_METACHARACTERS & set(ctx.text(pattern))) >= 6


def _escaped(ctx: FileContext, node: ts.Node) -> bool:
    """The pattern went through an escaper: one named like it (`escapeRegExp(x)`, `escaped`) or
    an inline `.replace()` that backslashes every metacharacter."""
    if any("escape" in w or "escaped" in w or w == "quote" for n in ctx.identifiers(node) for w in words(n)):
        return True
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type == "call_expression" and _escaping_replace(ctx, n):
            return True
        stack.extend(n.named_children)
    return False


def _regexp(ctx: FileContext, call: ts.Node, qual: str | None) -> Iterator[Finding]:
    if qual != "RegExp":
        return
    args = ctx.args(call)
    if not args or ctx.is_constant(args[0]) or args[0].type == "regex" or _escaped(ctx, args[0]):
        return
    yield ctx.finding(
        DYNAMIC_REGEXP,
        call,
        "Possible ReDoS: regular expression built from a non-constant pattern",
        "Escape the input (`escapeRegExp`) or match with string methods; never accept a pattern from users.",
    )


CALLS: tuple[CallPattern, ...] = (CallPattern(("Buffer",), _buffer), CallPattern(("RegExp",), _regexp))
NODES: tuple[NodePattern, ...] = ()
