"""App-model and taint false alarms found on TypeScript, Koa and NestJS servers (second pass).

`bench/real_apps.py` also scans unleash, directus, budibase and homebridge-config-ui-x;
`bench/real_apps_triage.md` lists every finding.  `data/real_idioms_ts` is a small TypeScript
Express + Koa app written for this test (no code of those apps is copied).  Each misread idiom
is an `// ok:` line and its risky twin a `// ruleid:` line: a permission factory calling
`req.checkRbac(...)` and answering 403, a `Location` header on a 201, a store call on a callback
parameter (`tx((service) => service.delete(id, req.audit))`) taken for a route, SQL placeholders
built with `ids.map(() => '?')`, nested keys in an `Object.create(null)` map, a fetch to `${configuredBase}/api/${path}`, koa-body's
`upload.filepath` through a helper, harness apps in test files, and routes added to a router
imported from another module.
"""

from __future__ import annotations

from pathlib import Path

from nodeward.analysis.appmodel import Route
from tests.analysis.helpers import annotated_lines, link, scan_app

APP = Path(__file__).resolve().parent / "data" / "real_idioms_ts"
RULES = {"NW112", "NW114", "NW115", "NW116", "NW401", "NW510", "NW513", "NW650"}


def _found() -> set[tuple[str, str, int]]:
    result = scan_app(APP)
    return {(f.rule_id, f.path, f.line) for f in result.findings if f.rule_id in RULES}


def test_findings_equal_annotations() -> None:
    expected, forbidden = annotated_lines(APP, (".ts", ".js"))
    assert {r for r, _p, _l in expected} == RULES - {"NW401"}
    assert {r for r, _p, _l in forbidden} == RULES
    found = _found()
    assert found == expected
    assert not found & forbidden


def _route(routes: list[Route], method: str, path: str, file: str = "src/server.ts") -> Route:
    return next(r for r in routes if r.method == method and r.path == path and r.file == file)


def test_rbac_factory_is_the_authorization() -> None:
    routes = link(APP).model.routes
    guarded = _route(routes, "DELETE", "/api/admin/projects/:id")
    authz = guarded.protections["authorization"]
    assert authz is not None and authz.name == "checkPermission('DELETE_PROJECT')"
    # stamp() sets a header and calls next(); awayIfAllowed() redirects visitors who pass
    # `hasAccess()` away from a form: neither turns anybody away with a 403.
    assert _route(routes, "DELETE", "/api/admin/tags/:id").protections["authorization"] is None
    assert _route(routes, "DELETE", "/api/admin/drafts/:id").protections["authorization"] is None


def test_routes_on_a_router_imported_from_another_module() -> None:
    """`exports.ops = express.Router()` in one module, `ops.delete(...)` in another, mounted from
    a third: the route is seen, under its mount path."""
    routes = link(APP).model.routes
    assert {(r.method, r.path, r.file) for r in routes if r.path.startswith("/ops")} == {("DELETE", "/ops/jobs/:id", "src/legacy/jobs.js")}


def test_store_call_on_callback_parameter_is_no_route() -> None:
    routes = link(APP).model.routes
    assert not [r for r in routes if r.method == "DELETE" and "selector" in r.path]
    assert {(r.method, r.path) for r in routes if r.file == "src/server.ts" and r.method == "DELETE"} == {
        ("DELETE", "/api/admin/projects/:id"),
        ("DELETE", "/api/admin/tags/:id"),
        ("DELETE", "/api/admin/drafts/:id"),
    }


def test_test_files_keep_their_routes_but_get_no_deployment_advice() -> None:
    """`nodeward routes` still lists a harness's routes; only NW401/NW45x/NW51x stay quiet."""
    routes = link(APP).model.routes
    assert {r.file for r in routes if r.path == "/things/:id"} == {"test/server.test.ts", "src/flags.spec.ts"}
    result = scan_app(APP)
    assert not [f for f in result.findings if f.path in ("test/server.test.ts", "src/flags.spec.ts")]


NEST = Path(__file__).resolve().parent / "data" / "nest_compiled"


def test_compiled_nest_controllers_have_routes_guards_and_sources() -> None:
    """Published NestJS servers ship `tsc` output: decorators become `__decorate([...],
    C.prototype, 'm', null)` calls after the class, parameter decorators `__param(i, Body())`.
    Routes, guards (class and method), global pipes and `@Body()` sources are read from them."""
    expected, forbidden = annotated_lines(NEST)
    found = {(f.rule_id, f.path, f.line) for f in scan_app(NEST).findings if f.rule_id in ("NW110", "NW513")}
    assert found == expected
    assert not found & forbidden
    routes = {(r.method, r.path): r for r in link(NEST).model.routes}
    assert set(routes) == {("GET", "/jobs"), ("POST", "/jobs/run"), ("POST", "/jobs/:id/stop"), ("DELETE", "/jobs/:id"), ("DELETE", "/jobs/:id/purge")}
    purge = routes[("DELETE", "/jobs/:id/purge")].protections
    assert purge["authentication"] is not None and purge["authentication"].name == "AuthGuard('jwt')"
    assert purge["authorization"] is not None and purge["authorization"].name == "AdminGuard"
    assert routes[("DELETE", "/jobs/:id")].protections["authorization"] is None
    assert routes[("POST", "/jobs/run")].protections["validation"] is not None
