"""Route-model bugs found by reviewing real Express code (each test failed before its fix).

The apps are small reproductions written for these tests, shaped like the code the bug was
found on (Express's own examples load the framework relatively, `route().all(guard)`...).
"""

from __future__ import annotations

from pathlib import Path

from nodeward.analysis.appmodel import Route
from nodeward.commands.routes import render_text
from tests.analysis.helpers import link


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


def _rows(routes: list[Route]) -> dict[tuple[str, str], tuple[str, int, str | None]]:
    """(method, path) -> (handler file, handler line, authentication middleware name)."""
    out = {}
    for r in routes:
        authn = r.protections.get("authentication")
        out[(r.method, r.path)] = (r.file, r.line, authn.name if authn is not None else None)
    return out


def test_router_from_a_relatively_required_express_is_mounted(tmp_path: Path) -> None:
    # Express's examples (and vendored copies) do `const express = require('../../..')`.
    root = _write(tmp_path, {
        "index.js": (
            "const express = require('express');\n"
            "const app = module.exports = express();\n"
            "app.use('/api/v1', require('./controllers/v1'));\n"
            "app.use('/api/v2', require('./controllers/v2'));\n"
        ),
        "controllers/v1.js": (
            "var express = require('../../..');\n"
            "var v1 = express.Router();\n"
            "v1.get('/users', function (req, res) { res.send('v1'); });\n"
            "module.exports = v1;\n"
        ),
        "controllers/v2.js": (
            "const { Router } = require('../vendor/web');\n"
            "const v2 = Router();\n"
            "v2.get('/users', (req, res) => res.send('v2'));\n"
            "module.exports = v2;\n"
        ),
    })
    routes = link(root).model.routes
    assert _rows(routes) == {
        ("GET", "/api/v1/users"): ("controllers/v1.js", 3, None),
        ("GET", "/api/v2/users"): ("controllers/v2.js", 3, None),
    }
    assert all(r.mounted for r in routes)


def test_app_created_from_a_relatively_required_express(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        "examples/site/index.js": (
            "var express = require('../../');\n"
            "var app = express();\n"
            "app.get('/', function (req, res) { res.send('home'); });\n"
            "app.post('/login', function (req, res) { res.redirect('/'); });\n"
            "app.listen(3000);\n"
        ),
    })
    linked = link(root)
    assert _rows(linked.model.routes) == {
        ("GET", "/"): ("examples/site/index.js", 3, None),
        ("POST", "/login"): ("examples/site/index.js", 4, None),
    }
    assert [a.kind for a in linked.model.apps] == ["express-app"]


def test_relative_module_without_router_calls_adds_no_routes(tmp_path: Path) -> None:
    # A local module's other factories are not apps: `cache.get('/key', fn)` is no route.
    root = _write(tmp_path, {
        "index.js": (
            "const makeCache = require('./cache');\n"
            "const cache = makeCache();\n"
            "cache.get('/key', function (err, v) { console.log(v); });\n"
        ),
        "cache.js": "module.exports = () => new Map();\n",
    })
    assert link(root).model.routes == []


_GUARDED = (
    "const express = require('express');\n"
    "const app = express();\n"
    "function requireAuth(req, res, next) {\n"
    "  if (!req.session.user) return res.status(401).end();\n"
    "  next();\n"
    "}\n"
    "app.route('/notes/:id')\n"
    "  .all(requireAuth)\n"
    "  .get(function (req, res) { res.json({}); })\n"
    "  .delete(function (req, res) { res.sendStatus(204); });\n"
    "app.get('/notes/:id/raw', (req, res) => res.send('raw'));\n"
    "app.all('/admin/*', requireAuth);\n"
    "app.post('/admin/purge', (req, res) => res.end());\n"
    "app.post('/public/ping', (req, res) => res.end());\n"
    "app.all('/echo', (req, res) => res.send('echo'));\n"
    "app.listen(3000);\n"
)


def test_all_with_a_guard_protects_the_routes_after_it_and_is_no_route(tmp_path: Path) -> None:
    root = _write(tmp_path, {"app.js": _GUARDED})
    assert _rows(link(root).model.routes) == {
        ("GET", "/notes/:id"): ("app.js", 9, "requireAuth"),
        ("DELETE", "/notes/:id"): ("app.js", 10, "requireAuth"),
        # route(p).all() covers that exact path only, not the paths below it.
        ("GET", "/notes/:id/raw"): ("app.js", 11, None),
        ("POST", "/admin/purge"): ("app.js", 13, "requireAuth"),
        ("POST", "/public/ping"): ("app.js", 14, None),
        # An `all()` whose function answers the request is an endpoint for every method.
        ("ALL", "/echo"): ("app.js", 15, None),
    }


