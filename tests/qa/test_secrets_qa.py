"""QA: one finding per leaked token, whichever detectors recognise it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from nodeward.cli import main

NPM_TOKEN = "npm_Ab3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5"


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=qa@example.com", "-c", "user.name=qa", *args],
        cwd=root, check=True, capture_output=True,
    )


def _findings(capsys: pytest.CaptureFixture[str]) -> list[tuple[str, str, int]]:
    return sorted((f["rule_id"], f["path"], f["line"]) for f in json.loads(capsys.readouterr().out)["findings"])


def test_npm_token_in_npmrc_is_one_finding_and_outside_it_is_nw821(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`.npmrc`'s `_authToken=npm_...` was reported twice on one span, as NW803 and NW821
    (whose summary says "outside `.npmrc`")."""
    (tmp_path / ".npmrc").write_text(f"//registry.npmjs.org/:_authToken={NPM_TOKEN}\n")
    (tmp_path / "publish.env").write_text(f"NPM_PUBLISH_TOKEN={NPM_TOKEN}\n")
    main(["secrets", str(tmp_path), "--no-cache", "-f", "json"])
    assert _findings(capsys) == [("NW803", ".npmrc", 1), ("NW821", "publish.env", 1)]
    main(["scan", str(tmp_path), "--no-cache", "-f", "json"])
    assert [k for k in _findings(capsys) if k[0].startswith("NW8")] == [("NW803", ".npmrc", 1), ("NW821", "publish.env", 1)]


def test_npm_token_in_npmrc_history_is_one_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _git(tmp_path, "init", "-q")
    (tmp_path / ".npmrc").write_text(f"//registry.npmjs.org/:_authToken={NPM_TOKEN}\n")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "registry auth")
    (tmp_path / ".npmrc").write_text("//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n")
    _git(tmp_path, "commit", "-qam", "use the environment")
    main(["secrets", str(tmp_path), "--no-cache", "--history", "-f", "json"])
    assert _findings(capsys) == [("NW805", ".npmrc", 1)]


