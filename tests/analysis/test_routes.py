"""Exact route tables of the test apps (method, full path, handler file:line, protections)."""

from __future__ import annotations

from pathlib import Path

from nodeward.analysis.appmodel import Route
from tests.analysis.helpers import link, scan_app
from tests.conftest import ROOT

APPS = ROOT / "tests" / "apps"
P = ("authentication", "authorization", "csrf", "rate_limit", "validation")


def table(routes: list[Route]) -> dict[tuple[str, str], tuple[str, int, dict[str, str | None]]]:
    out = {}
    for r in routes:
        out[(r.method, r.path)] = (r.file, r.line, {k: (v.name if v is not None else None) for k, v in r.protections.items()})
    return out


def prot(**kw: str) -> dict[str, str | None]:
    return {k: kw.get(k) for k in P}


def test_express_multi_file_route_table() -> None:
    linked = link(APPS / "routes-express")
    csrf = "csrfSynchronisedProtection"
    assert table(linked.model.routes) == {
        ("POST", "/api/login"): ("lib/auth-controller.js", 1, prot(rate_limit="loginLimiter", csrf=csrf, validation="handler")),
        ("GET", "/api/users"): ("routes/users.js", 7, prot(csrf=csrf)),
        ("GET", "/api/users/:id"): ("routes/users.js", 15, prot(authentication="requireUser", csrf=csrf)),
        ("PUT", "/api/users/:id"): ("routes/users.js", 18, prot(authentication="requireUser", csrf=csrf, validation="body('name').isString()")),
        ("DELETE", "/api/admin/users/:id"): ("routes/admin.js", 8, prot(authentication="requireUser", authorization="requireRole('admin')", csrf=csrf)),
        ("POST", "/api/admin/reindex"): ("routes/admin.js", 12, prot(authentication="requireUser", csrf=csrf)),
        ("GET", "/healthz"): ("routes/health.js", 3, prot(csrf=csrf)),
        ("POST", "/metrics/flush"): ("routes/health.js", 7, prot(csrf=csrf)),
    }
    assert all(r.mounted for r in linked.model.routes)


def test_express_middleware_chain_is_ordered_global_router_route() -> None:
    linked = link(APPS / "routes-express")
    route = next(r for r in linked.model.routes if (r.method, r.path) == ("DELETE", "/api/admin/users/:id"))
    assert [(m.name, m.scope) for m in route.middleware] == [
        ("helmet()", "global"),
        ("express.json({ limit: '100kb' })", "global"),
        ("session(…)", "global"),
        ("csrfSynchronisedProtection", "global"),
        ("requireUser", "router"),
        ("requireRole('admin')", "route"),
    ]
    # Router-level middleware registered after a route does not guard it.
    users = next(r for r in linked.model.routes if (r.method, r.path) == ("GET", "/api/users"))
    assert "requireUser" not in [m.name for m in users.middleware]


def test_express_app_facts() -> None:
    linked = link(APPS / "routes-express")
    (app,) = linked.model.apps
    assert (app.path, app.line, app.kind) == ("app.js", 9, "express-app")
    assert app.has_error_handler and app.powered_by_disabled
    assert any("helmet" in m.categories for m in app.global_middleware)


def test_koa_route_table() -> None:
    linked = link(APPS / "routes-koa")
    jwt = "jwt(…)"
    assert table(linked.model.routes) == {
        ("GET", "/status"): ("server.js", 14, prot()),
        ("GET", "/api/items"): ("server.js", 20, prot(authentication=jwt)),
        ("POST", "/api/items"): ("server.js", 24, prot(authentication=jwt)),
    }
    assert {r.framework for r in linked.model.routes} == {"koa"}


def test_fastify_route_table() -> None:
    linked = link(APPS / "routes-fastify")
    assert table(linked.model.routes) == {
        ("GET", "/ping"): ("server.js", 10, prot()),
        ("POST", "/login"): ("server.js", 15, prot()),
        ("POST", "/orders/:id/cancel"): ("server.js", 18, prot(authentication="verifyUser")),
        ("GET", "/v1/orders"): ("plugins/orders.js", 2, prot()),
        ("DELETE", "/v1/orders/:id"): ("plugins/orders.js", 4, prot()),
    }


