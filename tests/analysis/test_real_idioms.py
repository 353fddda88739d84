"""App-model and taint false alarms found by scanning real, maintained servers.

`bench/real_apps.py` scans published Express applications; `bench/real_apps_triage.md` lists
every finding and why it was a false alarm.  `data/real_idioms` is a small app written for
this test (no code of those apps is copied) with each misread idiom as an `// ok:` line and
its risky twin as a `// ruleid:` line: permission factories that authenticate through
passport and check scopes in its callback, `can('unpublish')` builders, 401/403 error
classes passed to `next()`, pre-sign-in flows, mounted sub-apps, redirects to the request's
own host, leading-slash collapsing, multer's server-side upload paths and plain-text
`res.writeHead` responses.
"""

from __future__ import annotations

from pathlib import Path

from nodeward.analysis.appmodel import Route
from tests.analysis.helpers import annotated_lines, link, scan_app

APP = Path(__file__).resolve().parent / "data" / "real_idioms"
RULES = {"NW114", "NW116", "NW210", "NW401", "NW450", "NW451", "NW511", "NW513"}


def _found() -> set[tuple[str, str, int]]:
    result = scan_app(APP)
    return {(f.rule_id, f.path, f.line) for f in result.findings if f.rule_id in RULES}


def test_findings_equal_annotations() -> None:
    expected, forbidden = annotated_lines(APP)
    assert {r for r, _p, _l in expected} == RULES
    found = _found()
    assert found == expected
    assert not found & forbidden


def _route(routes: list[Route], method: str, path: str) -> Route:
    return next(r for r in routes if r.method == method and r.path == path)


def test_route_protections_name_the_guard() -> None:
    routes = link(APP).model.routes
    scoped = _route(routes, "DELETE", "/admin/projects/:id")
    authz = scoped.protections["authorization"]
    assert authz is not None and authz.name == "needsScope('projects.write')"
    assert scoped.protections["authentication"] is not None
    member = _route(routes, "PUT", "/account")
    authn = member.protections["authentication"]
    assert authn is not None and authn.name == "requireMember"
    assert member.protections["authorization"] is None
    owner = _route(routes, "DELETE", "/notes/:id")
    owned = owner.protections["authorization"]
    assert owned is not None and owned.name == "authorOnly"
    # passport.initialize() wires passport up; it turns nobody away.
    open_route = _route(routes, "POST", "/notes")
    assert open_route.protections["authentication"] is None


def test_only_the_sub_app_is_mounted() -> None:
    model = link(APP).model
    apps = {(a.path, a.line): a.mounted for a in model.apps}
    assert apps == {("server.js", 10): False, ("server.js", 21): True, ("metrics.js", 7): False}
    # The sub-app's routes are listed once, under its mount path, not again from its own walk.
    admin = sorted((r.method, r.path) for r in model.routes if r.file == "server.js" and r.line in (22, 24))
    assert admin == [("DELETE", "/admin/projects/:id"), ("GET", "/admin/stats")]
