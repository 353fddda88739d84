"""Regressions from a user's review of `nodeward secrets`: each test failed before its fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from nw_secrets_helpers import git, init_repo, secrets_scan

from nodeward.model import Confidence
from nodeward.secrets.gitrepo import git_available

needs_git = pytest.mark.skipif(not git_available(), reason="git is not installed")

GH_TOKEN = "ghp_R7kLm2Qx9Tz4Wv8Np3Hs6Jd1Fb5Gc0Ya7Ue2X"


def found(root: Path, **kw: object) -> set[tuple[str, int, str]]:
    return {(f.path, f.line, f.rule_id) for f in secrets_scan(root, **kw).findings}  # type: ignore[arg-type]


@needs_git
def test_history_added_line_starting_with_plus_plus_is_not_a_file_header(tmp_path: Path) -> None:
    """`++ x` added to a file shows as `+++ x` in the diff: it must not rename the current file."""
    repo = init_repo(tmp_path / "r")
    (repo / "notes.md").write_text(f"-- heading\n++ counter\nconst t = '{GH_TOKEN}';\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "notes")
    (repo / "notes.md").write_text("nothing\n")
    git(repo, "commit", "-qam", "remove")
    hist = {(p, line, r) for p, line, r in found(repo, history=True, min_confidence=Confidence.LOW) if r == "NW805"}
    assert hist == {("notes.md", 3, "NW805")}
