"""Express configuration done unsafely (NW402-NW404, NW406, NW409): CORS,
sessions, cookies, error responses and helmet options; and (NW201) request
objects handed to the view engine as template locals.

Options objects are read as literals, following a `const opts = {...}` in the
file; when options come from elsewhere the rules stay quiet rather than guess.
"""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from nodeward.model import Confidence, Finding, Rule, Severity
from nodeward.ruledocs import make_docs
from nodeward.sast.context import FileContext, compiled_query, string_value, words
from nodeward.sast.rules.base import CallPattern, NodePattern

__all__ = ["CALLS", "NODES", "RULES", "is_response"]

_HEADERS = "Security Headers with Helmet.js"
_SESSION = "Authentication and Session Management"
_ERRORS = "Proper Error Handling"

CORS = Rule(
    id="NW402",
    name="cors-any-origin-with-credentials",
    summary="CORS reflects any origin while allowing credentials",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    cwe=(942, 346),
    owasp=("A05:2021",),
    guide_section=_HEADERS,
    docs=make_docs(
        what=(
            "Flags `cors({ origin: true | '*' | <function that accepts every origin>, credentials: true })` "
            "and handlers that copy the request's `Origin` header into `Access-Control-Allow-Origin` while "
            "also sending `Access-Control-Allow-Credentials: true`."
        ),
        why=(
            "Any web site the victim visits can then make authenticated requests with the victim's cookies "
            "and read the responses: their notes, tokens, personal data."
        ),
        example="""
const cors = require('cors');
app.use(cors({ origin: true, credentials: true }));
""",
        use_instead="""
const cors = require('cors');
app.use(cors({ origin: ['https://app.example.com'], credentials: true }));
""",
        references=[
            "https://cwe.mitre.org/data/definitions/942.html",
            "https://portswigger.net/web-security/cors",
            "https://github.com/expressjs/cors#configuration-options",
        ],
    ),
)

SESSION = Rule(
    id="NW403",
    name="insecure-session-cookie",
    summary="express-session/cookie-session cookie without `secure`/`httpOnly`",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    cwe=(614, 1004),
    owasp=("A05:2021",),
    guide_section=_SESSION,
    docs=make_docs(
        what=(
            "Flags `express-session` and `cookie-session` options with `secure: false`, `httpOnly: false`, "
            "or `sameSite: 'none'` without `secure`, and (low severity) session cookies that never set "
            "`secure`, which both libraries default to false."
        ),
        why=(
            "Without `secure` the session id travels over plain HTTP and can be sniffed; without `httpOnly` "
            "any XSS reads it from `document.cookie`. Either hands over the user's session."
        ),
        example="""
const session = require('express-session');
app.use(session({
  secret: process.env.SESSION_SECRET,
  cookie: { secure: false, httpOnly: false },
}));
""",
        use_instead="""
const session = require('express-session');
app.set('trust proxy', 1);
app.use(session({
  secret: process.env.SESSION_SECRET,
  cookie: { secure: true, httpOnly: true, sameSite: 'lax', maxAge: 3600000 },
}));
""",
        references=[
            "https://cwe.mitre.org/data/definitions/614.html",
            "https://github.com/expressjs/session#cookie",
            "https://expressjs.com/en/advanced/best-practice-security.html#use-cookies-securely",
        ],
    ),
)

COOKIE = Rule(
    id="NW404",
    name="cookie-without-security-flags",
    summary="`res.cookie` without `httpOnly` and `secure`",
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    cwe=(614, 1004),
    owasp=("A05:2021",),
    guide_section=_SESSION,
    docs=make_docs(
        what=(
            "Flags `res.cookie(name, value[, options])` whose options do not set `httpOnly` and `secure`. "
            "Cookies named like a session, token or auth value are reported at medium severity. "
            "CSRF double-submit cookies (`XSRF-TOKEN`) may omit `httpOnly` but still need `secure`."
        ),
        why=(
            "Express sets neither flag by default: a token cookie is then readable by injected scripts and "
            "sent over plain HTTP."
        ),
        example="""
app.post('/login', (req, res) => {
  res.cookie('token', issueToken(req.user));
  res.end();
});
""",
        use_instead="""
app.post('/login', (req, res) => {
  res.cookie('token', issueToken(req.user), { httpOnly: true, secure: true, sameSite: 'strict' });
  res.end();
});
""",
        references=[
            "https://expressjs.com/en/api.html#res.cookie",
            "https://owasp.org/www-community/HttpOnly",
        ],
    ),
)