def test_long_protection_names_are_cut_visibly(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        "app.js": (
            "const express = require('express');\n"
            "const passport = require('passport');\n"
            "const app = express();\n"
            "app.post('/api/items', passport.authenticate('jwt', { session: false }), (req, res) => res.end());\n"
        ),
    })
    text = render_text(link(root).model.routes)
    assert "yes: passport.authenticate('jwt', { …" in text


def test_koa_router_imported_and_mounted_with_routes(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        "app.js": (
            "const Koa = require('koa');\n"
            "const Router = require('@koa/router');\n"
            "const jwt = require('koa-jwt');\n"
            "const users = require('./routes/users');\n"
            "const app = new Koa();\n"
            "const api = new Router({ prefix: '/api' });\n"
            "api.get('/health', (ctx) => { ctx.body = 'ok'; });\n"
            "api.use(jwt({ secret: process.env.JWT_SECRET }));\n"
            "api.use('/users', users.routes(), users.allowedMethods());\n"
            "app.use(api.routes()).use(api.allowedMethods());\n"
        ),
        "routes/users.js": (
            "const Router = require('@koa/router');\n"
            "const router = new Router();\n"
            "router.get('/', async (ctx) => { ctx.body = []; });\n"
            "router.del('/:id', async (ctx) => { ctx.status = 204; });\n"
            "module.exports = router;\n"
        ),
    })
    routes = link(root).model.routes
    assert _rows(routes) == {
        ("GET", "/api/health"): ("app.js", 7, None),
        ("GET", "/api/users"): ("routes/users.js", 3, "jwt(…)"),
        ("DELETE", "/api/users/:id"): ("routes/users.js", 4, "jwt(…)"),
    }
    assert all(r.mounted for r in routes)


def test_fastify_inline_plugin_with_prefix(tmp_path: Path) -> None:
    # The plugin's first parameter is the (encapsulated) instance, not a request.
    root = _write(tmp_path, {
        "server.js": (
            "const fastify = require('fastify')({ logger: true });\n"
            "fastify.register(async function (instance, opts) {\n"
            "  instance.addHook('onRequest', instance.authenticate);\n"
            "  instance.delete('/:id', async (request, reply) => reply.code(204).send());\n"
            "}, { prefix: '/v1/items' });\n"
            "fastify.get('/', async () => ({ hello: 'world' }));\n"
        ),
    })
    assert _rows(link(root).model.routes) == {
        ("DELETE", "/v1/items/:id"): ("server.js", 4, "instance.authenticate"),
        ("GET", "/"): ("server.js", 6, None),
    }


def test_route_separation_loader_handlers_in_plain_files_and_optional_segments(tmp_path: Path) -> None:
    # Shaped like Express's route-separation example: handlers in modules that read nothing
    # from the request, a record loader mounted with `all('/user/:id{/:op}', user.load)`.
    root = _write(tmp_path, {
        "index.js": (
            "const express = require('express');\n"
            "const site = require('./site');\n"
            "const user = require('./user');\n"
            "const app = express();\n"
            "app.get('/', site.index);\n"
            "app.all('/user/:id{/:op}', user.load);\n"
            "app.get('/user/:id', user.view);\n"
            "app.get('/user/:id/edit', user.view);\n"
            "app.get('/account', user.requireLogin, user.view);\n"
            "app.get('/users/:id/posts/:pid', user.view);\n"
        ),
        "site.js": "exports.index = function (req, res) {\n  res.render('index');\n};\n",
        "user.js": (
            "const users = [{ name: 'ann' }];\n"
            "exports.load = function (req, res, next) {\n"
            "  const id = req.params.id;\n"
            "  req.user = users[id];\n"
            "  if (req.user) return next();\n"
            "  next(new Error('no user ' + id));\n"
            "};\n"
            "exports.requireLogin = function (req, res, next) {\n"
            "  if (!req.session.user) return res.status(401).end();\n"
            "  next();\n"
            "};\n"
            "exports.view = function (req, res) {\n"
            "  res.render('user', { user: req.user });\n"
            "};\n"
        ),
    })
    routes = link(root).model.routes
    assert _rows(routes) == {
        ("GET", "/"): ("site.js", 1, None),
        ("GET", "/user/:id"): ("user.js", 12, None),
        ("GET", "/user/:id/edit"): ("user.js", 12, None),
        ("GET", "/account"): ("user.js", 12, "user.requireLogin"),
        ("GET", "/users/:id/posts/:pid"): ("user.js", 12, None),
    }
    chains = {r.path: [m.name for m in r.middleware] for r in routes}
    # The optional `{/:op}` segment: the loader runs for /user/:id and /user/:id/edit only.
    assert chains["/user/:id"] == ["user.load"]
    assert chains["/user/:id/edit"] == ["user.load"]
    assert chains["/users/:id/posts/:pid"] == []


