"""No output format ever contains a full secret: text, JSON, SARIF and HTML, for
`secrets` (with history) and for `scan` (where other analyzers report on the same lines)."""

from __future__ import annotations

import json
import random
import string
from pathlib import Path

import pytest
from nw_secrets_helpers import git, init_repo, secrets_scan

from nodeward.config import Config
from nodeward.model import Confidence
from nodeward.report import FORMATS, RenderOptions
from nodeward.scanner import scan

_R = random.Random(4242)  # fresh fake values, distinct from every docs example (SARIF embeds docs)


def _rnd(alphabet: str, n: int) -> str:
    return "".join(_R.choice(alphabet) for _ in range(n))


_ALNUM = string.ascii_letters + string.digits
SECRETS = {
    "aws": "AKIA" + _rnd("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
    "aws_secret": _rnd(_ALNUM + "/+", 40),
    "github": "ghp_" + _rnd(_ALNUM, 36),
    "db": _rnd(_ALNUM, 12),
    "jwt_secret": "orders-signing-" + _rnd(_ALNUM, 10),
    "session": "keyboard-cat-" + _rnd(_ALNUM, 8),
    "password": "W1nter!" + _rnd(_ALNUM, 6),
    "npm": _rnd(_ALNUM, 18),
    "script": _rnd(_ALNUM, 14),
    "removed": "sk_live_" + _rnd(_ALNUM, 24),
}


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = init_repo(tmp_path_factory.mktemp("redact") / "app")
    (root / "old.js").write_text(f"module.exports = '{SECRETS['removed']}';\n")
    git(root, "add", ".")
    git(root, "commit", "-qm", "old")
    (root / "old.js").unlink()
    (root / ".env").write_text(
        f"AWS_ACCESS_KEY_ID={SECRETS['aws']}\nAWS_SECRET_ACCESS_KEY={SECRETS['aws_secret']}\n"
        f"DATABASE_URL=postgres://app:{SECRETS['db']}@db.internal:5432/app\n"
    )
    (root / "config.js").write_text(
        f"module.exports = {{\n  github: '{SECRETS['github']}',\n  db: {{ password: '{SECRETS['password']}' }},\n}};\n"
    )
    (root / "auth.js").write_text(
        "const jwt = require('jsonwebtoken');\nconst session = require('express-session');\n"
        f"const t = jwt.sign({{ sub: 1 }}, '{SECRETS['jwt_secret']}');\n"
        f"const v = jwt.verify(t, '{SECRETS['jwt_secret']}', {{ algorithms: ['HS256', 'none'] }});\n"
        f"module.exports = session({{ secret: '{SECRETS['session']}' }});\n"
    )
    (root / ".npmrc").write_text(f"//registry.npmjs.org/:_authToken={SECRETS['npm']}\n")
    (root / "package.json").write_text(json.dumps({"name": "a", "scripts": {"deploy": f"DEPLOY_TOKEN={SECRETS['script']} node d.js"}}, indent=2))
    git(root, "add", ".")
    git(root, "commit", "-qm", "new")
    return root


def _assert_redacted(text: str, where: str) -> None:
    for name, value in SECRETS.items():
        assert value not in text, f"{name} leaked in {where}"
        assert value[2:-2] not in text, f"{name} nearly leaked in {where}"


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_secrets_command_output_is_redacted(tree: Path, fmt: str) -> None:
    result = secrets_scan(tree, history=True, min_confidence=Confidence.LOW)
    ids = {f.rule_id for f in result.findings}
    assert {"NW805", "NW806", "NW807", "NW808", "NW810", "NW813", "NW803", "NW804"} <= ids
    _assert_redacted(FORMATS[fmt](result, RenderOptions(verbose=True)), fmt)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_full_scan_output_is_redacted(tree: Path, fmt: str) -> None:
    result = scan(tree, Config(use_cache=False))
    assert any(f.rule_id == "NW806" for f in result.findings)
    _assert_redacted(FORMATS[fmt](result, RenderOptions(verbose=True)), fmt)


def test_fingerprints_hash_the_value_not_the_line(tree: Path, tmp_path: Path) -> None:
    before = {f.fingerprint for f in secrets_scan(tree).findings if f.rule_id == "NW813"}
    moved = tmp_path / "moved"
    moved.mkdir()
    (moved / "config.js").write_text(f"// moved down\n\n\nmodule.exports = {{ github: '{SECRETS['github']}' }};\n")
    after = {f.fingerprint for f in secrets_scan(moved).findings if f.rule_id == "NW813"}
    assert before == after and len(before) == 1


def test_sarif_is_schema_valid_with_history_details(tree: Path) -> None:
    import jsonschema

    schema_path = Path(__file__).resolve().parents[3] / "shared" / "schemas" / "sarif-schema-2.1.0.json"
    if not schema_path.exists():
        pytest.skip("shared SARIF schema not available")
    result = secrets_scan(tree, history=True)
    doc = json.loads(FORMATS["sarif"](result, RenderOptions()))
    jsonschema.validate(doc, json.loads(schema_path.read_text()))
    props = [r["properties"] for r in doc["runs"][0]["results"] if r["ruleId"] == "NW805"]
    assert props and all("commit" in p and "still_present_at_head" in p for p in props)
