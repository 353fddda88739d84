"""`.env` hygiene against a real git repository, `.npmrc`, and package.json scripts."""

from __future__ import annotations

from pathlib import Path

import pytest
from nw_secrets_helpers import git, init_repo, secrets_scan

from nodeward.secrets.gitrepo import git_available

pytestmark = pytest.mark.skipif(not git_available(), reason="git is not installed")


def env_rules(root: Path) -> set[tuple[str, str]]:
    return {(f.path, f.rule_id) for f in secrets_scan(root).findings if f.rule_id in ("NW801", "NW802")}


def test_tracked_env_and_not_ignored(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "r")
    (repo / ".env").write_text("PORT=3000\n")
    git(repo, "add", ".env")
    assert env_rules(repo) == {(".env", "NW801"), (".env", "NW802")}


def test_untracked_env_without_gitignore(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "r")
    (repo / ".env.local").write_text("PORT=3000\n")
    assert env_rules(repo) == {(".env.local", "NW802")}


def test_ignored_untracked_env_is_clean(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "r")
    (repo / ".gitignore").write_text(".env\n.env.*\n!.env.example\n")
    (repo / ".env").write_text("PORT=3000\n")
    (repo / ".env.example").write_text("PORT=3000\nJWT_SECRET=\nSTRIPE_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx\n")
    git(repo, "add", ".gitignore", ".env.example")
    assert env_rules(repo) == set()


def test_tracked_env_stays_reported_after_gitignore_is_added(tmp_path: Path) -> None:
    """Discovery skips the ignored file, but git still tracks it: `git ls-files` finds it."""
    repo = init_repo(tmp_path / "r")
    (repo / ".env").write_text("PORT=3000\n")
    git(repo, "add", ".env")
    git(repo, "commit", "-qm", "add env")
    (repo / ".gitignore").write_text(".env\n")
    assert env_rules(repo) == {(".env", "NW801")}


def test_example_with_a_real_secret_is_not_exempt(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "r")
    (repo / ".env.example").write_text("GITHUB_TOKEN=ghp_R7kLm2Qx9Tz4Wv8Np3Hs6Jd1Fb5Gc0Ya7Ue2X\n")
    git(repo, "add", ".env.example")
    assert (".env.example", "NW801") in env_rules(repo)


def test_scan_root_in_a_subfolder_of_the_repository(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "r")
    app = repo / "services" / "api"
    app.mkdir(parents=True)
    (app / ".env").write_text("PORT=3000\n")
    (repo / "other.env").write_text("PORT=1\n")
    git(repo, "add", "services/api/.env")
    assert env_rules(app) == {(".env", "NW801"), (".env", "NW802")}


def test_outside_git_is_reported_as_skipped_not_a_finding(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / ".env").write_text("PORT=3000\n")
    result = secrets_scan(plain)
    assert [f for f in result.findings if f.rule_id in ("NW801", "NW802")] == []
    assert any(s.path == ".env" and "not inside a git work tree" in s.reason for s in result.skipped)


def test_package_json_scripts(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(
        '{\n  "name": "x",\n  "scripts": {\n'
        '    "deploy": "DEPLOY_TOKEN=Qm7xT2vL9pRw4 node deploy.js",\n'
        '    "login": "cli login --password=Hq7Lm2Rx9Tz",\n'
        '    "safe": "DEPLOY_TOKEN=$DEPLOY_TOKEN node deploy.js",\n'
        '    "build": "tsc -p ."\n  }\n}\n'
    )
    got = {(f.line, f.rule_id) for f in secrets_scan(tmp_path).findings}
    assert got == {(4, "NW804"), (5, "NW804")}


def test_npmrc_token(tmp_path: Path) -> None:
    (tmp_path / ".npmrc").write_text("//registry.npmjs.org/:_authToken=Qx7rT2mL9vWp4Zk8\n//npm.pkg.github.com/:_authToken=${GH_TOKEN}\n")
    assert {(f.path, f.line, f.rule_id) for f in secrets_scan(tmp_path).findings} == {(".npmrc", 1, "NW803")}


def test_tracked_npmrc_says_so(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "r")
    (repo / ".npmrc").write_text("//registry.npmjs.org/:_authToken=Qx7rT2mL9vWp4Zk8\n")
    git(repo, "add", ".npmrc")
    (f,) = [f for f in secrets_scan(repo).findings if f.rule_id == "NW803"]
    assert f.message.endswith("tracked by git")
    assert f.detail is not None and f.detail.json_fields()["tracked_by_git"] is True
