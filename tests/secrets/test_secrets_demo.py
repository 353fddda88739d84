"""The demo apps: exactly these secrets findings on insecure-express, none on hardened-express."""

from __future__ import annotations

import json

import pytest
from nw_secrets_helpers import REPO, secrets_scan

from nodeward.cli import main

INSECURE = REPO / "examples" / "insecure-express"
HARDENED = REPO / "examples" / "hardened-express"

EXPECTED = {
    (".env", 1, "NW801"),  # tracked by git on purpose in nodeward's repo
    (".env", 1, "NW802"),
    (".env", 2, "NW807"),  # JWT_SECRET
    (".env", 3, "NW810"),  # AWS access key id
    (".env", 4, "NW810"),  # AWS secret access key
    ("app.js", 21, "NW806"),  # cookieParser('...')
    ("app.js", 24, "NW806"),  # session({ secret })
    ("config.js", 4, "NW808"),  # mongodb://user:pass@
    ("config.js", 5, "NW807"),  # jwtSecret
    ("config.js", 6, "NW807"),  # sessionSecret
    ("config.js", 10, "NW807"),  # mysql password
    ("config.js", 13, "NW816"),  # Stripe live key
    ("lib/crypto-utils.js", 5, "NW806"),  # createCipher(alg, 'static-password')
    ("routes/auth.js", 18, "NW806"),  # jwt.sign
    ("routes/auth.js", 30, "NW806"),  # jwt.verify
}


def test_insecure_express_exact_set() -> None:
    got = {(f.path, f.line, f.rule_id) for f in secrets_scan(INSECURE).findings}
    assert got == EXPECTED


def test_scan_reports_the_same_secrets(capsys: pytest.CaptureFixture[str]) -> None:
    main(["scan", str(INSECURE), "--format", "json", "--no-cache"])
    doc = json.loads(capsys.readouterr().out)
    got = {(f["path"], f["line"], f["rule_id"]) for f in doc["findings"] if f["rule_id"].startswith("NW8")}
    assert got == EXPECTED


@pytest.mark.skipif(not (HARDENED / "app.js").exists(), reason="hardened-express not present")
def test_hardened_express_has_none() -> None:
    from nodeward.model import Confidence

    assert secrets_scan(HARDENED, min_confidence=Confidence.LOW).findings == ()


def test_scan_with_only_the_secrets_analyzer_keeps_code_checks() -> None:
    from nodeward.config import Config
    from nodeward.scanner import scan

    result = scan(INSECURE, Config(use_cache=False, analyzers=("secrets",)))
    got = {(f.path, f.line, f.rule_id) for f in result.findings}
    assert got == EXPECTED