def test_param_callbacks_guard_the_routes_with_that_parameter(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        "app.js": (
            "const express = require('express');\n"
            "const { ObjectId } = require('mongodb');\n"
            "const app = express();\n"
            "const router = express.Router();\n"
            "router.param('noteId', (req, res, next, id) => {\n"
            "  if (!ObjectId.isValid(id)) return res.status(400).json({ error: 'bad id' });\n"
            "  next();\n"
            "});\n"
            "app.param(['owner'], function (req, res, next, owner) {\n"
            "  if (!req.session.user) return res.sendStatus(401);\n"
            "  next();\n"
            "});\n"
            "router.get('/notes/:noteId', (req, res) => res.json({}));\n"
            "router.get('/notes', (req, res) => res.json([]));\n"
            "router.get('/notebooks/:noteIdx', (req, res) => res.json({}));\n"
            "app.use('/api', router);\n"
            "app.delete('/u/:owner/notes/:noteId', (req, res) => res.end());\n"
        ),
    })
    rows = {}
    for r in link(root).model.routes:
        v, a = r.protections.get("validation"), r.protections.get("authentication")
        rows[(r.method, r.path)] = (v.name if v is not None else None, a.name if a is not None else None)
    assert rows == {
        ("GET", "/api/notes/:noteId"): ("param('noteId')", None),
        ("GET", "/api/notes"): (None, None),
        ("GET", "/api/notebooks/:noteIdx"): (None, None),
        # The router's param callback does not run for the app's own routes.
        ("DELETE", "/u/:owner/notes/:noteId"): (None, "param(['owner'])"),
    }


def test_app_passed_to_a_plain_helper_file(tmp_path: Path) -> None:
    # The helper reads nothing from a request, so the workers skip it; resolving the call that
    # hands it the app walks it on demand, while the registrations are being indexed.
    root = _write(tmp_path, {
        "app.js": (
            "const express = require('express');\n"
            "const configure = require('./configure');\n"
            "const app = express();\n"
            "configure(app);\n"
            "app.get('/ping', (req, res) => res.send('pong'));\n"
        ),
        "configure.js": "module.exports = function configure(app) {\n  console.log('configured', typeof app);\n};\n",
    })
    assert _rows(link(root).model.routes) == {("GET", "/ping"): ("app.js", 5, None)}


def test_project_factory_returning_a_package_middleware(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        "app.js": (
            "const express = require('express');\n"
            "const { limit, plain } = require('./mw');\n"
            "const app = express();\n"
            "app.post('/login', limit(5), (req, res) => res.end());\n"
            "app.post('/logout', plain(5), (req, res) => res.end());\n"
        ),
        "mw.js": (
            "const rateLimit = require('express-rate-limit');\n"
            "const limit = (max) => rateLimit({ windowMs: 60000, max });\n"
            "function plain(n) {\n"
            "  return (req, res, next) => { res.set('x-n', String(n)); next(); };\n"
            "}\n"
            "module.exports = { limit, plain };\n"
        ),
    })
    rl = {r.path: (r.protections.get("rate_limit").name if r.protections.get("rate_limit") is not None else None) for r in link(root).model.routes}  # type: ignore[union-attr]
    assert rl == {"/login": "limit(5)", "/logout": None}


