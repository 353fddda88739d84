"""Route protection rules (NW510-NW513) and missing input validation (NW211).

Judged on each route's resolved middleware chain (global, router-level,
route-level) plus what its handler checks itself.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from nodeward.analysis.appmodel import AppModel, Middleware, Route
from nodeward.analysis.rules.base import finding_at
from nodeward.analysis.rules.handler_code import HandlerCode, is_credential_input
from nodeward.model import Confidence, Finding, Rule, Severity
from nodeward.ruledocs import make_docs
from nodeward.sast.parse import parse

if TYPE_CHECKING:
    from nodeward.analysis.link import LinkedProject

__all__ = ["RULES", "check_routes", "handler_code", "is_login_like", "is_public_by_purpose", "needs_authentication"]

_STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_LOGIN = re.compile(r"(^|/)(log-?in|sign-?in|signin|auth|authenticate|session|sessions|token|password|passwd|reset|reset-password|forgot|forgot-password|otp|mfa|2fa|verify|verify-otp)(/|$)", re.I)
_PUBLIC = re.compile(
    r"(^|/)(log-?in|sign-?in|sign-?up|register|auth|authenticate|authentication|session|sessions|tokens?|refresh|reset|forgot|password|passwd|verify|otp|mfa|2fa"
    r"|webhooks?|callback|logout|csp-report|contact|subscribe|unsubscribe|health|oauth|invitations?|invites?|webmentions?|pingback|trackback"
    r"|magic-?links?|passwordless|sso|saml|oidc)(/|$|-|_)",
    re.I,
)
"""Paths reached before anyone is signed in, by design: the sign-in (passwords, magic links,
SSO), sign-up, password-reset and invitation flows (`/authentication/password_reset`, `/invitation`), and endpoints other servers
call (webhooks, webmention/pingback receivers)."""
_SELF = re.compile(r"(^|/)(me|self|session|logout|log-out|signout|sign-out)$", re.I)
"""`DELETE /session`, `DELETE /users/me`: the caller's own session or account; once the caller is
authenticated there is nobody else's record to authorize against."""
_ADMIN = re.compile(r"(^|/)(admin|administration|manage|management|internal|superuser)(/|$)", re.I)


_NO_GUESSING = frozenset({"logout", "log-out", "logoff", "signout", "sign-out", "refresh", "revoke", "setup", "status", "check"})
"""Last path segments of actions under an auth path that take no credential to guess:
`/auth/logout`, `/auth/refresh` (a long random refresh token), `/otp/setup`, `/session/revoke`."""


def is_login_like(route: Route) -> bool:
    """POST/PUT on a login, token, password-reset or OTP path (not signing out, refreshing a
    token or setting up a second factor below such a path)."""
    if route.method not in ("POST", "PUT") or not _LOGIN.search(route.path):
        return False
    last = route.path.rstrip("/").rsplit("/", 1)[-1].lower()
    return last not in _NO_GUESSING


_CONFIGURES = re.compile(r"(^|/)(settings|config|configuration|preferences|options)(/|$)", re.I)
"""A settings path names what it configures: `PUT /api/settings/sso` sets up the identity
provider, `PUT /settings/password` changes a password; neither is the public flow itself."""


def is_public_by_purpose(route: Route) -> bool:
    """A route reached before sign-in by design (sign-in, sign-up, password reset, OAuth
    callbacks, webhooks, webmention receivers...), judged from its path; not a settings route
    whose path merely names such a flow."""
    return bool(_PUBLIC.search(route.path)) and not _CONFIGURES.search(route.path)


def needs_authentication(route: Route) -> bool:
    """A state-changing route that is not public by purpose: the routes NW511 and the route
    summary count when they have no authentication."""
    return route.method in _STATE_CHANGING and not is_public_by_purpose(route)


def handler_code(linked: LinkedProject) -> HandlerCode:
    """The rule-time reader of handlers' code for a linked project."""
    return HandlerCode(linked.resolver.root, linked.taint.func, linked.resolver.resolve)