def test_nest_controller_route_table() -> None:
    linked = link(APPS / "routes-nest")
    ctl = "src/users/users.controller.ts"
    auth = "AuthGuard('jwt')"
    limit = "new ThrottlerGuard()"  # app.useGlobalGuards in src/main.ts
    pipe = "new ValidationPipe({ whitelist: true })"  # app.useGlobalPipes
    assert table(linked.model.routes) == {
        ("GET", "/users"): (ctl, 12, prot(authentication=auth, rate_limit=limit, validation=pipe)),
        ("GET", "/users/:id"): (ctl, 17, prot(authentication=auth, rate_limit=limit, validation=pipe)),
        ("POST", "/users"): (ctl, 22, prot(authentication=auth, rate_limit=limit, validation=pipe)),
        ("DELETE", "/users/:id"): (ctl, 28, prot(authentication=auth, authorization="RolesGuard", rate_limit=limit, validation=pipe)),
    }


def test_router_mounted_in_a_loop_is_listed_unmounted() -> None:
    linked = link(APPS / "taint-bad")
    rows = {(r.method, r.path, r.file, r.line, r.mounted) for r in linked.model.routes}
    assert rows == {
        ("GET", "/ping", "app.js", 16, True),
        ("GET", "/one", "router-one.js", 3, False),
        ("POST", "/two", "router-two.js", 3, False),
    }


def test_imported_packages_for_reachability() -> None:
    linked = link(APPS / "routes-express")
    assert linked.imported_packages == {
        "csrf-sync": ("app.js",),
        "express": ("app.js", "routes/admin.js", "routes/index.js", "routes/users.js"),
        "express-rate-limit": ("middleware/limits.js",),
        "express-session": ("app.js",),
        "express-validator": ("routes/users.js",),
        "helmet": ("app.js",),
    }


def test_typescript_controllers_services_and_tsconfig_paths() -> None:
    linked = link(APPS / "routes-ts")
    limit = "rateLimit({ windowMs: 60_000, limit: 100 })"
    ctl = "src/controllers/users.ts"
    assert table(linked.model.routes) == {
        ("GET", "/api/v1/users"): (ctl, 6, prot(authentication="authenticate", rate_limit=limit)),
        ("GET", "/api/v1/users/:id"): (ctl, 10, prot(authentication="authenticate", rate_limit=limit)),
        ("POST", "/api/v1/users"): (ctl, 15, prot(rate_limit=limit)),
        ("DELETE", "/api/v1/users/:id"): (ctl, 20, prot(authentication="authenticate", authorization="authorize('admin')", rate_limit=limit)),
    }