def test_queries_scoped_to_the_current_user_are_ownership_checks(tmp_path: Path) -> None:
    from tests.analysis.helpers import app_findings, scan_app

    root = _write(tmp_path, {
        "app.js": (
            "const express = require('express');\n"
            "const helmet = require('helmet');\n"
            "const Note = require('./note');\n"
            "const db = require('./db');\n"
            "const app = express();\n"
            "app.use(helmet());\n"
            "function requireAuth(req, res, next) { if (!req.user) return res.sendStatus(401); next(); }\n"
            "app.use(requireAuth);\n"
            "app.delete('/a/:id', async (req, res) => {\n"
            "  await Note.deleteOne({ _id: req.params.id, owner: req.user.id });\n"
            "  res.sendStatus(204);\n"
            "});\n"
            "app.delete('/b/:id', async (req, res) => {\n"
            "  await Note.destroy({ where: { id: req.params.id, userId: req.user.id } });\n"
            "  res.sendStatus(204);\n"
            "});\n"
            "app.delete('/c/:id', async (req, res) => {\n"
            "  await db.query('DELETE FROM notes WHERE id = $1 AND owner_id = $2', [req.params.id, req.user.id]);\n"
            "  res.sendStatus(204);\n"
            "});\n"
            "app.delete('/d/:id', async (req, res) => {\n"
            "  await Note.findByIdAndDelete(req.params.id);\n"
            "  res.json({ deletedBy: req.user.id });\n"
            "});\n"
            "app.use((err, req, res, next) => res.status(500).end());\n"
            "app.disable('x-powered-by');\n"
        ),
        "note.js": "const mongoose = require('mongoose');\nmodule.exports = mongoose.model('Note', new mongoose.Schema({ owner: String }));\n",
        "db.js": "const { Pool } = require('pg');\nmodule.exports = new Pool();\n",
    })
    found = {f for f in app_findings(scan_app(root)) if f[0] == "NW513"}
    assert found == {("NW513", "app.js", 21)}


def test_router_factories_are_mounted(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        "app.js": (
            "const express = require('express');\n"
            "const db = require('./db');\n"
            "const makeUsers = require('./routes/users');\n"
            "const { requireAuth } = require('./auth');\n"
            "const app = express();\n"
            "app.use('/api/users', requireAuth, makeUsers(db));\n"
            "app.use('/api/posts', require('./routes/posts')({ db }));\n"
        ),
        "db.js": "module.exports = {};\n",
        "auth.js": "exports.requireAuth = (req, res, next) => (req.session.user ? next() : res.sendStatus(401));\n",
        "routes/users.js": (
            "const express = require('express');\n"
            "module.exports = function makeUsers(db) {\n"
            "  const router = express.Router();\n"
            "  router.get('/', (req, res) => res.json([]));\n"
            "  router.delete('/:id', (req, res) => res.end());\n"
            "  return router;\n"
            "};\n"
        ),
        "routes/posts.js": (
            "const { Router } = require('express');\n"
            "module.exports = ({ db }) => {\n"
            "  const router = Router();\n"
            "  router.post('/', (req, res) => res.status(201).end());\n"
            "  return router;\n"
            "};\n"
        ),
    })
    routes = link(root).model.routes
    assert _rows(routes) == {
        ("GET", "/api/users"): ("routes/users.js", 4, "requireAuth"),
        ("DELETE", "/api/users/:id"): ("routes/users.js", 5, "requireAuth"),
        ("POST", "/api/posts"): ("routes/posts.js", 4, None),
    }
    assert all(r.mounted for r in routes)


def test_class_based_routers(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        "src/app.ts": (
            "import express from 'express';\n"
            "import UserRoutes from './routes/user.routes';\n"
            "import { PostRoutes } from './routes/post.routes';\n"
            "const app = express();\n"
            "app.use('/users', new UserRoutes().router);\n"
            "const posts = new PostRoutes();\n"
            "app.use('/posts', posts.router);\n"
            "class HealthRoutes {\n"
            "  router = express.Router();\n"
            "  constructor() { this.router.get('/', (req, res) => res.send('ok')); }\n"
            "}\n"
            "app.use('/health', new HealthRoutes().router);\n"
            "export default app;\n"
        ),
        "src/routes/user.routes.ts": (
            "import { Router } from 'express';\n"
            "export default class UserRoutes {\n"
            "  router = Router();\n"
            "  constructor() {\n"
            "    this.initializeRoutes();\n"
            "  }\n"
            "  initializeRoutes() {\n"
            "    this.router.get('/', (req, res) => res.json([]));\n"
            "    this.router.post('/', (req, res) => res.status(201).end());\n"
            "  }\n"
            "}\n"
        ),
        "src/routes/post.routes.ts": (
            "import express, { Router } from 'express';\n"
            "export class PostRoutes {\n"
            "  public router: Router;\n"
            "  constructor() {\n"
            "    this.router = express.Router();\n"
            "    this.router.delete('/:id', (req, res) => res.end());\n"
            "  }\n"
            "}\n"
        ),
    })
    routes = link(root).model.routes
    assert _rows(routes) == {
        ("GET", "/users"): ("src/routes/user.routes.ts", 8, None),
        ("POST", "/users"): ("src/routes/user.routes.ts", 9, None),
        ("DELETE", "/posts/:id"): ("src/routes/post.routes.ts", 6, None),
        ("GET", "/health"): ("src/app.ts", 10, None),
    }
    assert all(r.mounted for r in routes)