ERROR_DETAILS = Rule(
    id="NW406",
    name="error-details-sent-to-client",
    summary="A stack trace or raw error object sent in the HTTP response",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    cwe=(209, 497),
    owasp=("A05:2021",),
    guide_section=_ERRORS,
    docs=make_docs(
        what=(
            "Flags `res.send/json/jsonp/end/write/render` given `err.stack`, or the raw error (or its "
            "`message`, at low severity) of a `catch` clause, an Express error handler "
            "`(err, req, res, next)` or an `(err, ...)` callback."
        ),
        why=(
            "Stack traces and driver errors reveal file paths, library versions, SQL and internal hosts: a "
            "map for the next attack."
        ),
        example="""
app.use((err, req, res, next) => {
  res.status(500).json({ message: err.message, stack: err.stack });
});
""",
        use_instead="""
app.use((err, req, res, next) => {
  req.log.error(err);
  res.status(500).json({ error: 'internal error' });
});
""",
        references=[
            "https://cwe.mitre.org/data/definitions/209.html",
            "https://expressjs.com/en/guide/error-handling.html",
        ],
    ),
)

HELMET_DISABLED = Rule(
    id="NW409",
    name="helmet-protection-disabled",
    summary="A helmet protection switched off with `false`",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    cwe=(693,),
    owasp=("A05:2021",),
    guide_section=_HEADERS,
    docs=make_docs(
        what=(
            "Flags `helmet({ ...: false })` for each disabled protection. Turning off "
            "`contentSecurityPolicy` or the cross-origin policies is reported at low severity (APIs that "
            "serve no HTML sometimes do it knowingly), as are the legacy and hint headers (`xXssProtection`, "
            "`xDnsPrefetchControl`, `originAgentCluster`, `xPermittedCrossDomainPolicy`, `xDownloadOptions`); "
            "HSTS, frameguard, noSniff and referrerPolicy at medium."
        ),
        why=(
            "Each option is a header that blocks a class of attack (clickjacking, MIME sniffing, protocol "
            "downgrade, XSS); switching it off silently removes that defence for every route."
        ),
        example="""
const helmet = require('helmet');
app.use(helmet({ hsts: false, frameguard: false }));
""",
        use_instead="""
const helmet = require('helmet');
app.use(helmet());
""",
        references=["https://helmetjs.github.io/"],
    ),
)

RENDER_LOCALS = Rule(
    id="NW201",
    name="render-with-request-locals",
    summary="`res.render` given the whole `req.query`/`req.body` as template locals",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    cwe=(1336, 94),
    owasp=("A03:2021",),
    guide_section="Input Validation and Sanitization",
    docs=make_docs(
        what=(
            "Flags `res.render(view, req.query | req.body | req.params)` and object literals that spread one "
            "of them into the locals (`{ ...req.body }`)."
        ),
        why=(
            "View engines read options from the locals object: ejs `settings['view options']` "
            "(`outputFunctionName`, `client`, `escapeFunction`), hbs `layout`, pug `basedir`. Whoever "
            "controls the keys controls the template compiler, which has led to remote code execution "
            "(CVE-2022-29078, CVE-2024-33883)."
        ),
        example="""
app.get('/preview', (req, res) => {
  res.render('preview', req.query);
});
""",
        use_instead="""
app.get('/preview', (req, res) => {
  res.render('preview', { title: String(req.query.title || '') });
});
""",
        references=[
            "https://cwe.mitre.org/data/definitions/1336.html",
            "https://github.com/advisories/GHSA-phwq-j96m-2c2q",
            "https://expressjs.com/en/api.html#res.render",
        ],
    ),
)

