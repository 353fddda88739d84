"""`--history` reports one finding per leaked value: a secret still in the working tree is the
detector's finding (naming the commit that first added it), not that finding plus NW805."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from nw_secrets_helpers import git, init_repo, secrets_scan

from nodeward.cli import main
from nodeward.model import Finding, Severity
from nodeward.secrets.candidate import SecretDetail
from nodeward.secrets.gitrepo import git_available

pytestmark = pytest.mark.skipif(not git_available(), reason="git is not installed")

STRIPE = "sk_live_51Qm8TnW3v7Rk2Lx9Pd4Hs6Jz"
GITHUB = "ghp_Vb3Nm8Qx2Lk7Tz4Wr9Hp6Js1Fd5Gc0Ya7Ue2X"
GITLAB = "glpat-Pq7Wm2Zx9Lr4Tn8Vb3Hk"
JWT = (
    "eyJhbGciOiAiSFMyNTYiLCAidHlwIjogIkpXVCJ9.eyJzdWIiOiAicmVwb3J0LXdvcmtlciIsICJzY29wZSI6ICJyZXBvcnRzOnJlYWQifQ"
    ".Q3pV8xN2mK7rT4wL9hB6jD1fG5cY0aE2uS8nR3vZ7kM"
)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """main: a Stripe key committed in `add keys` and still there (moved two lines down), a
    GitHub token committed and later removed, a GitLab token first committed in `legacy.env`
    and now only in `settings.env`, a JWT still committed; plus an uncommitted Slack-free edit
    adding nothing. `first.txt` holds the `add keys` commit."""
    r = init_repo(tmp_path_factory.mktemp("merge") / "repo")
    (r / "payments.js").write_text(
        f"const stripe = require('stripe');\nmodule.exports = stripe('{STRIPE}');\n"
    )
    (r / "github.js").write_text(f"module.exports = {{ token: '{GITHUB}' }};\n")
    (r / "legacy.env").write_text(f"GITLAB_TOKEN={GITLAB}\n")
    (r / "worker.js").write_text(f"const SERVICE_TOKEN = '{JWT}';\nmodule.exports = SERVICE_TOKEN;\n")
    git(r, "add", ".")
    git(r, "commit", "-qm", "add keys", date="2024-05-06T07:08:09+00:00")
    first = git(r, "rev-parse", "HEAD").strip()
    (r / "payments.js").write_text(
        f"// Payments client\n\nconst stripe = require('stripe');\nmodule.exports = stripe('{STRIPE}');\n"
    )
    (r / "github.js").write_text("module.exports = { token: process.env.GITHUB_TOKEN };\n")
    git(r, "rm", "-q", "legacy.env")
    (r / "settings.env").write_text(f"PORT=3000\nGITLAB_TOKEN={GITLAB}\n")
    git(r, "add", ".")
    git(r, "commit", "-qm", "tidy", date="2024-06-07T08:09:10+00:00")
    (r / "first.txt").write_text(first)
    return r


def _by_value(findings: tuple[Finding, ...], redacted_prefix: str) -> list[Finding]:
    return [
        f for f in findings if isinstance(f.detail, SecretDetail) and f.detail.redacted.startswith(redacted_prefix)
    ]


def test_secret_still_in_the_tree_is_one_finding_naming_its_commit(repo: Path) -> None:
    first = (repo / "first.txt").read_text()
    found = _by_value(secrets_scan(repo, history=True).findings, "sk_l")
    assert [(f.rule_id, f.path, f.line) for f in found] == [("NW816", "payments.js", 4)]
    f = found[0]
    assert isinstance(f.detail, SecretDetail)
    assert f.detail.commit == first and f.detail.author_date.startswith("2024-05-06")
    assert f.detail.still_present_at_head is True
    assert (f.detail.history_path, f.detail.history_line) == ("payments.js", 2)
    assert f"in git history since commit {first[:12]} (2024-05-06" in f.message
    assert "at payments.js:2: rotate it" in f.message
    assert STRIPE not in f.message


def test_secret_removed_from_the_tree_stays_a_history_finding(repo: Path) -> None:
    found = _by_value(secrets_scan(repo, history=True).findings, "ghp_")
    assert [(f.rule_id, f.path, f.line) for f in found] == [("NW805", "github.js", 1)]
    assert "removed since" in found[0].message


def test_secret_moved_to_another_file_names_where_it_was_first_committed(repo: Path) -> None:
    found = _by_value(secrets_scan(repo, history=True).findings, "glp")
    assert [(f.rule_id, f.path, f.line) for f in found] == [("NW814", "settings.env", 2)]
    assert "at legacy.env:1: rotate it" in found[0].message


def test_uncommitted_secret_has_no_history(tmp_path: Path) -> None:
    r = init_repo(tmp_path / "r")
    (r / "app.js").write_text("module.exports = {};\n")
    git(r, "add", ".")
    git(r, "commit", "-qm", "init")
    (r / "app.js").write_text(f"module.exports = {{ stripeKey: '{STRIPE}' }};\n")
    found = _by_value(secrets_scan(r, history=True).findings, "sk_l")
    assert [(f.rule_id, f.path, f.line) for f in found] == [("NW816", "app.js", 1)]
    assert isinstance(found[0].detail, SecretDetail) and not found[0].detail.commit
    assert "git history" not in found[0].message


def test_secret_committed_only_at_head_is_not_nw805(tmp_path: Path) -> None:
    r = init_repo(tmp_path / "r")
    (r / "billing.js").write_text(f"const key = '{STRIPE}';\nmodule.exports = key;\n")
    git(r, "add", ".")
    git(r, "commit", "-qm", "only commit")
    head = git(r, "rev-parse", "HEAD").strip()
    found = secrets_scan(r, history=True).findings
    assert [(f.rule_id, f.path, f.line) for f in found] == [("NW816", "billing.js", 1)]
    assert isinstance(found[0].detail, SecretDetail) and found[0].detail.commit == head


def test_fingerprint_is_the_same_with_and_without_history(repo: Path) -> None:
    def prints(history: bool) -> dict[str, str]:
        return {f.rule_id + ":" + f.path: f.fingerprint for f in secrets_scan(repo, history=history).findings if f.rule_id != "NW805"}

    plain, once, again = prints(False), prints(True), prints(True)
    assert "NW816:payments.js" in plain
    assert plain == once == again


def test_a_value_in_history_raises_a_lower_severity_to_nw805s(repo: Path) -> None:
    plain = _by_value(secrets_scan(repo).findings, "eyJh")
    folded = _by_value(secrets_scan(repo, history=True).findings, "eyJh")
    assert [(f.rule_id, f.path, f.line, f.severity) for f in plain] == [("NW839", "worker.js", 1, Severity.MEDIUM)]
    assert [(f.rule_id, f.path, f.line, f.severity) for f in folded] == [("NW839", "worker.js", 1, Severity.HIGH)]


@pytest.mark.parametrize("command", ["secrets", "scan"])
def test_cli_reports_each_value_once(repo: Path, command: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`scan` brings the JS/TS findings from the engine workers and the rest from the secrets
    analyzer; both commands give one finding per value."""
    main([command, str(repo), "--history", "--format", "json", "--no-cache"])
    out = capsys.readouterr().out
    for secret in (STRIPE, GITHUB, GITLAB, JWT):
        assert secret not in out
    got = {
        (f["rule_id"], f["path"], f["line"], f.get("history_path"))
        for f in json.loads(out)["findings"]
        if f["rule_id"].startswith("NW8") and f["rule_id"] not in ("NW801", "NW802")
    }
    assert got == {
        ("NW816", "payments.js", 4, "payments.js"),
        ("NW805", "github.js", 1, None),
        ("NW814", "settings.env", 2, "legacy.env"),
        ("NW839", "worker.js", 1, "worker.js"),
    }