_CREDENTIAL_STRATEGY = re.compile(r"local|ldap|basic|digest|pass(?:word|wd|key)|otp|webauthn|magic|log-?in|sign-?in|credential", re.I)
"""passport strategy names that check a secret the client sends (`local`, `ldapauth`,
`basic`, `totp`...): such an `authenticate()` in the chain *is* the sign-in, not a guard in
front of it.  Token and session strategies (`jwt`, `bearer`, `session`, `headerapikey`) and
OAuth providers need a credential the server issued."""
_CREDENTIAL_NAME = re.compile(r"local|password|passwd|credential|basic|otp|sign-?in|(?<!require)(?<!ensure)(?<!is)log-?in(?!-?required)", re.I)
"""Middleware names of a sign-in step (`LocalAuthGuard`, `checkPassword`, `doLogin`); not of
a guard requiring one (`requireLogin`, `isLoggedIn`, `loginRequired`)."""


def _strategies(text: str) -> list[str] | None:
    """The string arguments of the first call in a middleware expression
    (`passport.authenticate(['local', 'basic'], opts)` -> ['local', 'basic']), read with
    tree-sitter; None when the first argument is not literal, [] when there is none."""
    root = parse(text.encode("utf-8", "replace")[:2000], "javascript").root_node
    stack = [root]
    for _ in range(500):
        if not stack:
            return None
        node = stack.pop(0)
        if node.type == "call_expression":
            args = node.child_by_field_name("arguments")
            first = next((a for a in args.named_children if a.type != "comment"), None) if args is not None else None
            if first is None:
                return []
            items = first.named_children if first.type == "array" else [first]
            out = [t.decode("utf-8", "replace")[1:-1] for t in (i.text for i in items if i.type == "string") if t is not None]
            return out if len(out) == len(items) else None
        stack.extend(node.named_children)
    return None


_IDENTIFIER_FIELD = re.compile(
    r"^(?:e-?mail|email_?address|user_?name|username|user|login|name|phone|mobile|account|handle|locale|lang|remember(?:_?me)?"
    r"|redirect\w*|return\w*|next_?url|callback_?url|(?:g-)?re?captcha\w*|turnstile\w*|h-captcha\w*)$",
    re.I,
)
"""Request fields that name someone or steer the page rather than prove who they are: a
route reading only these (a reset request with an e-mail address) takes no secret.  An
allow-list: a password field may be called anything (`current`, `next`)."""


def _prior_principal(m: Middleware, code: HandlerCode | None, route_path: str = "") -> bool:
    """Whether an authentication/authorization middleware lets only callers who already hold a
    session or token through (so the route behind it is no credential-guessing target), as
    opposed to checking a secret the request carries (passport's `local` strategy, basic
    auth, a custom middleware comparing `req.body.password`: the sign-in itself)."""
    if m.scope == "handler":
        return False
    if "authorization" in m.categories:
        return True
    if "authentication" not in m.categories or "basic-auth" in m.evidence:
        return False
    if m.ref is not None and code is not None:
        # A custom middleware: judged by what it reads (a password in the body, or a session).
        use = code.use(m.ref)
        if use is not None:
            if use.reads_url and m.scope != "route" and code.mentions_path(m.ref, route_path):
                return False  # `if (OPEN.includes(req.path)) return next()` with this route listed
            return not use.escapes and not (use.inputs & {"body", "query", "files", "file"})
    if "passport" in m.evidence or "AuthGuard" in m.evidence:
        names = _strategies(m.name)
        if names is not None and names:
            return not any(_CREDENTIAL_STRATEGY.search(n) for n in names)
    # Known token checks (express-jwt, koa-jwt, @fastify/jwt, requiresAuth()), NestJS guard
    # classes and middleware judged by name: `JwtAuthGuard`, `requireLogin` are guards,
    # `LocalAuthGuard`, `checkPassword` the sign-in.
    return not _CREDENTIAL_NAME.search(m.name)


