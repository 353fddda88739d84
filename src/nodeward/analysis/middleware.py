"""Middleware classification: which protection a middleware provides.

Known packages are recognised from the qualified name of the middleware
expression (`passport.authenticate()`, `express-rate-limit()`, a destructured
`csrf-csrf.doubleCsrf().doubleCsrfProtection`).  Custom functions are judged by
what they do (see `GuardInfo`, filled by the walker): a function that checks
`req.session.user`/`req.user`/a verified token and ends the request otherwise is
authentication; one that checks roles or permissions is authorization.
"""

from __future__ import annotations

__all__ = ["CATEGORIES", "ERROR_HANDLER_SETUP", "PROTECTIONS", "classify_qn"]

PROTECTIONS = ("authentication", "authorization", "validation", "rate_limit", "csrf")
CATEGORIES = (*PROTECTIONS, "helmet", "session", "body_parser", "cors", "router", "static", "nosql_sanitize", "error_handler", "setup", "")
"""`setup`: wiring that protects nothing by itself (`passport.initialize()`)."""

_PREFIXES: tuple[tuple[str, str], ...] = (
    # `passport.initialize()` only installs passport on the request and `passport.session()`
    # restores a user when there is one: neither turns anyone away (the name alone would
    # have counted them as authentication for every route).
    ("passport.initialize", "setup"),
    ("passport.session", "setup"),
    ("passport.authenticate", "authentication"),
    ("passport.authorize", "authentication"),
    ("express-jwt", "authentication"),
    ("koa-jwt", "authentication"),
    ("koa-passport.authenticate", "authentication"),
    ("@fastify/jwt", "authentication"),
    ("express-openid-connect.requiresAuth", "authentication"),
    ("connect-ensure-login", "authentication"),
    ("express-basic-auth", "authentication"),
    ("@nestjs/passport.AuthGuard", "authentication"),
    ("express-oauth2-jwt-bearer", "authentication"),
    ("express-jwt-permissions", "authorization"),
    ("accesscontrol", "authorization"),
    ("casl", "authorization"),
    ("express-validator", "validation"),
    ("celebrate", "validation"),
    ("express-joi-validation", "validation"),
    ("express-zod-api", "validation"),
    ("zod-express-middleware", "validation"),
    ("express-openapi-validator", "validation"),
    ("express-json-validator-middleware", "validation"),
    ("express-rate-limit", "rate_limit"),
    ("rate-limiter-flexible", "rate_limit"),
    ("express-brute", "rate_limit"),
    ("express-slow-down", "rate_limit"),
    ("koa-ratelimit", "rate_limit"),
    ("@fastify/rate-limit", "rate_limit"),
    ("fastify-rate-limit", "rate_limit"),
    ("@nestjs/throttler", "rate_limit"),
    ("csurf", "csrf"),
    ("csrf-csrf", "csrf"),
    ("csrf-sync", "csrf"),
    ("lusca.csrf", "csrf"),
    ("@fastify/csrf-protection", "csrf"),
    ("koa-csrf", "csrf"),
    ("tiny-csrf", "csrf"),
    ("express-mongo-sanitize", "nosql_sanitize"),
    ("@exortek/express-mongo-sanitize", "nosql_sanitize"),
    ("helmet", "helmet"),
    ("koa-helmet", "helmet"),
    ("@fastify/helmet", "helmet"),
    ("lusca", "helmet"),
    ("express-session", "session"),
    ("cookie-session", "session"),
    ("koa-session", "session"),
    ("@fastify/session", "session"),
    ("@fastify/secure-session", "session"),
    ("body-parser", "body_parser"),
    ("express.json", "body_parser"),
    ("express.urlencoded", "body_parser"),
    ("express.text", "body_parser"),
    ("express.raw", "body_parser"),
    ("koa-body", "body_parser"),
    ("koa-bodyparser", "body_parser"),
    ("cors", "cors"),
    ("@koa/cors", "cors"),
    ("express.static", "static"),
    ("serve-static", "static"),
    ("koa-static", "static"),
    ("errorhandler", "error_handler"),
    ("@sentry/node.Handlers.errorHandler", "error_handler"),
    ("@sentry/node.expressErrorHandler", "error_handler"),
)

ERROR_HANDLER_SETUP = frozenset({"@sentry/node.setupExpressErrorHandler", "@sentry/bun.setupExpressErrorHandler", "@sentry/nestjs.setupNestErrorHandler"})
"""Package calls that install an error handler on the app they are given (Sentry v8+)."""

_NOT_MIDDLEWARE = ("express-validator.validationResult", "express-validator.matchedData")


def classify_qn(qn: str) -> str:
    """The category of a middleware expression from its qualified name, or ''."""
    if not qn or qn.startswith(_NOT_MIDDLEWARE):
        return ""
    for prefix, category in _PREFIXES:
        if qn == prefix or qn.startswith((prefix + ".", prefix + "(")):
            return category
    return ""