RULES: tuple[Rule, ...] = (RENDER_LOCALS, CORS, SESSION, COOKIE, ERROR_DETAILS, HELMET_DISABLED)

_RESPONSE_NAMES = frozenset({"res", "response", "resp", "reply"})
_SENSITIVE_COOKIE_WORDS = frozenset(
    {"session", "sess", "sid", "token", "auth", "jwt", "remember", "login", "access", "refresh", "connect"}
)
_ERROR_NAMES = frozenset({"err", "error", "e", "ex", "exception", "er"})
_CONDITIONS = frozenset({"if_statement", "ternary_expression", "switch_statement", "binary_expression"})
_CHECK_METHODS = frozenset({"includes", "indexOf", "test", "has", "match", "some", "find", "endsWith", "startsWith"})
_SOFT_HELMET = frozenset(
    {
        "contentSecurityPolicy", "crossOriginEmbedderPolicy", "crossOriginResourcePolicy", "crossOriginOpenerPolicy",
        # Legacy or hint headers: helmet's `X-XSS-Protection: 0` only switches off a filter that
        # modern browsers removed; DNS prefetch, Origin-Agent-Cluster, Flash/Acrobat cross-domain
        # policies and IE8's download option guard against no injection.
        "xXssProtection", "xssFilter", "xDnsPrefetchControl", "dnsPrefetchControl", "originAgentCluster",
        "xPermittedCrossDomainPolicy", "permittedCrossDomainPolicies", "xDownloadOptions", "ieNoOpen",
    }
)
_MAX_WALK = 400


def is_response(ctx: FileContext, node: ts.Node | None) -> bool:
    """`res`, `response`, `reply`, or a chain on them such as `res.status(500)`."""
    for _ in range(8):
        if node is None:
            return False
        if node.type == "identifier":
            return ctx.text(node) in _RESPONSE_NAMES
        if node.type == "call_expression":
            fn = node.child_by_field_name("function")
            node = fn.child_by_field_name("object") if fn is not None and fn.type == "member_expression" else None
        elif node.type == "member_expression":
            # `this.res`, `ctx.res`
            prop = node.child_by_field_name("property")
            return prop is not None and ctx.text(prop) in _RESPONSE_NAMES
        else:
            return False
    return False


def _receiver(call: ts.Node) -> ts.Node | None:
    fn = call.child_by_field_name("function")
    if fn is None or fn.type != "member_expression":
        return None
    return fn.child_by_field_name("object")


def _walk(node: ts.Node, limit: int = _MAX_WALK) -> Iterator[ts.Node]:
    stack = [node]
    n = 0
    while stack and n < limit:
        cur = stack.pop()
        n += 1
        yield cur
        stack.extend(reversed(cur.named_children))


# -- NW402 ----------------------------------------------------------------------


def _reflects_any_origin(ctx: FileContext, fn: ts.Node) -> bool:
    """An origin callback that says yes without looking: no branch, no allow-list check."""
    params = ctx.params(fn)
    if len(params) < 2:
        return False
    origin_name = ctx.text(params[0])
    cb_name = ctx.text(params[1])
    body = fn.child_by_field_name("body")
    if body is None:
        return False
    allowed = False
    for n in _walk(body):
        if n.type in _CONDITIONS and (n.type != "binary_expression" or _is_logical(ctx, n)):
            return False
        if n.type == "call_expression":
            callee = n.child_by_field_name("function")
            if callee is None:
                continue
            if callee.type == "member_expression":
                prop = callee.child_by_field_name("property")
                if prop is not None and ctx.text(prop) in _CHECK_METHODS:
                    return False
            if callee.type == "identifier" and ctx.text(callee) == cb_name:
                args = ctx.args(n)
                if len(args) >= 2 and (args[1].type == "true" or ctx.text(args[1]) == origin_name):
                    allowed = True
    return allowed


def _is_logical(ctx: FileContext, node: ts.Node) -> bool:
    op = node.child_by_field_name("operator")
    return op is not None and ctx.text(op) in ("&&", "||", "??", "===", "==", "!==", "!=")


