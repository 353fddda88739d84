"""Small, bounded git queries (subprocess with a timeout, never a shell).

Used for `.env` hygiene (is it tracked? is it ignored?) and history scans.
The scan root may be a subfolder of a repository: every query runs with the
root as working directory, so paths come back relative to it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

__all__ = ["GIT_TIMEOUT", "GitError", "git_available", "ignored", "in_work_tree", "run_git", "tracked"]

GIT_TIMEOUT = 30.0


class GitError(Exception):
    """git is missing, timed out or failed; the message says which."""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # Never prompt, never page, never read the user's global hooks or config surprises.
    env.update({"GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0"})
    return env


def git_available() -> bool:
    """True when a `git` executable is on PATH."""
    return shutil.which("git") is not None


def run_git(
    args: Sequence[str],
    cwd: Path,
    *,
    stdin: bytes | None = None,
    timeout: float = GIT_TIMEOUT,
    ok_codes: tuple[int, ...] = (0,),
) -> bytes:
    """stdout of `git ARGS`; GitError on a missing binary, a timeout or a non-zero exit."""
    try:
        proc = subprocess.run(
            ["git", "-c", "core.quotepath=off", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            timeout=timeout,
            env=_env(),
            check=False,
        )
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} timed out after {timeout:.0f} s") from None
    if proc.returncode not in ok_codes:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} failed: {msg[-1] if msg else proc.returncode}")
    return proc.stdout


def in_work_tree(root: Path) -> bool:
    """True when `root` is inside a git work tree (and git is installed)."""
    if not git_available():
        return False
    try:
        return run_git(["rev-parse", "--is-inside-work-tree"], root).strip() == b"true"
    except GitError:
        return False


def tracked(root: Path, paths: Sequence[str]) -> set[str]:
    """Which of `paths` (relative to root) git tracks."""
    if not paths:
        return set()
    out = run_git(["ls-files", "-z", "--", *paths], root)
    return {p for p in out.decode("utf-8", "surrogateescape").split("\0") if p}


def ignored(root: Path, paths: Sequence[str]) -> set[str]:
    """Which of `paths` a committed `.gitignore` rule covers (tracked or not: `--no-index`).

    Only `.gitignore` files count: a pattern in the user's global excludes file or in
    `.git/info/exclude` protects this clone only, and the next teammate's `git add .`
    still commits the file.  A negated pattern (`!.env.example`) that wins means not ignored.
    """
    if not paths:
        return set()
    # check-ignore exits 1 when nothing is ignored; -v names the file and pattern that decided.
    stdin = "\0".join(paths).encode("utf-8", "surrogateescape") + b"\0"
    out = run_git(["check-ignore", "--no-index", "-v", "-z", "--stdin"], root, stdin=stdin, ok_codes=(0, 1))
    fields = out.decode("utf-8", "surrogateescape").split("\0")
    covered: set[str] = set()
    for i in range(0, len(fields) - 3, 4):
        source, _line, pattern, path = fields[i : i + 4]
        if source.replace("\\", "/").rsplit("/", 1)[-1] == ".gitignore" and not pattern.startswith("!"):
            covered.add(path)
    return covered