def test_unmounted_router_is_credited_with_global_protections(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_text(
        "const express = require('express');\n"
        "const rateLimit = require('express-rate-limit');\n"
        "const app = express();\n"
        "app.use(rateLimit({ limit: 10 }));\n"
        "for (const r of [require('./auth')]) app.use(r);\n"
    )
    (tmp_path / "auth.js").write_text(
        "const router = require('express').Router();\n"
        "router.post('/login', (req, res) => res.json({ ok: req.body.password === 'x' }));\n"
        "module.exports = router;\n"
    )
    assert not any(f.rule_id == "NW510" for f in scan_app(tmp_path).findings)
    (tmp_path / "app.js").write_text("const express = require('express');\nconst app = express();\n")
    assert any(f.rule_id == "NW510" and f.path == "auth.js" for f in scan_app(tmp_path).findings)


def test_wrapped_handlers_are_unwrapped(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_text(
        "const express = require('express');\n"
        "const asyncHandler = require('express-async-handler');\n"
        "const controller = require('./controller');\n"
        "const app = express();\n"
        "const catchAsync = (fn) => (req, res, next) => fn(req, res, next).catch(next);\n"
        "app.post('/a', asyncHandler(async (req, res) => {\n"
        "  res.json({ n: req.body.n });\n"
        "}));\n"
        "app.post('/b', catchAsync(controller.create));\n"
        "app.get('/c', asyncHandler(async (request, response) => {\n"
        "  response.redirect(request.query.to);\n"
        "}));\n"
    )
    (tmp_path / "controller.js").write_text("exports.create = async (req, res) => {\n  res.json({ name: req.body.name });\n};\n")
    linked = link(tmp_path)
    assert {(r.method, r.path, r.file, r.line) for r in linked.model.routes} == {
        ("POST", "/a", "app.js", 6),
        ("POST", "/b", "controller.js", 1),
        ("GET", "/c", "app.js", 10),
    }
    found = {(f.rule_id, f.line) for f in scan_app(tmp_path).findings if f.path == "app.js" and f.rule_id in ("NW211", "NW116")}
    assert found == {("NW211", 6), ("NW211", 9), ("NW116", 11)}


def test_fastify_request_hooks_are_global_middleware(tmp_path: Path) -> None:
    (tmp_path / "server.js").write_text(
        "const fastify = require('fastify')();\n"
        "fastify.get('/public', async () => ({}));\n"
        "fastify.addHook('onRequest', async (request, reply) => {\n"
        "  if (!request.headers.authorization) {\n"
        "    return reply.code(401).send();\n"
        "  }\n"
        "});\n"
        "fastify.addHook('onSend', async () => {});\n"
        "fastify.delete('/things/:id', async () => ({}));\n"
    )
    linked = link(tmp_path)
    assert table(linked.model.routes) == {
        ("GET", "/public"): ("server.js", 2, prot()),
        ("DELETE", "/things/:id"): ("server.js", 9, prot(authentication="async (request, reply) => {")),
    }


def test_schema_validators_as_custom_middleware(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_text(
        "const express = require('express');\n"
        "const Ajv = require('ajv');\n"
        "const { z } = require('zod');\n"
        "const ajv = new Ajv();\n"
        "const app = express();\n"
        "const checkNote = ajv.compile({ type: 'object' });\n"
        "const validate = (schema) => (req, res, next) => {\n"
        "  const parsed = schema.safeParse(req.body);\n"
        "  if (!parsed.success) return res.status(400).end();\n"
        "  next();\n"
        "};\n"
        "function ajvBody(req, res, next) {\n"
        "  if (!checkNote(req.body)) return res.status(400).end();\n"
        "  next();\n"
        "}\n"
        "app.post('/a', validate(z.object({ name: z.string() })), (req, res) => res.json(req.body));\n"
        "app.post('/b', ajvBody, (req, res) => res.json(req.body));\n"
        "app.post('/c', (req, res) => res.json(req.body));\n"
    )
    linked = link(tmp_path)
    got = {r.path: (r.protections["validation"].name if r.protections["validation"] else None) for r in linked.model.routes}
    assert got == {"/a": "validate(z.object({ name: z.string() }))", "/b": "ajvBody", "/c": None}


def test_app_factory_with_helmet_and_error_handler_from_other_files(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_text(
        "const express = require('express');\n"
        "const security = require('./security');\n"
        "const errors = require('./errors');\n"
        "function createApp() {\n"
        "  const app = express();\n"
        "  security(app);\n"
        "  app.get('/ok', (req, res) => res.send('ok'));\n"
        "  errors(app);\n"
        "  return app;\n"
        "}\n"
        "module.exports = createApp;\n"
    )
    (tmp_path / "security.js").write_text("const helmet = require('helmet');\nmodule.exports = (app) => {\n  app.use(helmet());\n};\n")
    (tmp_path / "errors.js").write_text("module.exports = function registerErrors(app) {\n  app.use((err, req, res, next) => res.status(500).end());\n};\n")
    result = scan_app(tmp_path)
    assert not [f for f in result.findings if f.rule_id in ("NW401", "NW450", "NW451")]
    (tmp_path / "app.js").write_text((tmp_path / "app.js").read_text().replace("  security(app);\n", "").replace("  errors(app);\n", ""))
    assert {f.rule_id for f in scan_app(tmp_path).findings if f.rule_id.startswith("NW4")} >= {"NW401", "NW450", "NW451"}


def test_koa_custom_guards_and_nested_router_prefixes(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_text(
        "const Koa = require('koa');\n"
        "const Router = require('@koa/router');\n"
        "const app = new Koa();\n"
        "const api = new Router({ prefix: '/api' });\n"
        "const admin = new Router();\n"
        "async function requireUser(ctx, next) {\n"
        "  if (!ctx.state.user) {\n"
        "    ctx.throw(401, 'login required');\n"
        "  }\n"
        "  await next();\n"
        "}\n"
        "const requireAdmin = async (ctx, next) => {\n"
        "  if (ctx.state.user.role !== 'admin') ctx.throw(403);\n"
        "  await next();\n"
        "};\n"
        "admin.delete('/users/:id', requireAdmin, async (ctx) => { ctx.status = 204; });\n"
        "api.use(requireUser);\n"
        "api.use('/admin', admin.routes());\n"
        "api.get('/me', async (ctx) => { ctx.body = ctx.state.user; });\n"
        "app.use(api.routes());\n"
    )
    assert table(link(tmp_path).model.routes) == {
        ("DELETE", "/api/admin/users/:id"): ("app.js", 16, prot(authentication="requireUser", authorization="requireAdmin")),
        ("GET", "/api/me"): ("app.js", 19, prot(authentication="requireUser")),
    }


def test_all_star_with_next_is_middleware(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_text(
        "const express = require('express');\n"
        "const app = express();\n"
        "app.get('/health', (req, res) => res.end());\n"
        "app.all('*', function requireUser(req, res, next) {\n"
        "  if (!req.user) return res.sendStatus(401);\n"
        "  next();\n"
        "});\n"
        "app.post('/notes', (req, res) => res.end());\n"
    )
    assert table(link(tmp_path).model.routes) == {
        ("GET", "/health"): ("app.js", 3, prot()),
        ("POST", "/notes"): ("app.js", 8, prot(authentication="requireUser")),
    }


def test_ownership_check_in_handler_is_authorization(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_text(
        "const express = require('express');\n"
        "const Note = require('./note');\n"
        "const app = express();\n"
        "function requireUser(req, res, next) {\n"
        "  if (!req.user) return res.status(401).end();\n"
        "  next();\n"
        "}\n"
        "app.delete('/notes/:id', requireUser, async (req, res) => {\n"
        "  const note = await Note.findById(req.params.id);\n"
        "  if (note.ownerId !== req.user.id) {\n"
        "    return res.status(403).end();\n"
        "  }\n"
        "  await note.deleteOne();\n"
        "  res.status(204).end();\n"
        "});\n"
        "app.delete('/tags/:id', requireUser, async (req, res) => res.status(204).end());\n"
    )
    routes = {r.path: r for r in link(tmp_path).model.routes}
    authz = routes["/notes/:id"].protections["authorization"]
    assert authz is not None and authz.scope == "handler" and "ownership" in authz.evidence
    assert routes["/tags/:id"].protections["authorization"] is None
    assert {(f.rule_id, f.line) for f in scan_app(tmp_path).findings if f.rule_id == "NW513"} == {("NW513", 16)}


def test_csrf_only_where_another_site_can_send_the_request(tmp_path: Path) -> None:
    head = (
        "const express = require('express');\n"
        "const session = require('express-session');\n"
        "const cors = require('cors');\n"
        "const app = express();\n"
    )
    routes = (
        "app.use(session({ secret: process.env.S, resave: false, saveUninitialized: false }));\n"
        "app.post('/json', (req, res) => res.json({ n: req.body.n, by: req.session.user }));\n"
        "app.post('/logout', (req, res) => req.session.destroy(() => res.end()));\n"
        "app.delete('/notes/:id', (req, res) => res.json(req.session.user));\n"
    )
    (tmp_path / "app.js").write_text(head + "app.use(express.json());\n" + routes)
    found = {f.line for f in scan_app(tmp_path).findings if f.rule_id == "NW512"}
    assert found == {8}  # only the body-less POST: a form can send it, a JSON body it cannot
    (tmp_path / "app.js").write_text(head + "app.use(express.urlencoded({ extended: false }));\n" + routes)
    assert {f.line for f in scan_app(tmp_path).findings if f.rule_id == "NW512"} == {7, 8}
    (tmp_path / "app.js").write_text(head + "app.use(cors({ origin: true, credentials: true }));\n" + routes)
    assert {f.line for f in scan_app(tmp_path).findings if f.rule_id == "NW512"} == {7, 8, 9}


def test_csrf_only_where_the_cookies_matter(tmp_path: Path) -> None:
    """A forged request carries the victim's cookies: it matters where the route is
    authenticated by the session, or its code reads the session, the principal or a cookie,
    or sets one (login CSRF). An unauthenticated route that reads only what it is sent gives
    a forger nothing they could not send directly."""
    (tmp_path / "app.js").write_text(
        "const express = require('express');\n"
        "const session = require('express-session');\n"
        "const app = express();\n"
        "app.use(express.urlencoded({ extended: false }));\n"
        "app.use(session({ secret: process.env.S, resave: false, saveUninitialized: false }));\n"
        "app.post('/password/forgot', (req, res) => res.json({ sent: String(req.body.email) }));\n"
        "app.post('/newsletter', (req, res) => res.status(202).json({ ok: Boolean(req.body.email) }));\n"
        "app.post('/cart', (req, res) => { req.session.cart = [String(req.body.sku)]; res.end(); });\n"
        "app.post('/theme', (req, res) => { res.cookie('theme', String(req.body.theme)); res.end(); });\n"
        "app.post('/prefs', (req, res) => res.json({ lang: req.cookies.lang, v: req.body.v }));\n"
        "function report(err, req, res) { res.status(500).json({ path: req.path }); }\n"
        "app.post('/code', (req, res) => res.json({ c: String(req.body.code) }), (err, req, res, next) => report(err, req, res));\n"
    )
    assert {f.line for f in scan_app(tmp_path).findings if f.rule_id == "NW512"} == {8, 9, 10}


def test_router_export_shapes(tmp_path: Path) -> None:
    files = {
        "app.mjs": "import express from 'express';\nimport esmDefault from './a.mjs';\nimport { named } from './b.mjs';\n"
        "const cjs = require('./c.js');\nconst app = express();\napp.use('/a', esmDefault);\napp.use('/b', named);\n"
        "app.use('/c', cjs.router);\napp.use('/d', require('./d.js').router);\n",
        "a.mjs": "import { Router } from 'express';\nconst router = Router();\nrouter.get('/x', (req, res) => res.end());\nexport default router;\n",
        "b.mjs": "import { Router } from 'express';\nexport const named = Router();\nnamed.get('/y', (req, res) => res.end());\n",
        "c.js": "const router = require('express').Router();\nrouter.get('/z', (req, res) => res.end());\nmodule.exports.router = router;\n",
        "d.js": "const express = require('express');\nconst router = express.Router();\nrouter.get('/w', (req, res) => res.end());\nexports.router = router;\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    rows = {(r.method, r.path, r.file, r.line, r.mounted) for r in link(tmp_path).model.routes}
    assert rows == {
        ("GET", "/a/x", "a.mjs", 3, True),
        ("GET", "/b/y", "b.mjs", 3, True),
        ("GET", "/c/z", "c.js", 2, True),
        ("GET", "/d/w", "d.js", 3, True),
    }


def test_custom_csrf_check_is_recognised(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_text(
        "const express = require('express');\n"
        "const session = require('express-session');\n"
        "const app = express();\n"
        "app.use(express.urlencoded({ extended: false }));\n"
        "app.use(session({ secret: process.env.S, resave: false, saveUninitialized: false }));\n"
        "function checkCsrf(req, res, next) {\n"
        "  if (req.body._csrf !== req.session.csrf) return res.status(403).end();\n"
        "  next();\n"
        "}\n"
        "app.post('/transfer', checkCsrf, (req, res) => res.json({ to: req.body.to }));\n"
    )
    (route,) = link(tmp_path).model.routes
    assert route.protections["csrf"] is not None and route.protections["csrf"].name == "checkCsrf"
    assert not [f for f in scan_app(tmp_path).findings if f.rule_id == "NW512"]


def test_trailing_error_handler_is_not_the_route_handler(tmp_path: Path) -> None:
    """`router.post(path, guard, handler, errorHandler)` (node-red's idiom): the handler is the
    argument before the `(err, req, res, next)` function, which handles the route's errors."""
    (tmp_path / "util.js").write_text("exports.errorHandler = function (err, req, res, next) {\n  res.status(400).json({ error: err.message });\n};\n")
    (tmp_path / "app.js").write_text(
        "const express = require('express');\n"
        "const apiUtil = require('./util');\n"
        "const app = express();\n"
        "app.use(express.json());\n"
        "function save(req, res) {\n  res.json({ saved: req.body.name });\n}\n"
        "app.post('/items', save, apiUtil.errorHandler);\n"
        "app.post('/inline', (req, res) => res.json({ n: req.body.n }), (err, req, res, next) => res.status(500).end());\n"
        "app.post('/only', apiUtil.errorHandler);\n"
    )
    routes = {r.path: r for r in link(tmp_path).model.routes}
    items = routes["/items"]
    assert (items.file, items.line) == ("app.js", 5)  # `save`, not util.js's error handler
    assert any("error_handler" in m.categories and m.scope == "route" for m in items.middleware)
    assert routes["/inline"].line == 9 and routes["/inline"].handler_ref is not None
    assert routes["/only"].file == "util.js"  # a lone argument stays the handler