def _cors(ctx: FileContext, call: ts.Node, qual: str | None) -> Iterator[Finding]:
    if qual != "cors" or call.type != "call_expression":
        return
    args = ctx.args(call)
    opts = ctx.object_literal(args[0]) if args else None
    if opts is None or ctx.literal(ctx.prop(opts, "credentials")) is not True:
        return
    origin = ctx.prop(opts, "origin")
    if origin is None:
        return  # cors defaults to '*', which browsers refuse with credentials
    value = ctx.literal(origin)
    any_origin = value is True or value == "*"
    if not any_origin and origin.type in ("arrow_function", "function_expression", "function"):
        any_origin = _reflects_any_origin(ctx, origin)
    if any_origin:
        yield ctx.finding(
            CORS,
            call,
            "CORS allows credentials from any origin: every site can read authenticated responses",
            "List the trusted origins explicitly (`origin: ['https://app.example.com']`).",
        )


_ACAC_QUERY = '((string) @s (#match? @s "^.[Aa]ccess-[Cc]ontrol-[Aa]llow-[Cc]redentials.$"))'


def _header_name(ctx: FileContext, node: ts.Node | None) -> str:
    value = string_value(node)
    return value.lower() if value is not None else ""


def _reflects_origin(ctx: FileContext, node: ts.Node) -> bool:
    if ctx.literal(node) == "*":
        return True
    return not ctx.is_constant(node) and any(w == "origin" for n in ctx.identifiers(node) for w in words(n)) or (
        node.type == "call_expression" and any("origin" in (string_value(a) or "").lower() for a in ctx.args(node))
    )


def _manual_cors(ctx: FileContext, call: ts.Node, qual: str | None) -> Iterator[Finding]:
    if not is_response(ctx, _receiver(call)):
        return
    args = ctx.args(call)
    value: ts.Node | None = None
    if len(args) >= 2 and _header_name(ctx, args[0]) == "access-control-allow-origin":
        value = args[1]
    elif len(args) == 1 and args[0].type == "object":
        for key, v in ctx.props(args[0]):
            if key.lower() == "access-control-allow-origin":
                value = v
    if value is None or not _reflects_origin(ctx, value):
        return
    scope = ctx.enclosing_function(call) or ctx.tree.root_node
    creds = ts.QueryCursor(compiled_query(ctx.lang, _ACAC_QUERY)).captures(scope).get("s", [])
    if creds:
        yield ctx.finding(
            CORS,
            call,
            "`Access-Control-Allow-Origin` reflects the request origin while credentials are allowed",
            "Compare the `Origin` header with an allow-list before echoing it, and send `Vary: Origin`.",
        )


# -- NW403 ----------------------------------------------------------------------


def _cookie_flag_problems(ctx: FileContext, cookie: ts.Node) -> list[str]:
    problems: list[str] = []
    secure = ctx.prop(cookie, "secure")
    http_only = ctx.prop(cookie, "httpOnly")
    same_site = ctx.literal(ctx.prop(cookie, "sameSite"))
    if secure is not None and ctx.literal(secure) is False:
        problems.append("`secure: false`")
    if http_only is not None and ctx.literal(http_only) is False:
        problems.append("`httpOnly: false`")
    if isinstance(same_site, str) and same_site.lower() == "none" and (secure is None or ctx.literal(secure) is False):
        problems.append("`sameSite: 'none'` without `secure`")
    return problems


