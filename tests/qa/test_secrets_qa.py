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