def _skipped_by_unless(m: Middleware, r: Route, code: HandlerCode | None) -> bool:
    """`expressjwt(...).unless({ path: ['/auth/login'] })`: the guard skips the routes listed
    (the route model applies it to all); unknown exclusions count as skipping this one."""
    if "unless(" not in m.name:
        return False
    return code is None or code.unless_excludes(m.path, m.line, r.path)


def _guessing_target(r: Route, code: HandlerCode | None) -> str:
    """Can an unauthenticated client send this login-like route a secret to guess?  `yes`,
    `identifiers` (it takes only fields that name someone, such as an e-mail address: no
    secret to guess, though unthrottled it floods mailboxes and enumerates accounts) or ''.

    Not when a guard requiring an existing session or token runs first (`PUT /users/password`
    behind the app's auth, `PUT /users/:id/token` regenerating a signed-in user's API key), nor
    when the handler reads no body, query, path parameter or credential header at all (a
    token handed out when authentication is switched off, a session restored from the
    server's own cookie)."""
    guards = [m for m in r.middleware if {"authentication", "authorization"} & set(m.categories)]
    if any(_prior_principal(m, code, r.path) and not _skipped_by_unless(m, r, code) for m in guards):
        return ""
    if code is None or any(m.scope == "route" for m in guards):
        # The route's own authenticate() (passport `local`) reads the secret, not the handler.
        return "yes"
    use = code.use(r.handler_ref, r.framework)
    if use is None or use.escapes:
        return "yes"
    if is_credential_input(use.inputs):
        identifiers_only = use.fields is not None and not is_credential_input(use.inputs - {"body", "query"}) and all(_IDENTIFIER_FIELD.match(f) for f in use.fields)
        return "identifiers" if identifiers_only else "yes"
    # Route-level middleware could read the secret instead of the handler: only known kinds.
    return "yes" if any(m.scope == "route" and (not m.categories or m.ref is not None) for m in r.middleware) else ""


def _authenticates_caller(r: Route, code: HandlerCode | None) -> str:
    """The route's purpose is to establish who the caller is, whatever its path: `sign-in` when
    its handler (or a middleware of its own) signs someone in with what they sent
    (`req.login(user)`, `req.session.userId = ...`), `signature` when it checks a webhook's
    signature over the request; '' otherwise.  Such a route is reached before authentication
    by design."""
    if code is None:
        return ""
    refs = [r.handler_ref, *(m.ref for m in r.middleware if m.scope == "route" and m.ref is not None)]
    for ref in refs:
        use = code.use(ref, r.framework)
        if use is not None and use.signs_in:
            return "sign-in"
        if use is not None and use.verifies_signature:
            return "signature"
    return ""


_PRINCIPAL_SEGMENTS = frozenset({"me", "my", "self", "current", "current-user", "currentuser", "account", "profile", "user", "member", "viewer", "whoami"})


def _own_resource_path(path: str) -> bool:
    """`DELETE /api/member/suppression`, `DELETE /account/avatar`, `DELETE /user`: a path
    naming the caller (a singular principal noun) and no record id, so the route can only
    act on the signed-in caller's own data."""
    segs = [s.lower() for s in path.split("/") if s]
    if any(s.startswith((":", "{", "(")) or "*" in s or "$" in s for s in segs):
        return False
    return any(s in _PRINCIPAL_SEGMENTS for s in segs)


def _computed_path(path: str) -> bool:
    """A route registered with a path held in a variable (`router.delete(pathCopied, h)`,
    shown `{pathCopied}`): a registration helper adding routes its callers define, whose
    purpose and guards the path cannot tell."""
    return any(len(s) > 2 and s[0] == "{" and s[-1] == "}" and s[1:-1].replace("_", "").isalnum() for s in path.split("/"))


