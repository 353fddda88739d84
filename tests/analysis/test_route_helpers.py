"""Routes registered through the project's own helpers (`route_helpers.py`).

`data/route_helpers` is a small inventory service written for these tests: a `Controller` base
class (`lib/controller.js`) registers every route in `route(options)` with
`this.app[options.method](options.path, requirePermission(options.permission),
this.chain(options), safely(options.handler.bind(this)))`, where `chain` hands back the route's
own `options.middleware`; subclasses in other files declare routes with
`this.route({...})` or the `get`/`post`/`delete` shorthands (helpers calling helpers), using
module constants for paths; an `ApiRouter` subclass mounts them with `this.use('/inventory',
new ItemsController(...).router)` (a getter of the base returns the router); `server.js`
registers web hooks with function helpers, `register(router, 'post', '/x', handler)` (no
authentication) and `secured(router, 'delete', '/x', handler)` (adds `requirePermission`).
"""

from __future__ import annotations

from pathlib import Path

from nodeward.analysis.appmodel import Route
from nodeward.analysis.ir import ArgConst, MwRef, RouteReg
from nodeward.analysis.route_helpers import instantiate, lookup
from tests.analysis.helpers import annotated_lines, app_findings, link, scan_app
from tests.conftest import ROOT

DATA = Path(__file__).resolve().parent / "data" / "route_helpers"


def _rows(routes: list[Route]) -> dict[tuple[str, str], Route]:
    return {(r.method, r.path): r for r in routes}


def _categories(route: Route, scope: str) -> set[str]:
    return {c for m in route.middleware if m.scope == scope for c in m.categories}


def test_controller_subclass_routes_have_method_full_path_and_handler() -> None:
    routes = _rows(link(DATA).model.routes)
    # (handler file, handler line, where the route is declared: file, line)
    expected = {
        ("GET", "/api/inventory/items"): ("routes/items.js", 24, "routes/items.js", 12, "items:read"),
        ("POST", "/api/inventory/items"): ("routes/items.js", 28, "routes/items.js", 13, "items:write"),
        ("PUT", "/api/inventory/items/:id"): ("routes/items.js", 32, "routes/items.js", 20, "items:write"),
        ("DELETE", "/api/inventory/items/:id"): ("routes/items.js", 36, "routes/items.js", 21, "items:admin"),
        ("GET", "/api/reports/stock"): ("routes/reports.js", 12, "routes/reports.js", 8, "reports:read"),
        ("POST", "/api/reports/rebuild"): ("routes/reports.js", 16, "routes/reports.js", 9, "reports:admin"),
    }
    for key, (hfile, hline, rfile, rline, permission) in expected.items():
        r = routes[key]
        assert (r.file, r.line, r.reg_file, r.reg_line) == (hfile, hline, rfile, rline), key
        assert r.handler_ref == (hfile, f"{'ItemsController' if 'items' in hfile else 'ReportsController'}.{r.handler.split('.', 1)[1]}")
        # requirePermission(options.permission), built by the base class for every route.
        assert {"authentication", "authorization"} <= _categories(r, "route"), key
        # Shown with the permission the route passes (through `get(path, handler, permission)`).
        perm = next(m for m in r.middleware if m.name.startswith("requirePermission"))
        assert (perm.name, perm.path, perm.line) == (f"requirePermission('{permission}')", "lib/controller.js", 35)
    # The route's own middleware passed in the options object (`middleware: [validateBody('item')]`),
    # handed back by the base class's `this.chain(options)` (defined after `route`).
    post = routes[("POST", "/api/inventory/items")]
    assert [m.name for m in post.middleware if m.scope == "route"] == ["requirePermission('items:write')", "this.chain(options)", "validateBody('item')"]
    assert [(m.name, m.path, m.line, m.categories) for m in post.middleware if m.scope == "route"][-1] == (
        "validateBody('item')",
        "routes/items.js",
        18,
        ("validation",),
    )
    assert "validation" not in {c for m in routes[("PUT", "/api/inventory/items/:id")].middleware if m.name.startswith("validateBody") for c in m.categories}
    # No route with an unfilled slot (`{options.path}`) or a guessed method is listed.
    assert all("{" not in r.path for r in routes.values())


