"""Framework shapes: which values are apps/routers and which calls register routes.

Express 4/5 (`express()`, `express.Router()`), Koa (`new Koa()`, `koa-router`,
`@koa/router`), Fastify (`fastify()`, `fastify.route`, plugins registered with a
prefix).  NestJS controllers are read from decorators (see `nest.py`).
"""

from __future__ import annotations

__all__ = [
    "HTTP_METHODS",
    "INSTANCE_QNS",
    "REGISTRATION_METHODS",
    "SECURITY_HEADERS",
    "instance_kind",
    "looks_like_route_path",
]

HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "del", "options", "head", "all"})
REGISTRATION_METHODS = HTTP_METHODS | {"use", "route", "register", "disable", "set", "enable", "setErrorHandler", "addHook"}

INSTANCE_QNS: dict[str, str] = {
    "express()": "express-app",
    "express.default()": "express-app",
    "express.Router()": "express-router",
    "express.default.Router()": "express-router",
    "express.Router.Router()": "express-router",
    "koa()": "koa-app",
    "koa.default()": "koa-app",
    "@koa/router()": "koa-router",
    "koa-router()": "koa-router",
    "@koa/router.default()": "koa-router",
    "koa-router.default()": "koa-router",
    "fastify()": "fastify",
    "fastify.fastify()": "fastify",
    "fastify.default()": "fastify",
}

SECURITY_HEADERS = frozenset(
    {
        "content-security-policy",
        "strict-transport-security",
        "x-frame-options",
        "x-content-type-options",
        "referrer-policy",
        "cross-origin-opener-policy",
        "cross-origin-resource-policy",
        "permissions-policy",
    }
)


def instance_kind(qn: str) -> str:
    """The app/router kind created by a call with this qualified name, or ''."""
    return INSTANCE_QNS.get(qn, "")


def looks_like_route_path(text: str) -> bool:
    """Route paths start with `/` or `*`; settings names (`app.get('port')`) do not."""
    return text.startswith(("/", "*")) or text == ""