LOGIN_NO_LIMIT = Rule(
    id="NW510",
    name="login-route-without-rate-limit",
    summary="A login-like route has no rate limiter",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    cwe=(307,),
    owasp=("A07:2021",),
    guide_section="Rate Limiting",
    family="app",
    docs=make_docs(
        what="Reports credential-guessing targets with no rate limiter (`express-rate-limit`, `rate-limiter-flexible`, `express-brute`, `express-slow-down`, `@fastify/rate-limit`, NestJS `ThrottlerGuard`/`@Throttle()`, or a custom middleware calling `limiter.consume`) in their chain, at app, router or route level: POST/PUT routes whose path looks like login, token, password reset or OTP verification, and routes whose handler signs the caller in with what they send (`req.session.user = ...`, `req.login(user)`). A route an unauthenticated client cannot reach (behind a guard that needs an existing session or token, e.g. `PUT /users/password` behind the app's auth) is not such a target, nor one whose handler reads no body, query, path parameter or credential header (a session restored from the server's own cookie) or, of the body and query, only fields that name someone rather than prove it (`POST /password/forgot` reading `req.body.email`), nor sign-out, token refresh or revocation and second-factor setup. passport's `local` strategy, basic auth or a middleware comparing `req.body.password` in the chain is the sign-in itself and keeps the route reported. When the handler or a service it calls (through imports or NestJS injection, a few calls deep) answers 429 after failures, a lock-out, the finding is low severity and names it: a lock-out keyed by the account does not stop one client trying one password on many accounts.",
        why="Unthrottled credential endpoints allow credential stuffing and brute force of passwords, reset tokens and one-time codes.",
        example="""
const express = require('express');
const app = express();
app.use(express.json());

app.post('/login', (req, res) => {
  res.json({ ok: req.body.user === 'x' });
});
""",
        use_instead="""
const express = require('express');
const rateLimit = require('express-rate-limit');
const app = express();
app.use(express.json());
const loginLimiter = rateLimit({ windowMs: 15 * 60 * 1000, limit: 10 });

app.post('/login', loginLimiter, (req, res) => {
  res.json({ ok: req.body.user === 'x' });
});
""",
        references=["https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#login-throttling", "https://www.npmjs.com/package/express-rate-limit"],
    ),
)

NO_AUTHN = Rule(
    id="NW511",
    name="state-changing-route-without-authentication",
    summary="A state-changing route has no authentication while others do",
    severity=Severity.MEDIUM,
    confidence=Confidence.LOW,
    cwe=(306,),
    owasp=("A01:2021",),
    guide_section="Authorization",
    family="app",
    docs=make_docs(
        what="In an app where some routes are authenticated, reports POST/PUT/PATCH/DELETE routes with no authentication in their chain (passport, express-jwt, a custom guard checking `req.user`/`req.session.user` and ending the request, or answering `next(new UnauthorizedError())`). `passport.initialize()`/`passport.session()` alone authenticate nothing. Routes public by purpose are exempt: login, sign-up, password reset, invitation, OAuth callback, webhook and webmention paths, handlers that sign the caller in (`req.login`, `req.session.user = ...`) or check a webhook signature (`createHmac` + `timingSafeEqual`, `webhooks.constructEvent`). Where the purpose is only a guess, the finding is low severity and says why: the route has a rate limiter of its own (as public forms and protocol endpoints do), or a helper registers it with a path computed at runtime.",
        why="A route that was forgotten when guards were added lets anonymous users change data.",
        example="""
const express = require('express');
const app = express();
function requireUser(req, res, next) {
  if (!req.session.user) return res.status(401).end();
  next();
}
app.get('/profile', requireUser, (req, res) => res.json(req.session.user));
app.post('/notes', (req, res) => res.status(201).end());
""",
        use_instead="""
const express = require('express');
const app = express();
function requireUser(req, res, next) {
  if (!req.session.user) return res.status(401).end();
  next();
}
app.get('/profile', requireUser, (req, res) => res.json(req.session.user));
app.post('/notes', requireUser, (req, res) => res.status(201).end());
""",
        references=["https://owasp.org/Top10/A01_2021-Broken_Access_Control/"],
    ),
)