def _session(ctx: FileContext, call: ts.Node, qual: str | None) -> Iterator[Finding]:
    if qual not in ("express-session", "cookie-session") or call.type != "call_expression":
        return
    args = ctx.args(call)
    opts = ctx.object_literal(args[0]) if args else None
    if opts is None or ctx.has_spread(opts):
        return
    fix = "Set `cookie: { secure: true, httpOnly: true, sameSite: 'lax' }` (and `app.set('trust proxy', 1)` behind a proxy)."
    if qual == "express-session":
        cookie_node = ctx.prop(opts, "cookie")
        cookie = ctx.object_literal(cookie_node)
        if cookie_node is not None and cookie is None:
            return  # built elsewhere
    else:
        cookie_node, cookie = None, opts
    if cookie is not None:
        problems = _cookie_flag_problems(ctx, cookie)
        if problems:
            where = cookie_node.parent if cookie_node is not None and cookie_node.parent is not None else call
            yield ctx.finding(SESSION, where, f"Session cookie set with {', '.join(problems)}", fix)
            return
        if ctx.prop(cookie, "secure") is not None or ctx.has_spread(cookie):
            return
    what = "no `cookie` options" if cookie is None else "no `secure` flag"
    yield ctx.finding(
        SESSION,
        call,
        f"Session cookie has {what}: it defaults to `secure: false` and is sent over plain HTTP",
        fix,
        severity=Severity.LOW,
    )


# -- NW404 ----------------------------------------------------------------------


def _res_cookie(ctx: FileContext, call: ts.Node, qual: str | None) -> Iterator[Finding]:
    if call.type != "call_expression" or not is_response(ctx, _receiver(call)):
        return
    args = ctx.args(call)
    if len(args) < 2:
        return
    opts: ts.Node | None = None
    if len(args) >= 3:
        opts = ctx.object_literal(args[2])
        if opts is None or ctx.has_spread(opts):
            return  # options built elsewhere
    name = ctx.literal(args[0])
    name_text = name if isinstance(name, str) else ctx.text(args[0])
    ws = set(words(name_text))
    csrf_cookie = bool(ws & {"csrf", "xsrf"})
    missing = []
    for flag in ("httpOnly", "secure"):
        if flag == "httpOnly" and csrf_cookie:
            continue
        value = ctx.prop(opts, flag) if opts is not None else None
        if value is None or ctx.literal(value) is False:
            missing.append(f"`{flag}`")
    if not missing:
        return
    sensitive = bool(ws & _SENSITIVE_COOKIE_WORDS) and not csrf_cookie
    label = f"`{name}`" if isinstance(name, str) else "a"
    yield ctx.finding(
        COOKIE,
        call,
        f"Cookie {label} set without {' and '.join(missing)}",
        "Pass `{ httpOnly: true, secure: true, sameSite: 'lax' }` (or 'strict') to `res.cookie`.",
        severity=Severity.MEDIUM if sensitive else Severity.LOW,
    )


# -- NW406 ----------------------------------------------------------------------


def _error_names(ctx: FileContext, call: ts.Node) -> set[str]:
    """Names bound to a caught error around `call`: catch params, error-handler/callback `err`."""
    names: set[str] = set()
    node = call.parent
    depth = 0
    while node is not None and depth < 200:
        depth += 1
        if node.type == "catch_clause":
            param = node.child_by_field_name("parameter")
            if param is not None and param.type == "identifier":
                names.add(ctx.text(param))
        elif node.type in ("arrow_function", "function_expression", "function", "function_declaration"):
            params = ctx.params(node)
            if params and params[0].type == "identifier":
                first = ctx.text(params[0])
                if len(params) == 4 or first in _ERROR_NAMES:
                    names.add(first)
        node = node.parent
    return names


def _error_details(ctx: FileContext, call: ts.Node, qual: str | None) -> Iterator[Finding]:
    if call.type != "call_expression" or not is_response(ctx, _receiver(call)):
        return
    args = ctx.args(call)
    if not args:
        return
    error_names: set[str] | None = None
    severity: Severity | None = None
    what = ""
    for arg in args:
        for n in _walk(arg, 200):
            if n.type == "member_expression":
                prop = n.child_by_field_name("property")
                obj = n.child_by_field_name("object")
                if prop is not None and ctx.text(prop) == "stack":
                    severity, what = Severity.MEDIUM, f"`{ctx.text(n)}`"
                    break
                if prop is not None and ctx.text(prop) == "message" and obj is not None and obj.type == "identifier":
                    if error_names is None:
                        error_names = _error_names(ctx, call)
                    if ctx.text(obj) in error_names and severity is None:
                        severity, what = Severity.LOW, f"`{ctx.text(n)}`"
            elif n.type in ("identifier", "shorthand_property_identifier") and _is_value_position(n):
                if error_names is None:
                    error_names = _error_names(ctx, call)
                if ctx.text(n) in error_names:
                    severity, what = Severity.MEDIUM, f"the raw error `{ctx.text(n)}`"
        if severity is Severity.MEDIUM:
            break
    if severity is None:
        return
    yield ctx.finding(
        ERROR_DETAILS,
        call,
        f"Error details ({what}) sent to the client",
        "Log the error server-side and send a generic message (and a request id) to the client.",
        severity=severity,
    )


