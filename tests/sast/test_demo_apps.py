"""The demo pair: the insecure app shows every SAST finding on the right line,
its hardened twin shows none of them."""

from __future__ import annotations

from nodeward import scan
from nodeward.config import Config
from nodeward.sast.rules import RULES
from tests.conftest import ROOT

SAST_IDS = {r.id for r in RULES}

EXPECTED_INSECURE = {
    ("NW402", "app.js", 18),
    ("NW403", "app.js", 27),
    ("NW406", "app.js", 46),
    ("NW303", "lib/crypto-utils.js", 5),
    ("NW407", "lib/crypto-utils.js", 10),
    ("NW405", "lib/crypto-utils.js", 13),
    ("NW102", "routes/files.js", 12),
    ("NW406", "routes/files.js", 14),
    ("NW301", "routes/auth.js", 9),
    ("NW503", "routes/auth.js", 18),
    ("NW404", "routes/auth.js", 19),
    ("NW302", "routes/auth.js", 24),
    ("NW501", "routes/auth.js", 30),
    ("NW601", "routes/admin.js", 14),
    ("NW101", "routes/notes.js", 32),
}


def _sast_findings(app: str) -> set[tuple[str, str, int]]:
    result = scan(ROOT / "examples" / app, Config(use_cache=False, analyzers=("sast",)))
    return {(f.rule_id, f.path, f.line) for f in result.active_findings if f.rule_id in SAST_IDS}


def test_insecure_express_sast_findings_are_exact() -> None:
    assert _sast_findings("insecure-express") == EXPECTED_INSECURE


def test_hardened_express_has_no_sast_findings() -> None:
    assert _sast_findings("hardened-express") == set()