NO_CSRF = Rule(
    id="NW512",
    name="cookie-session-route-without-csrf",
    summary="A state-changing route of a cookie-session app has no CSRF protection",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    cwe=(352,),
    owasp=("A01:2021",),
    guide_section="CSRF",
    family="app",
    docs=make_docs(
        what="Reports state-changing routes behind `express-session`/`cookie-session` with no CSRF middleware (`csurf`, `csrf-csrf`, `csrf-sync`, `lusca.csrf`, or a custom token check) in their chain, when another site can trigger them: POST routes a plain form can reach (no body read, or a form-decoding body parser), and every method when CORS reflects any origin with credentials. Not routes whose every authentication middleware signs the caller in from a token the request carries and never from the cookie (`passport.authenticate(['bearer'], { session: false })`, also inside a permission factory): there the session (often kept only for an SSO sign-in) authorizes nothing, and a cross-site form cannot attach the token. Nor an unauthenticated route whose code (handler, or a middleware of its own) neither reads the session (also `req.sessionID`, or destructured: `({ session }, res)`), the signed-in user or a cookie nor sets one (`res.cookie`, a sign-in, `req.logout()`), and that no app-wide middleware of the project copies the session's user onto the request for (`req.userId = req.session.uid`): a forged request carries the victim's cookies, and such a route does not use them (a sign-in that sets a cookie or a session is reported: login CSRF).",
        why="The browser attaches the session cookie to cross-site form posts, so another site can make a logged-in user change their data.",
        example="""
const express = require('express');
const session = require('express-session');
const app = express();
app.use(session({ secret: process.env.SESSION_SECRET, resave: false, saveUninitialized: false }));
app.post('/email', (req, res) => res.json({ user: req.session.userId, email: String(req.query.email) }));
""",
        use_instead="""
const express = require('express');
const session = require('express-session');
const { csrfSync } = require('csrf-sync');
const { csrfSynchronisedProtection } = csrfSync();
const app = express();
app.use(session({ secret: process.env.SESSION_SECRET, resave: false, saveUninitialized: false }));
app.use(csrfSynchronisedProtection);
app.post('/email', (req, res) => res.json({ user: req.session.userId, email: String(req.query.email) }));
""",
        references=["https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html", "https://www.npmjs.com/package/csrf-sync"],
    ),
)

NO_AUTHZ = Rule(
    id="NW513",
    name="destructive-route-without-authorization",
    summary="A DELETE or admin route has no authorization check",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    cwe=(862,),
    owasp=("A01:2021",),
    guide_section="Authorization",
    family="app",
    supersedes=("NW511",),
    docs=make_docs(
        what="Reports DELETE routes and state-changing routes under an `/admin`-like path with no authorization (role or permission check) in their middleware chain or handler, such as the guide's `DELETE /users/:id`. Permission checks are recognised by what they do (a role/permission test that answers 403 or a `ForbiddenError`-like class, also inside a callback such as `passport.authenticate(...)(req, res, cb)`) and by name (`requirePermission(...)`, `can('delete')`). `DELETE /session`, `/logout` and `/me` act on the caller alone and are not reported, nor an authenticated route whose path names the caller and no record (`DELETE /account/avatar`, `DELETE /api/member/suppression`), nor a handler whose delete is keyed by the signed-in principal (`tokens.revoke(req.user.name, req.params.key)`, `ctx.state.user.id`). Routes a helper registers with a path computed at runtime are reported at low severity.",
        why="Authentication alone lets any logged-in user (or anyone, without it) delete other users' data or perform admin actions.",
        example="""
const express = require('express');
const User = require('./user-model');
const router = express.Router();
router.delete('/users/:id', async (req, res) => {
  await User.deleteOne({ _id: req.params.id });
  res.status(204).end();
});
module.exports = router;
""",
        use_instead="""
const express = require('express');
const User = require('./user-model');
const router = express.Router();
function requireRole(role) {
  return (req, res, next) => {
    if (!req.user || req.user.role !== role) return res.status(403).end();
    next();
  };
}
router.delete('/users/:id', requireRole('admin'), async (req, res) => {
  await User.deleteOne({ _id: req.params.id });
  res.status(204).end();
});
module.exports = router;
""",
        references=["https://owasp.org/Top10/A01_2021-Broken_Access_Control/", "https://cheatsheetseries.owasp.org/cheatsheets/Authorization_Cheat_Sheet.html"],
    ),
)