def _is_value_position(node: ts.Node) -> bool:
    """An identifier used as a value (not the object of `a.b`, not a property key)."""
    parent = node.parent
    if parent is None:
        return True
    if parent.type == "member_expression":
        return False
    if parent.type == "pair":
        return parent.child_by_field_name("value") == node
    return parent.type in ("arguments", "object", "array", "spread_element", "template_substitution", "binary_expression")


# -- NW201 ----------------------------------------------------------------------

_REQUEST_NAMES = frozenset({"req", "request"})
_REQUEST_BAGS = frozenset({"query", "body", "params", "cookies", "signedCookies"})


def _is_request_bag(ctx: FileContext, node: ts.Node | None) -> bool:
    """`req.query`, `req.body`, `request.params` ... as a whole object."""
    if node is None or node.type != "member_expression":
        return False
    obj = node.child_by_field_name("object")
    prop = node.child_by_field_name("property")
    return (
        obj is not None
        and prop is not None
        and obj.type == "identifier"
        and ctx.text(obj) in _REQUEST_NAMES
        and ctx.text(prop) in _REQUEST_BAGS
    )


def _render_locals(ctx: FileContext, call: ts.Node, qual: str | None) -> Iterator[Finding]:
    if call.type != "call_expression" or not is_response(ctx, _receiver(call)):
        return
    args = ctx.args(call)
    if len(args) < 2:
        return
    locals_ = args[1]
    bag: ts.Node | None = None
    if _is_request_bag(ctx, locals_):
        bag = locals_
    elif locals_.type == "object":
        for child in locals_.named_children:
            if child.type == "spread_element" and child.named_children and _is_request_bag(ctx, child.named_children[0]):
                bag = child.named_children[0]
    if bag is not None:
        yield ctx.finding(
            RENDER_LOCALS,
            call,
            f"`{ctx.text(bag)}` passed as template locals: request keys can set view-engine options",
            "Pass an object with the specific, validated fields the template needs.",
        )


# -- NW409 ----------------------------------------------------------------------


def _helmet(ctx: FileContext, call: ts.Node, qual: str | None) -> Iterator[Finding]:
    if qual != "helmet" or call.type != "call_expression":
        return
    args = ctx.args(call)
    opts = ctx.object_literal(args[0]) if args else None
    if opts is None:
        return
    disabled = [key for key, value in ctx.props(opts) if ctx.literal(value) is False]
    if not disabled:
        return
    soft = all(k in _SOFT_HELMET for k in disabled)
    yield ctx.finding(
        HELMET_DISABLED,
        call,
        f"helmet protection disabled: {', '.join(f'`{k}`' for k in disabled)}",
        "Keep helmet's defaults and configure the option (e.g. a CSP with the sources you need) instead of disabling it.",
        severity=Severity.LOW if soft else Severity.MEDIUM,
    )


CALLS: tuple[CallPattern, ...] = (
    CallPattern(("cors",), _cors),
    CallPattern(("setHeader", "header", "set"), _manual_cors),
    CallPattern(("express-session", "cookie-session", "session", "cookieSession"), _session),
    CallPattern(("cookie",), _res_cookie),
    CallPattern(("send", "json", "jsonp", "end", "write", "render"), _error_details),
    CallPattern(("render",), _render_locals),
    CallPattern(("helmet",), _helmet),
)

NODES: tuple[NodePattern, ...] = ()
