"""NW512 and token-authenticated APIs next to a cookie session.

`data/access_precision_token`: an admin API whose permission factory authenticates with
`passport.authenticate(['bearer'], { session: false })` shares its app with an
`express-session` used for browser pages (an SSO sign-in). A cross-site form cannot attach a
bearer token and passport replaces the session's user, so the API routes are not CSRF-prone;
a route guarded by the session user, or by a chain that falls back to the `session`
strategy, still is.
"""

from __future__ import annotations

from pathlib import Path

from tests.analysis.helpers import annotated_lines, link, scan_app

APP = Path(__file__).resolve().parent / "data" / "access_precision_token"


def test_csrf_findings_equal_annotations() -> None:
    expected, forbidden = annotated_lines(APP)
    result = scan_app(APP)
    found = {(f.rule_id, f.path, f.line) for f in result.findings if f.rule_id == "NW512"}
    assert expected == {("NW512", "server.js", 19), ("NW512", "server.js", 21)}
    assert found == expected
    assert {("NW512", "server.js", 15), ("NW512", "server.js", 17)} <= forbidden


def test_factory_called_through_the_module_object_is_analysed() -> None:
    """`auth.needsPermission('x')` with `const auth = require('./auth')` is the same factory as
    the destructured `needsPermission('x')`: its body is read, not guessed from its name."""
    routes = {r.path: r for r in link(APP).model.routes}
    for path in ("/flows", "/flows/state"):
        (mw,) = [m for m in routes[path].middleware if "authentication" in m.categories]
        assert mw.evidence.startswith("returns") and mw.factory is not None, path