NO_VALIDATION = Rule(
    id="NW211",
    name="route-body-without-validation",
    summary="A state-changing route reads the request body without validation",
    severity=Severity.LOW,
    confidence=Confidence.LOW,
    cwe=(20,),
    owasp=("A03:2021",),
    guide_section="Input Validation and Sanitization",
    family="app",
    docs=make_docs(
        what="Reports POST/PUT/PATCH routes whose handler reads `req.body` while no validation middleware (express-validator chains, celebrate, a Joi/zod/yup/ajv schema check) is in the chain and the handler validates nothing itself.",
        why="Unvalidated bodies are where type confusion, operator injection and mass assignment start; a schema at the edge stops whole classes of bugs.",
        example="""
const express = require('express');
const app = express();
app.use(express.json());
app.post('/users', (req, res) => {
  res.status(201).json({ name: req.body.name });
});
""",
        use_instead="""
const express = require('express');
const { body, validationResult } = require('express-validator');
const app = express();
app.use(express.json());
app.post('/users', body('name').isString().isLength({ max: 80 }), (req, res) => {
  if (!validationResult(req).isEmpty()) return res.status(400).end();
  res.status(201).json({ name: req.body.name });
});
""",
        references=["https://cheatsheetseries.owasp.org/cheatsheets/Input_Validation_Cheat_Sheet.html", "https://express-validator.github.io/docs/"],
    ),
)

RULES: tuple[Rule, ...] = (NO_VALIDATION, LOGIN_NO_LIMIT, NO_AUTHN, NO_CSRF, NO_AUTHZ)


def _at(rule: Rule, route: Route, message: str, fix: str) -> Finding:
    snippet = route.snippet or f"{route.method} {route.path}"
    return finding_at(rule, route.reg_file or route.file, route.reg_line or route.line, route.reg_col or 1, snippet, message, fix, key=f"{route.method} {route.path}")


def _lowered(f: Finding) -> Finding:
    """A route finding whose premise (what the route is for) is a guess: low severity."""
    return replace(f, severity=Severity.LOW)


def _token_authenticated(r: Route, code: HandlerCode | None) -> bool:
    """Every authentication middleware of the route signs the caller in from a token the
    request carries, never from the cookie (`passport.authenticate(['bearer'], { session:
    false })`): the session next to it (an SSO sign-in's) authorizes nothing on this route,
    and a cross-site form cannot attach a bearer token."""
    auths = [m for m in r.middleware if "authentication" in m.categories]
    return code is not None and bool(auths) and all(code.token_authenticated(m.ref or m.factory) for m in auths)


def _rides_on_cookies(r: Route, p: dict[str, Middleware | None], code: HandlerCode | None) -> bool:
    """Does what the route does depend on the cookies a forged request would carry?  Yes when
    an authentication middleware admits the caller (by the session, tokens are excluded
    above); otherwise only when the handler, or a middleware of the route or its router, reads
    the session, the signed-in principal or a cookie, or sets one (a sign-in: login CSRF).
    An unauthenticated `POST /password/forgot` that reads only the body gives a forger nothing
    they could not send themselves.  Unknown code counts as yes."""
    if p.get("authentication") is not None or code is None:
        return True
    use = code.use(r.handler_ref, r.framework)
    if use is None or use.escapes or use.cookie_state:
        return True
    for m in r.middleware:
        ref = m.ref or m.factory
        if ref is None or "error_handler" in m.categories or code.token_authenticated(ref):
            continue
        mw = code.use(ref, r.framework)
        if m.scope != "global":
            if mw is None or mw.escapes or mw.cookie_state:
                return True
        elif mw is not None and mw.cookie_state and mw.sets_request_state:
            # An app-wide middleware of the project copying the session's user onto the request
            # (`req.userId = req.session.uid`): the handlers behind it read it under its name.
            return True
    return False


