"""The demo apps: every planted flaw the app model should find, and nothing on the hardened twin."""

from __future__ import annotations

import pytest

from nodeward.model import Severity
from tests.analysis.helpers import APP_RULES, app_findings, scan_app
from tests.conftest import ROOT

EXPECTED_INSECURE = {
    ("NW401", "app.js", 16),  # no helmet
    ("NW451", "app.js", 16),  # x-powered-by
    ("NW210", "app.js", 37),  # reflected XSS on '/'
    ("NW116", "app.js", 41),  # open redirect
    ("NW112", "lib/db.js", 8),  # SQL injection through the helper, from routes/notes.js
    ("NW513", "routes/admin.js", 7),  # DELETE /admin/users/:id without authorization
    # (no NW512 there: it uses no cookie, so a forged request can do nothing a direct one cannot)
    ("NW512", "routes/admin.js", 12),
    ("NW513", "routes/admin.js", 12),
    ("NW652", "routes/admin.js", 14),  # unserialize(cookie)
    ("NW211", "routes/auth.js", 13),
    ("NW510", "routes/auth.js", 13),  # unthrottled login
    ("NW512", "routes/auth.js", 13),
    ("NW113", "routes/auth.js", 14),
    ("NW211", "routes/auth.js", 23),
    ("NW510", "routes/auth.js", 23),  # the reset request reads only the body: no NW512 either
    ("NW113", "routes/auth.js", 25),
    ("NW114", "routes/files.js", 7),  # path traversal
    ("NW110", "routes/files.js", 12),  # command injection
    ("NW113", "routes/notes.js", 13),  # NoSQL injection
    ("NW211", "routes/notes.js", 24),
    ("NW512", "routes/notes.js", 24),
    ("NW650", "routes/notes.js", 26),  # _.merge(note, req.body)
    ("NW211", "routes/notes.js", 31),
    ("NW512", "routes/notes.js", 31),
    ("NW111", "routes/notes.js", 32),  # eval
}


def test_insecure_express_exact_findings() -> None:
    result = scan_app(ROOT / "examples" / "insecure-express")
    assert app_findings(result) == EXPECTED_INSECURE


def test_insecure_sql_flow_crosses_files() -> None:
    result = scan_app(ROOT / "examples" / "insecure-express")
    (f,) = [f for f in result.findings if f.rule_id == "NW112"]
    assert [(s.path, s.line) for s in f.trace][0] == ("routes/notes.js", 18)


def test_hardened_express_has_no_app_findings() -> None:
    root = ROOT / "examples" / "hardened-express"
    if not root.is_dir():
        pytest.skip("examples/hardened-express not present")
    result = scan_app(root)
    mine = [f for f in result.findings if f.rule_id in APP_RULES and f.severity >= Severity.LOW]
    assert mine == []