def test_env_outside_git_is_scanned_and_the_skip_says_only_git_checks_were_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Outside a git repository the report listed `.env` as "skipped" next to its findings."""
    (tmp_path / ".env").write_text("STRIPE_SECRET_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dcQ8bPq2Zx\n")
    main(["secrets", str(tmp_path), "--no-cache", "-f", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert [(f["rule_id"], f["path"], f["line"]) for f in doc["findings"]] == [("NW816", ".env", 1)]
    assert doc["skipped"] == [{
        "path": ".env",
        "reason": "not inside a git work tree: cannot tell whether this .env file is tracked or ignored "
        "(NW801/NW802 not checked; its secrets were scanned)",
    }]


AWS_ID = "AKIAZ3MSJV4WWNKWW5FG"
AWS_SECRET = "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"
STRIPE = "sk_live_4eC39HqLyjWDarjtT1zdp7dcQ8bPq2Zx"
GITHUB = "ghp_R8x2mQ7vN4kL9pW3zT6yB1cF5hJ0dS8aE2gU"
JWT_KEY = "orders-signing-key-2023-x"


def _two_per_line(root: Path) -> None:
    (root / "deploy.sh").write_text(f"export AWS_ACCESS_KEY_ID={AWS_ID} AWS_SECRET_ACCESS_KEY={AWS_SECRET}\n")
    (root / "keys.json").write_text(f'{{"stripe": "{STRIPE}", "github": "{GITHUB}"}}\n')
    (root / "app.js").write_text(
        "const jwt = require('jsonwebtoken');\nconst express = require('express');\nconst app = express();\n"
        f"app.get('/t', (req, res) => {{ const t = jwt.sign({{ u: 1 }}, '{JWT_KEY}'); "
        f"res.send('<b>' + req.query.x + '</b><!-- {STRIPE} -->' + t); }});\n"
        "module.exports = app;\n"
    )


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "html"])
def test_two_secrets_on_one_line_are_both_redacted_everywhere(tmp_path: Path, fmt: str) -> None:
    """Each of two findings on one line redacted only its own value and showed the other in
    full (snippets), and a taint message cut mid-key showed its first 19 characters."""
    root = tmp_path / "svc"
    root.mkdir()
    _two_per_line(root)
    out = tmp_path / f"report.{fmt}"
    main(["scan", str(root), "--no-cache", "-f", fmt, "-o", str(out), "-q"])
    text = out.read_text(encoding="utf-8")
    for value in (AWS_ID, AWS_SECRET, STRIPE, GITHUB, JWT_KEY, STRIPE[:12], GITHUB[:12]):
        assert value not in text, value


def test_two_secrets_on_one_line_are_both_still_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _two_per_line(tmp_path)
    main(["scan", str(tmp_path), "--no-cache", "-f", "json"])
    doc = json.loads(capsys.readouterr().out)
    keys = sorted((f["rule_id"], f["path"], f["line"]) for f in doc["findings"] if f["rule_id"].startswith("NW8"))
    assert keys == [
        ("NW806", "app.js", 4), ("NW810", "deploy.sh", 1), ("NW810", "deploy.sh", 1),
        ("NW813", "keys.json", 1), ("NW816", "app.js", 4), ("NW816", "keys.json", 1),
    ]
    snippets = {f["snippet"] for f in doc["findings"] if f["path"] == "deploy.sh"}
    assert snippets == {"export AWS_ACCESS_KEY_ID=AK…FG AWS_SECRET_ACCESS_KEY=hP3x…o6Ni"}
    nw210 = next(f for f in doc["findings"] if f["rule_id"] == "NW210")
    assert nw210["message"].endswith("'</b><!-- sk_l…q2Zx`")


BASIC_AUTH_APP = """\
const express = require('express');
const basicAuth = require('express-basic-auth');
const app = express();
const admin = express.Router();
admin.post('/reset', (req, res) => res.json({ ok: true }));
app.use('/admin', basicAuth({ users: { admin: 'Kq7-admin-pw-2024x', ops: process.env.OPS_PW } }), admin);
app.use('/billing', basicAuth({ users: { billing: 'sk_live_4eC39HqLyjWDarjtT1zdp7dcQ8bPq2Zx' } }), admin);
module.exports = app;
"""


def test_express_basic_auth_user_table_password_is_nw806(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "app.js").write_text(BASIC_AUTH_APP)
    main(["scan", str(tmp_path), "--no-cache", "-f", "json"])
    found = [(f["rule_id"], f["line"], f["column"], f["message"]) for f in json.loads(capsys.readouterr().out)["findings"] if f["rule_id"] == "NW806"]
    line6 = BASIC_AUTH_APP.splitlines()[5]
    assert found[0] == ("NW806", 6, line6.index("'Kq7") + 2, "Hard-coded HTTP basic-auth password passed to `basicAuth` (`Kq…4x`)")
    assert [f[1] for f in found] == [6, 7]  # the environment variable on line 6 is not reported


@pytest.mark.parametrize("args", [["-v"], ["-f", "json"], ["-f", "html"], ["--findings", "-v"]])
def test_route_map_never_quotes_a_middleware_secret(tmp_path: Path, args: list[str]) -> None:
    """The text route map (the cell and `-v`'s middleware lines) quoted middleware calls
    unredacted, and no format redacted a password the text detectors do not know."""
    root = tmp_path / "svc"
    root.mkdir()
    (root / "app.js").write_text(BASIC_AUTH_APP)
    out = tmp_path / "routes.out"
    main(["routes", str(root), "--no-cache", "-o", str(out), "-q", *args])
    text = out.read_text(encoding="utf-8")
    assert "/admin/reset" in text
    for value in ("Kq7-admin-pw-2024x", "Kq7-admin", "sk_live_4eC39HqLyjWDarjtT1zdp7dcQ8bPq2Zx", "sk_live_4eC39Hq"):
        assert value not in text, value


ESCAPED_APP = """\
const jwt = require('jsonwebtoken');
const t = jwt.sign({ a: 1 }, 'billing\\x2dtoken\\x2dkey\\x2d2031\\x2dq');
const pw = { password: 'Tm5\\u002dledger\\u002d2031\\u0021' };
module.exports = { t, pw };
"""


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "html"])
def test_secret_spelled_with_escapes_is_redacted(tmp_path: Path, fmt: str) -> None:
    """`'billing\\x2dtoken\\x2dkey'` was found (its decoded value) but the snippets showed the
    escaped spelling in full: the secret, one decode away."""
    root = tmp_path / "svc"
    root.mkdir()
    (root / "app.js").write_text(ESCAPED_APP)
    out = tmp_path / f"report.{fmt}"
    main(["scan", str(root), "--no-cache", "-f", fmt, "-o", str(out), "-q"])
    text = out.read_text(encoding="utf-8")
    for fragment in ("token\\x2dkey", "token\\\\x2dkey", "ledger\\u002d2031", "ledger\\\\u002d2031", "billing-token-key", "Tm5-ledger"):
        assert fragment not in text, fragment
    if fmt == "json":
        found = {(f["rule_id"], f["line"]): f["snippet"] for f in json.loads(text)["findings"]}
        assert found[("NW806", 2)] == "const t = jwt.sign({ a: 1 }, 'bil…1-q');"
        assert found[("NW807", 3)] == "const pw = { password: 'Tm…1!' };"
        assert found[("NW503", 2)] == "const t = jwt.sign({ a: 1 }, 'bil…1-q');"