def _csrf_reachable(r: Route, reads_body: dict[tuple[str, str], bool]) -> bool:
    """Can another site make the browser send this request with the session cookie?

    With a CORS policy reflecting any origin with credentials, always.  Otherwise only a
    plain form can: POST only (PUT/PATCH/DELETE need a preflight), and if the handler reads a
    body, only when a form-decoding parser (urlencoded, text, multipart) is in the chain; an API
    that parses JSON only is out of a form's reach.
    """
    if any("cors" in m.categories and m.option == "any-origin-with-credentials" for m in r.middleware):
        return True
    if r.method != "POST":
        return False
    parsers = [m for m in r.middleware if "body_parser" in m.categories]
    reads = r.handler_ref is not None and reads_body.get(r.handler_ref, False)
    if not reads:
        return True
    return not parsers or any(m.option != "json" for m in parsers)


def body_expression(framework: str, params: tuple[str, ...]) -> str:
    """How a handler names the request body: `req.body`, `request.body` (Fastify),
    `ctx.request.body` (Koa), `@Body()` (NestJS), from its first parameter's name."""
    if framework == "nest":
        return "@Body()"
    first = params[0] if params and params[0] else {"koa": "ctx", "fastify": "request"}.get(framework, "req")
    return f"{first}.request.body" if framework == "koa" else f"{first}.body"


