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

from tests.analysis.helpers import annotated_lines, scan_app

APP = Path(__file__).resolve().parent / "data" / "access_precision_token"


def test_csrf_findings_equal_annotations() -> None:
    expected, forbidden = annotated_lines(APP)
    result = scan_app(APP)
    found = {(f.rule_id, f.path, f.line) for f in result.findings if f.rule_id == "NW512"}
    assert expected == {("NW512", "server.js", 16), ("NW512", "server.js", 18)}
    assert found == expected
    assert ("NW512", "server.js", 14) in forbidden
