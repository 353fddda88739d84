"""`--history`: every added line of every commit, on a small generated repository."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from nw_secrets_helpers import git, init_repo, secrets_scan

from nodeward.cli import main
from nodeward.secrets.candidate import SecretDetail
from nodeward.secrets.gitrepo import git_available

pytestmark = pytest.mark.skipif(not git_available(), reason="git is not installed")

REMOVED = "ghp_R7kLm2Qx9Tz4Wv8Np3Hs6Jd1Fb5Gc0Ya7Ue2X"
KEPT = "sk_live_51Hq7LmR2x9Tz4Wv8Np3Hs6Jd"
BRANCH_ONLY = "glpat-Xk7Rm2Tq9Lz4Wn8Vp3Hs"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    r = init_repo(tmp_path_factory.mktemp("hist") / "repo")
    (r / "app.js").write_text("const a = 1;\n")
    git(r, "add", ".")
    git(r, "commit", "-qm", "init", date="2024-01-02T03:04:05+00:00")
    (r / "config.js").write_text(f"module.exports = {{\n  port: 3000,\n  github: '{REMOVED}',\n}};\n")
    git(r, "add", ".")
    git(r, "commit", "-qm", "add token", date="2024-02-03T04:05:06+00:00")
    first = git(r, "rev-parse", "HEAD").strip()
    (r / "config.js").write_text(f"module.exports = {{\n  port: 3000,\n  github: process.env.GITHUB_TOKEN,\n  stripe: '{KEPT}',\n}};\n")
    git(r, "add", ".")
    git(r, "commit", "-qm", "rotate", date="2024-03-04T05:06:07+00:00")
    git(r, "checkout", "-qb", "feature")
    (r / "deploy.env").write_text(f"GITLAB_TOKEN={BRANCH_ONLY}\n")
    git(r, "add", ".")
    git(r, "commit", "-qm", "branch secret", date="2024-04-05T06:07:08+00:00")
    git(r, "checkout", "-q", "main")
    (r / "first.txt").write_text(first)
    return r


def test_history_findings_carry_commit_date_and_head_state(repo: Path) -> None:
    first = (repo / "first.txt").read_text()
    # A value still in the working tree is that finding, carrying the commit (not also NW805).
    hist = {
        f.detail.kind: f
        for f in secrets_scan(repo, history=True).findings
        if isinstance(f.detail, SecretDetail) and f.detail.commit
    }
    assert set(hist) == {"GitHub token", "Stripe live secret key", "GitLab token"}
    assert {k: f.rule_id for k, f in hist.items()} == {
        "GitHub token": "NW805",
        "Stripe live secret key": "NW816",
        "GitLab token": "NW805",
    }
    removed = hist["GitHub token"]
    assert isinstance(removed.detail, SecretDetail)
    assert (removed.path, removed.line) == ("config.js", 3)
    assert removed.detail.commit == first
    assert removed.detail.author_date.startswith("2024-02-03")
    assert removed.detail.still_present_at_head is False
    assert "rotate it" in removed.message
    kept = hist["Stripe live secret key"]
    assert isinstance(kept.detail, SecretDetail) and kept.detail.still_present_at_head is True
    branch = hist["GitLab token"]
    assert isinstance(branch.detail, SecretDetail)
    assert branch.path == "deploy.env" and branch.detail.still_present_at_head is False


def test_without_history_only_the_working_tree(repo: Path) -> None:
    rules = {(f.rule_id, f.path) for f in secrets_scan(repo).findings}
    assert ("NW816", "config.js") in rules
    assert not any(r == "NW805" for r, _ in rules)


def test_cli_history_json_is_redacted(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["secrets", str(repo), "--history", "--format", "json", "--no-cache"])
    out = capsys.readouterr().out
    assert code == 1
    for secret in (REMOVED, KEPT, BRANCH_ONLY):
        assert secret not in out
    doc = json.loads(out)
    commits = {f.get("commit") for f in doc["findings"] if f["rule_id"] == "NW805"}
    assert (repo / "first.txt").read_text() in commits


def test_scan_history_flag(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["scan", str(repo), "--history", "--format", "json", "--no-cache"])
    doc = json.loads(capsys.readouterr().out)
    assert any(f["rule_id"] == "NW805" for f in doc["findings"])


def test_history_outside_a_repository_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.js").write_text("const a = 1;\n")
    assert main(["secrets", str(tmp_path), "--history"]) == 3
    assert "git work tree" in capsys.readouterr().out


def test_history_skips_committed_node_modules_and_excludes(tmp_path: Path) -> None:
    from dataclasses import replace

    from nodeward.config import Config

    r = init_repo(tmp_path / "r")
    (r / "node_modules" / "pkg").mkdir(parents=True)
    (r / "node_modules" / "pkg" / "index.js").write_text(f"module.exports = '{REMOVED}';\n")
    (r / "fixtures").mkdir()
    (r / "fixtures" / "keys.env").write_text(f"STRIPE={KEPT}\n")
    (r / "app.env").write_text(f"GITLAB={BRANCH_ONLY}\n")
    git(r, "add", "-f", ".")
    git(r, "commit", "-qm", "vendored")
    base = Config()
    cfg = replace(base, secrets=replace(base.secrets, exclude=("fixtures/",)))
    found = secrets_scan(r, history=True, config=cfg).findings
    paths = {f.path for f in found if isinstance(f.detail, SecretDetail) and f.detail.commit}
    assert paths == {"app.env"}


def test_history_range_limits_the_walk(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["secrets", str(repo), "--history-range", "main..feature", "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    kinds = {f["secret_kind"] for f in doc["findings"] if f["rule_id"] == "NW805"}
    assert kinds == {"GitLab token"}


def test_history_range_is_never_an_option(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["secrets", str(repo), "--history-range=--output=/tmp/x"]) == 2
    assert main(["secrets", str(repo), "--history-range", "no-such-ref..HEAD"]) == 3
    assert "history scan failed" in capsys.readouterr().out