def test_routes_registered_on_an_app_returned_by_a_factory(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        "app.js": (
            "const express = require('express');\n"
            "const { requireAuth } = require('./auth');\n"
            "module.exports = function createApp() {\n"
            "  const app = express();\n"
            "  app.use('/admin', requireAuth);\n"
            "  return app;\n"
            "};\n"
        ),
        "auth.js": "exports.requireAuth = (req, res, next) => (req.session.user ? next() : res.sendStatus(401));\n",
        "client.js": "module.exports = () => ({ get() {} });\n",
        "server.js": (
            "const createApp = require('./app');\n"
            "const makeClient = require('./client');\n"
            "const app = createApp();\n"
            "app.get('/', (req, res) => res.send('home'));\n"
            "app.post('/admin/purge', (req, res) => res.end());\n"
            "const api = makeClient();\n"
            "api.get('/users', (err, data) => console.log(err, data));\n"
            "app.listen(3000);\n"
        ),
    })
    linked = link(root)
    assert _rows(linked.model.routes) == {
        ("GET", "/"): ("server.js", 4, None),
        ("POST", "/admin/purge"): ("server.js", 5, "requireAuth"),
    }
    assert [(a.path, a.line) for a in linked.model.apps] == [("app.js", 4)]


def test_error_handlers_installed_by_packages(tmp_path: Path) -> None:
    from tests.analysis.helpers import app_findings, scan_app

    head = "const express = require('express');\nconst Sentry = require('@sentry/node');\nconst errorhandler = require('errorhandler');\nconst app = express();\n"
    root = _write(tmp_path, {
        "a.js": head + "app.get('/', (req, res) => res.send('x'));\napp.use(Sentry.Handlers.errorHandler());\n",
        "b.js": head + "app.get('/', (req, res) => res.send('x'));\napp.use(errorhandler());\n",
        "c.js": head + "app.get('/', (req, res) => res.send('x'));\nSentry.setupExpressErrorHandler(app);\n",
        "d.js": head + "app.get('/', (req, res) => res.send('x'));\nSentry.init({ dsn: process.env.SENTRY_DSN });\n",
    })
    found = {f for f in app_findings(scan_app(root)) if f[0] == "NW450"}
    assert found == {("NW450", "d.js", 4)}


def test_all_endpoints_that_answer_stay_routes(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        "app.js": (
            "const express = require('express');\n"
            "const { graphqlHTTP } = require('express-graphql');\n"
            "const passport = require('passport');\n"
            "const app = express();\n"
            "app.all('/graphql', graphqlHTTP({ schema: null }));\n"
            "app.all('/hook', async (req, res, next) => {\n"
            "  try { res.json({ ok: true }); } catch (e) { next(e); }\n"
            "});\n"
            "app.route('/me').all(passport.authenticate('jwt', { session: false })).get((req, res) => res.json(req.user));\n"
        ),
    })
    assert _rows(link(root).model.routes) == {
        ("ALL", "/graphql"): ("app.js", 5, None),
        ("ALL", "/hook"): ("app.js", 6, None),
        ("GET", "/me"): ("app.js", 9, "passport.authenticate('jwt', { session: false })"),
    }


def test_anonymous_inline_middleware_is_shown_by_place(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        "app.js": (
            "const express = require('express');\n"
            "const { body } = require('express-validator');\n"
            "const app = express();\n"
            "app.use('/api', function (req, res, next) {\n"
            "  if (!req.get('authorization')) return res.sendStatus(401);\n"
            "  next();\n"
            "});\n"
            "app.post('/api/x', body('n').custom((v) => v > 0), (req, res) => res.end());\n"
        ),
    })
    text = render_text(link(root).model.routes)
    assert "yes: inline at app.js:4" in text
    assert "yes: body('n').custom((v) => v > 0)" in text
