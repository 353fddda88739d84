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
    "local_framework_qn",
    "looks_like_route_path",
    "relative_router",
]

HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "del", "options", "head", "all"})
REGISTRATION_METHODS = HTTP_METHODS | {"use", "route", "register", "disable", "set", "enable", "setErrorHandler", "addHook", "param"}

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


# Local names that, bound to a project-relative module, mean the framework itself: Express's
# own examples and forks/vendored copies load it as `const express = require('../..')`.
_FRAMEWORK_LOCAL_NAMES = {"express": "express", "Koa": "koa", "koa": "koa", "fastify": "fastify", "Fastify": "fastify"}


def local_framework_qn(spec: str, local: str, qn: str) -> str:
    """The qualified name of a project-relative import: the framework's own name when it is
    bound to the framework's usual local name (`const express = require('../..')`), else `qn`.

    A relative module's `.Router()` is handled separately (`relative_router`)."""
    if spec.startswith((".", "/")) and local in _FRAMEWORK_LOCAL_NAMES:
        return _FRAMEWORK_LOCAL_NAMES[local]
    return qn


def relative_router(qn: str) -> bool:
    """`lib.Router()` / `{ Router } = require('../lib')` on a project-relative module whose
    exports are not known here: an Express router.  Only routes registered on it with path
    strings appear, so a local module that merely exports some other `Router()` adds nothing."""
    return qn.startswith(".") and qn.endswith(".Router")


def looks_like_route_path(text: str) -> bool:
    """Route paths start with `/` or `*`; settings names (`app.get('port')`) do not."""
    return text.startswith(("/", "*")) or text == ""