def test_function_helpers_register_with_the_callers_arguments() -> None:
    routes = _rows(link(DATA).model.routes)
    sync = routes[("POST", "/hooks/stock-sync")]
    assert (sync.file, sync.line, sync.reg_file, sync.reg_line, sync.handler) == ("server.js", 19, "server.js", 30, "syncStock")
    assert sync.protections["authentication"] is None
    cache = routes[("DELETE", "/hooks/cache/:key")]
    assert (cache.file, cache.line, cache.reg_file, cache.reg_line) == ("server.js", 24, "server.js", 32)
    auth = cache.protections["authentication"]
    assert auth is not None and (auth.name, auth.path, auth.line) == ("requirePermission('operator')", "lib/register.js", 11)
    assert len(routes) == 8


def test_route_rules_judge_helper_registered_routes() -> None:
    expected, forbidden = annotated_lines(DATA)
    found = app_findings(scan_app(DATA))
    assert ("NW511", "server.js", 30) in found
    assert expected <= found
    assert not (forbidden & found)
    # The controller routes all pass requirePermission: none is reported as unauthenticated.
    assert not {f for f in found if f[0] in ("NW511", "NW513") and f[1].startswith("routes/")}


def test_non_constant_helper_arguments_give_no_route(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_text(
        "const express = require('express');\n"
        "const app = express();\n"
        "function add(router, method, path, handler) {\n"
        "  router[method](path, handler);\n"
        "}\n"
        "const save = (req, res) => res.json(req.body);\n"
        "add(app, 'put', '/profile', save);\n"
        "for (const verb of process.env.VERBS.split(',')) {\n"
        "  add(app, verb, '/echo', save);\n"
        "}\n"
        "add(app, 'post', process.env.HOOK_PATH, save);\n"
        "add(app, 'launch', '/rockets', save);\n"
        "function under(router, name, handler) {\n"
        "  const path = '/' + name;\n"
        "  router.get(path, handler);\n"
        "}\n"
        "under(app, 'status', save);\n"
        "app.listen(3000);\n"
    )
    rows = sorted((r.method, r.path, r.reg_line) for r in link(tmp_path).model.routes)
    # A path derived from the parameter ('/' + name) is not the argument itself: shown as the
    # helper writes it, never as the bare argument ('status').
    assert rows == [("GET", "{path}", 15), ("PUT", "/profile", 7)]


def test_class_with_its_own_router_and_helper_method(tmp_path: Path) -> None:
    """No inheritance: the class creates `this.router` and has a `route(verb, path, ...fns)`."""
    (tmp_path / "orders.js").write_text(
        "const express = require('express');\n"
        "const { requireUser } = require('./auth');\n"
        "class OrderRoutes {\n"
        "  constructor(orders) {\n"
        "    this.orders = orders;\n"
        "    this.router = express.Router();\n"
        "    this.add('get', '/', this.list);\n"
        "    this.add('post', '/', requireUser, this.create);\n"
        "  }\n"
        "  add(verb, path, ...fns) {\n"
        "    this.router[verb](path, ...fns);\n"
        "  }\n"
        "  list(req, res) { res.json([]); }\n"
        "  create(req, res) { res.status(201).json(req.body); }\n"
        "}\n"
        "module.exports = OrderRoutes;\n"
    )
    (tmp_path / "auth.js").write_text("exports.requireUser = (req, res, next) => (req.user ? next() : res.status(401).end());\n")
    (tmp_path / "app.js").write_text(
        "const express = require('express');\n"
        "const OrderRoutes = require('./orders');\n"
        "const app = express();\n"
        "app.use('/orders', new OrderRoutes({}).router);\n"
        "app.listen(3000);\n"
    )
    rows = sorted((r.method, r.path, r.file, r.line, r.reg_line, r.protections["authentication"] is not None) for r in link(tmp_path).model.routes)
    assert rows == [
        ("GET", "/orders", "orders.js", 13, 7, False),
        ("POST", "/orders", "orders.js", 14, 8, True),
    ]


def test_koa_router_helper(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"dependencies": {"koa": "^2.15.0", "@koa/router": "^13.1.0"}}\n')
    (tmp_path / "endpoints.js").write_text(
        "function endpoint(router, method, path, ...middleware) {\n"
        "  router[method](path, ...middleware);\n"
        "  return router;\n"
        "}\n"
        "module.exports = { endpoint };\n"
    )
    (tmp_path / "app.js").write_text(
        "const Koa = require('koa');\n"
        "const Router = require('@koa/router');\n"
        "const { endpoint } = require('./endpoints');\n"
        "const app = new Koa();\n"
        "const router = new Router();\n"
        "async function onlyAdmins(ctx, next) {\n"
        "  if (!ctx.state.user || !ctx.state.user.isAdmin) { ctx.status = 403; return; }\n"
        "  await next();\n"
        "}\n"
        "endpoint(router, 'delete', '/api/tables/:id', onlyAdmins, async (ctx) => { ctx.body = await ctx.db.drop(ctx.params.id); });\n"
        "endpoint(router, 'get', '/api/tables', async (ctx) => { ctx.body = []; });\n"
        "app.use(router.routes());\n"
        "app.listen(3000);\n"
    )
    rows = sorted((r.method, r.path, r.reg_line, r.protections["authorization"] is not None) for r in link(tmp_path).model.routes)
    assert rows == [("DELETE", "/api/tables/:id", 10, True), ("GET", "/api/tables", 11, False)]


def test_slots_follow_fields_and_parameters_passed_on() -> None:
    handler = MwRef("local", name="C.update", line=3)
    options = ArgConst(fields=(("method", ArgConst(text="PATCH")), ("path", ArgConst(text="/x/:id")), ("handler", ArgConst(ref=handler))), is_obj=True)
    assert lookup((options,), "0.path") == ArgConst(text="/x/:id")
    assert lookup((options,), "0.permission") is None
    assert lookup((ArgConst(param="2"),), "0.path") == ArgConst(param="2.path")
    reg = RouteReg(("inst", "C.app", ""), "", "{options.path}", (MwRef("call", name="wrap", slot="0.handler"),), 9, 5, 1, template=(("method", "0.method"), ("path", "0.path")))
    got = instantiate(reg, (options,), "base.js", "sub.js")
    assert got is not None
    made, supplied = got
    assert (made.method, made.path, made.args, made.template, supplied) == ("patch", "/x/:id", (MwRef("local", name="C.update", line=3, file="sub.js"),), (), True)
    # A method that is not an HTTP verb, or a path that is not passed, registers nothing.
    assert instantiate(reg, (ArgConst(fields=(("method", ArgConst(text="launch")), ("path", ArgConst(text="/x"))), is_obj=True),), "base.js", "sub.js") is None
    assert instantiate(reg, (ArgConst(fields=(("method", ArgConst(text="get")),), is_obj=True),), "base.js", "sub.js") is None


def test_function_helper_on_a_module_router(tmp_path: Path) -> None:
    """The helper registers on a router of its own module (not a parameter), through a second
    helper that fixes the method; middleware the router uses before the calls applies."""
    (tmp_path / "admin.js").write_text(
        "const express = require('express');\n"
        "const router = express.Router();\n"
        "const add = (verb, path, ...fns) => router[verb](path, ...fns);\n"
        "function remove(path, handler) {\n"
        "  add('delete', path, handler);\n"
        "}\n"
        "function staffOnly(req, res, next) {\n"
        "  if (!req.session.staff) return res.status(401).end();\n"
        "  next();\n"
        "}\n"
        "add('get', '/stats', (req, res) => res.json({}));\n"
        "router.use(staffOnly);\n"
        "add('post', '/flags', (req, res) => res.status(201).json(req.body));\n"
        "remove('/flags/:name', (req, res) => res.status(204).end());\n"
        "module.exports = router;\n"
    )
    (tmp_path / "app.js").write_text(
        "const express = require('express');\n"
        "const app = express();\n"
        "app.use('/admin', require('./admin'));\n"
        "app.listen(3000);\n"
    )
    rows = sorted((r.method, r.path, r.reg_file, r.reg_line, r.protections["authentication"] is not None) for r in link(tmp_path).model.routes)
    assert rows == [
        ("DELETE", "/admin/flags/:name", "admin.js", 14, True),
        ("GET", "/admin/stats", "admin.js", 11, False),
        ("POST", "/admin/flags", "admin.js", 13, True),
    ]


def test_typescript_base_controller_with_a_router_field(tmp_path: Path) -> None:
    """TypeScript: the base class keeps `router = Router()` as a field and registers from a typed
    options object (`...(spec.guards ?? [])`); an ES-module subclass declares its routes."""
    (tmp_path / "package.json").write_text('{"dependencies": {"express": "^4.21.2"}}\n')
    (tmp_path / "base.ts").write_text(
        "import { Router, RequestHandler } from 'express';\n"
        "interface RouteSpec { method: 'get' | 'post' | 'delete'; path: string; handler: RequestHandler; guards?: RequestHandler[] }\n"
        "export abstract class BaseController {\n"
        "  public readonly router: Router = Router();\n"
        "  protected register(spec: RouteSpec): void {\n"
        "    this.router[spec.method](spec.path, ...(spec.guards ?? []), spec.handler.bind(this));\n"
        "  }\n"
        "}\n"
    )
    (tmp_path / "auth.ts").write_text(
        "import { Request, Response, NextFunction } from 'express';\n"
        "export function requireAuth(req: Request, res: Response, next: NextFunction) {\n"
        "  if (!req.user) return res.status(401).end();\n"
        "  next();\n"
        "}\n"
    )
    (tmp_path / "users.ts").write_text(
        "import { Request, Response } from 'express';\n"
        "import { BaseController } from './base';\n"
        "import { requireAuth } from './auth';\n"
        "export class UsersController extends BaseController {\n"
        "  constructor(private readonly users: Map<string, unknown>) {\n"
        "    super();\n"
        "    this.register({ method: 'get', path: '/users/:id', handler: this.show });\n"
        "    this.register({ method: 'delete', path: '/users/:id', handler: this.destroy, guards: [requireAuth] });\n"
        "  }\n"
        "  show(req: Request, res: Response) { res.json(this.users.get(req.params.id)); }\n"
        "  destroy(req: Request, res: Response) { this.users.delete(req.params.id); res.status(204).end(); }\n"
        "}\n"
    )
    (tmp_path / "server.ts").write_text(
        "import express from 'express';\n"
        "import { UsersController } from './users';\n"
        "const app = express();\n"
        "app.use('/api', new UsersController(new Map()).router);\n"
        "app.listen(3000);\n"
    )
    rows = sorted((r.method, r.path, r.file, r.line, r.reg_line, r.protections["authentication"] is not None) for r in link(tmp_path).model.routes)
    assert rows == [
        ("DELETE", "/api/users/:id", "users.ts", 11, 8, True),
        ("GET", "/api/users/:id", "users.ts", 10, 7, False),
    ]


def test_unmounted_subclass_and_fan_out_through_helpers(tmp_path: Path) -> None:
    """A controller built by a container (no mount seen) is listed as not mounted; helpers that
    call each other many times over stay bounded (the budget, not 10^6 expansions) and recursion
    ends (a chain of helpers deeper than MAX_HELPER_DEPTH is not followed)."""
    (tmp_path / "base.js").write_text(
        "const { Router } = require('express');\n"
        "class Base {\n"
        "  constructor() { this.app = Router(); }\n"
        "  route(verb, path, handler) { this.app[verb](path, handler); }\n"
        "  again(verb, path, handler) { this.again(verb, path, handler); }\n"
        "  get router() { return this.app; }\n"
        "}\n"
        "module.exports = Base;\n"
    )
    fan = "".join(
        f"  m{i}(p, h) {{ {' '.join(f'this.m{i + 1}(p, h);' for _ in range(10))} }}\n" for i in range(4)
    )
    (tmp_path / "deep.js").write_text(
        "const Base = require('./base');\n"
        "class Deep extends Base {\n"
        "  constructor() {\n"
        "    super();\n"
        "    this.m0('/deep', this.show);\n"
        "    this.again('post', '/loop', this.show);\n"
        "  }\n"
        + fan
        + "  m4(p, h) { this.route('get', p, h); }\n"
        "  show(req, res) { res.json({ q: req.query.q }); }\n"
        "}\n"
        "module.exports = Deep;\n"
    )
    (tmp_path / "container.js").write_text(
        "const Deep = require('./deep');\n"
        "const services = new Map();\n"
        "services.set('deep', new Deep());\n"
        "module.exports = services;\n"
    )
    routes = link(tmp_path).model.routes
    assert sorted((r.method, r.path, r.file, r.line, r.mounted) for r in routes) == [("GET", "/deep", "deep.js", 13, False)]


def test_es_module_subclass_registers_on_the_inherited_router(tmp_path: Path) -> None:
    """ES modules (default and named class exports): a subclass registers directly on the
    router its base creates (`this.app.use(...)`, `this.app.get(...)`, receiver known only
    through the base class in another file) and mounts other controllers there."""
    (tmp_path / "package.json").write_text('{"type": "module", "dependencies": {"express": "^4.21.2"}}\n')
    (tmp_path / "controller.js").write_text(
        "import { Router } from 'express';\n"
        "export default class Controller {\n"
        "  constructor(config) {\n"
        "    this.config = config;\n"
        "    this.app = Router();\n"
        "  }\n"
        "  post(path, handler) {\n"
        "    this.app.post(path, handler.bind(this));\n"
        "  }\n"
        "  get router() {\n"
        "    return this.app;\n"
        "  }\n"
        "}\n"
    )
    (tmp_path / "flags.js").write_text(
        "import Controller from './controller.js';\n"
        "export class FlagsController extends Controller {\n"
        "  constructor(config) {\n"
        "    super(config);\n"
        "    this.post('/:name/toggle', this.toggle);\n"
        "  }\n"
        "  toggle(req, res) {\n"
        "    res.json({ name: req.params.name, on: req.body.on });\n"
        "  }\n"
        "}\n"
    )
    (tmp_path / "admin.js").write_text(
        "import Controller from './controller.js';\n"
        "import { FlagsController } from './flags.js';\n"
        "function status(req, res) {\n"
        "  res.json({ ok: true });\n"
        "}\n"
        "export default class AdminApi extends Controller {\n"
        "  constructor(config) {\n"
        "    super(config);\n"
        "    this.app.use('/flags', new FlagsController(config).router);\n"
        "    this.app.get('/status', status);\n"
        "  }\n"
        "}\n"
    )
    (tmp_path / "server.js").write_text(
        "import express from 'express';\n"
        "import AdminApi from './admin.js';\n"
        "const app = express();\n"
        "app.use(express.json());\n"
        "app.use('/api/admin', new AdminApi({}).router);\n"
        "app.listen(3000);\n"
    )
    rows = sorted((r.method, r.path, r.file, r.line, r.reg_file, r.reg_line) for r in link(tmp_path).model.routes)
    assert rows == [
        ("GET", "/api/admin/status", "admin.js", 3, "admin.js", 10),
        ("POST", "/api/admin/flags/:name/toggle", "flags.js", 7, "flags.js", 5),
    ]


ROUTE_TABLE_APP = """\
const express = require('express');
const helmet = require('helmet');
const { requireUser } = require('./auth');
const app = express();
app.use(helmet());

const ROUTES = [
  { method: 'get', path: '/', handler: (req, res) => res.send('<h1>home</h1>') },
  { method: 'post', path: '/orders', middleware: [requireUser], handler: createOrder },
  { method: 'delete', path: '/orders/:id', handler: deleteOrder },
  { method: process.env.EXTRA_METHOD, path: '/extra', handler: createOrder },
];

function createOrder(req, res) {
  res.status(201).json({ item: req.body.item });
}

function deleteOrder(req, res) {
  res.status(204).end();
}

for (const route of ROUTES) {
  app[route.method](route.path, ...(route.middleware || []), route.handler);
}

const api = express.Router();
ROUTES.forEach((r) => api.get(r.path, r.handler));
app.use('/api', api);
app.use((err, req, res, next) => res.status(500).end());
app.listen(3000);
"""


def test_route_table_in_the_same_file(tmp_path: Path) -> None:
    """`for (const route of ROUTES) app[route.method](route.path, ...)` and
    `ROUTES.forEach((r) => api.get(r.path, r.handler))` over a constant array: one route per
    entry, declared at the entry's line; an entry with a computed method gives none."""
    (tmp_path / "app.js").write_text(ROUTE_TABLE_APP)
    (tmp_path / "auth.js").write_text("exports.requireUser = (req, res, next) => (req.user ? next() : res.status(401).end());\n")
    rows = sorted((r.method, r.path, r.file, r.line, r.reg_line, r.protections["authentication"] is not None) for r in link(tmp_path).model.routes)
    assert rows == [
        ("DELETE", "/orders/:id", "app.js", 18, 10, False),
        ("GET", "/", "app.js", 8, 8, False),
        ("GET", "/api", "app.js", 8, 8, False),
        ("GET", "/api/extra", "app.js", 14, 11, False),
        ("GET", "/api/orders", "app.js", 14, 9, False),
        ("GET", "/api/orders/:id", "app.js", 18, 10, False),
        ("POST", "/orders", "app.js", 14, 9, True),
    ]
    found = app_findings(scan_app(tmp_path))
    assert ("NW513", "app.js", 10) in found  # DELETE /orders/:id: no check at all, at its table entry
    assert not {f for f in found if f[0] in ("NW511", "NW513") and f[2] == 9}  # POST /orders signs in


def test_paths_built_from_nested_module_constants(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_text(
        "const express = require('express');\n"
        "const app = express();\n"
        "const PROJECT = '/:projectId';\n"
        "const FEATURE = `${PROJECT}/features/:featureName`;\n"
        "const ENV = `${FEATURE}/environments/:environment`;\n"
        "const STRATEGIES = `${ENV}/strategies`;\n"
        "const STRATEGY = STRATEGIES + '/:strategyId';\n"
        "function add(router, method, path, handler) {\n"
        "  router[method](path, handler);\n"
        "}\n"
        "add(app, 'patch', STRATEGY, (req, res) => res.json(req.body));\n"
        "app.listen(3000);\n"
    )
    rows = [(r.method, r.path, r.reg_line) for r in link(tmp_path).model.routes]
    assert rows == [("PATCH", "/:projectId/features/:featureName/environments/:environment/strategies/:strategyId", 11)]


def test_permission_middleware_is_shown_with_the_constant_passed() -> None:
    reg = RouteReg(
        ("inst", "C.app", ""),
        "",
        "{o.path}",
        (MwRef("call", name="checkPermission", text="checkPermission(o.permission)", slot="0.permission"), MwRef("local", name="h")),
        4,
        5,
        1,
        template=(("method", "0.method"), ("path", "0.path")),
    )

    def shown(permission: ArgConst) -> str:
        fields = (("method", ArgConst(text="delete")), ("path", ArgConst(text="/x")), ("permission", permission))
        got = instantiate(reg, (ArgConst(fields=fields, is_obj=True),), "base.js", "sub.js")
        assert got is not None
        first = got[0].args[0]
        # The name-based classification keeps reading the helper's own text.
        assert (first.kind, first.name, first.text) == ("call", "checkPermission", "checkPermission(o.permission)")
        return first.shown

    constant = ArgConst(ref=MwRef("import", name="DELETE_SEGMENT", spec="./types", text="DELETE_SEGMENT"))
    assert shown(constant) == "checkPermission(DELETE_SEGMENT)"
    assert shown(ArgConst(items=(constant, ArgConst(text="admin")))) == "checkPermission([DELETE_SEGMENT, 'admin'])"
    assert shown(ArgConst(is_obj=True)) == ""


def test_helper_registering_by_a_flag_of_its_options(tmp_path: Path) -> None:
    """`if (spec.public) router[m](path, h) else router[m](path, requireAuth, h)`: each call
    registers the branch its flag selects (a flag not listed is undefined; one passed on from a
    variable leaves both)."""
    (tmp_path / "app.js").write_text(
        "const express = require('express');\n"
        "const app = express();\n"
        "function requireAuth(req, res, next) {\n"
        "  if (!req.user) return res.status(401).end();\n"
        "  next();\n"
        "}\n"
        "function define(router, spec) {\n"
        "  if (spec.public) {\n"
        "    router[spec.method](spec.path, spec.handler);\n"
        "  } else {\n"
        "    router[spec.method](spec.path, requireAuth, spec.handler);\n"
        "  }\n"
        "}\n"
        "const save = (req, res) => res.json({ text: req.body.text });\n"
        "define(app, { method: 'post', path: '/notes', handler: save });\n"
        "define(app, { method: 'post', path: '/contact', handler: save, public: true });\n"
        "define(app, { method: 'put', path: '/notes/:id', handler: save, public: false });\n"
        "app.listen(3000);\n"
    )
    rows = sorted((r.method, r.path, r.reg_line, r.protections["authentication"] is not None) for r in link(tmp_path).model.routes)
    assert rows == [("POST", "/contact", 16, False), ("POST", "/notes", 15, True), ("PUT", "/notes/:id", 17, True)]
    found = app_findings(scan_app(tmp_path))
    assert not {f for f in found if f[0] == "NW511" and f[2] in (15, 17)}


def test_no_middleware_twice_in_a_chain() -> None:
    """A registration reached through several calls of a helper, or an app reached through a
    helper's parameter as well as directly, is one middleware in each route's chain (unleash's
    routes had every app-level middleware 23 times)."""
    for app in (DATA, ROOT / "examples" / "insecure-express", ROOT / "tests" / "apps" / "routes-express"):
        for r in link(app).model.routes:
            seen = [(m.name, m.path, m.line, m.scope) for m in r.middleware]
            assert len(seen) == len(set(seen)), (app.name, r.method, r.path)