def check_routes(
    model: AppModel,
    reads_body: dict[tuple[str, str], bool],
    body_names: dict[tuple[str, str], str] | None = None,
    code: HandlerCode | None = None,
) -> list[Finding]:
    """Route protection findings (NW211, NW510-NW513) over the linked route table.

    `body_names` gives, per handler, the body expression as its code writes it (messages);
    `code` reads handlers' source for the few routes about to be reported (what they read,
    whether they delete only the caller's own records)."""
    out: list[Finding] = []
    routes = model.routes
    any_auth = any(r.protections.get("authentication") for r in routes)
    # Limiters shared with an authenticated route throttle an API, not a public endpoint.
    guarded_limiters = {(m.path, m.line) for r in routes if r.protections.get("authentication") for m in r.middleware if "rate_limit" in m.categories}
    # A router never seen mounted (mounted in a loop, by a computed path...) may still sit behind
    # an app's global middleware: credit it with whatever every app applies globally.
    global_cats = set.intersection(*({c for m in app.global_middleware for c in m.categories} for app in model.apps)) if model.apps else set()
    for r in routes:
        p = dict(r.protections)
        if not r.mounted:
            for cat in global_cats:
                if p.get(cat) is None and cat in p:
                    p[cat] = next(m for app in model.apps for m in app.global_middleware if cat in m.categories)
        changing = r.method in _STATE_CHANGING
        target = _guessing_target(r, code) if is_login_like(r) and not p.get("rate_limit") else ""
        if target == "identifiers":
            use = code.use(r.handler_ref, r.framework) if code is not None else None
            fields = ", ".join(f"`{f}`" for f in sorted(use.fields or ())) if use is not None else ""
            out.append(_lowered(_at(LOGIN_NO_LIMIT, r, f"Login-like route `{r.method} {r.path}` has no rate limiter; it takes no secret ({fields or 'no field'}), so nothing is guessed here, but unthrottled it floods mailboxes and enumerates accounts", "Add `express-rate-limit` (or rate-limiter-flexible) to this route or its router.")))
        elif target:
            lock = code.lockout(r.handler_ref) if code is not None else ""
            if lock:
                # A lock-out keyed by the account stops guessing one password, not trying one
                # password on many accounts, and lets anyone lock others out.
                out.append(_lowered(_at(LOGIN_NO_LIMIT, r, f"Login-like route `{r.method} {r.path}` has no rate limiter; {lock} answers 429 after failures (a lock-out), which does not throttle one client trying many accounts", "Add a per-client limiter (`express-rate-limit`, `@fastify/rate-limit`, NestJS `ThrottlerGuard`) in front of the lock-out.")))
            else:
                out.append(_at(LOGIN_NO_LIMIT, r, f"Login-like route `{r.method} {r.path}` has no rate limiter", "Add `express-rate-limit` (or rate-limiter-flexible) to this route or its router."))
        computed = _computed_path(r.path)
        destructive = (r.method == "DELETE" and not _SELF.search(r.path)) or (changing and bool(_ADMIN.search(r.path)))
        unauthenticated = not p.get("authentication") and not p.get("authorization")
        own = False
        if destructive and not p.get("authorization"):
            own = (not unauthenticated and _own_resource_path(r.path)) and not _ADMIN.search(r.path)
            if not own and code is not None:
                use = code.use(r.handler_ref, r.framework)
                own = use is not None and use.deletes_own
        purpose = _authenticates_caller(r, code) if needs_authentication(r) and any_auth and unauthenticated and not own else ""
        if purpose == "sign-in" and not p.get("rate_limit") and not is_login_like(r):
            # A sign-in found by what the handler does (`POST /enter` setting `req.session.user`).
            out.append(_at(LOGIN_NO_LIMIT, r, f"`{r.method} {r.path}` signs the caller in with what they send and has no rate limiter", "Add `express-rate-limit` (or rate-limiter-flexible) to this route or its router."))
        if needs_authentication(r) and any_auth and unauthenticated and not own and not purpose:
            limiter = p.get("rate_limit")
            if computed:
                out.append(_lowered(_at(NO_AUTHN, r, f"`{r.method} {r.path}` changes state without authentication (its path is computed at runtime: a helper registering routes for its callers; check them)", "Put the app's authentication middleware in front of the routes this helper registers, or in the helper.")))
            elif limiter is not None and limiter in r.middleware and (limiter.scope != "global" or not r.mounted) and (limiter.path, limiter.line) not in guarded_limiters:
                # A limiter of the route or its router (an unmounted router's own `use()` is
                # walked as global), not one the whole app applies to every route, nor one an
                # API router shares with its authenticated routes.
                out.append(_lowered(_at(NO_AUTHN, r, f"`{r.method} {r.path}` changes state without authentication; it has a rate limiter of its own (`{limiter.name[:40]}`), as public endpoints do: if it is public by design (a form, a protocol endpoint), suppress this", "Put the app's authentication middleware in front of this route if it is not meant to be public.")))
            else:
                out.append(_at(NO_AUTHN, r, f"`{r.method} {r.path}` changes state without authentication", "Put the app's authentication middleware in front of this route."))
        if (
            changing
            and any("session" in m.categories for m in r.middleware)
            and not p.get("csrf")
            and _csrf_reachable(r, reads_body)
            and not _token_authenticated(r, code)
            and _rides_on_cookies(r, p, code)
        ):
            out.append(_at(NO_CSRF, r, f"`{r.method} {r.path}` uses a cookie session without CSRF protection", "Register csrf-sync/csrf-csrf (or lusca.csrf) before the routes, or use SameSite=strict cookies plus an origin check."))
        if destructive and not p.get("authorization") and not own:
            if computed:
                out.append(_lowered(_at(NO_AUTHZ, r, f"`{r.method} {r.path}` has no role or permission check (its path is computed at runtime: a helper registering routes for its callers; check them)", "Add an authorization check to the routes this helper registers, or in the helper.")))
            else:
                out.append(_at(NO_AUTHZ, r, f"`{r.method} {r.path}` has no role or permission check", "Add an authorization middleware (role/permission or ownership check) to this route."))
        if r.method in ("POST", "PUT", "PATCH") and r.handler_ref is not None and reads_body.get(r.handler_ref) and not p.get("validation"):
            body = (body_names or {}).get(r.handler_ref, "req.body")
            out.append(_at(NO_VALIDATION, r, f"`{r.method} {r.path}` reads `{body}` without validation", "Validate the body with express-validator, celebrate/Joi, zod or ajv before the handler."))
    return out
