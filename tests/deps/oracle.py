"""node-semver itself, run through Node, as an independent source of expectations.

tests/apps/semver-oracle installs npm's `semver` from a committed lockfile
(`make test` runs `npm ci --ignore-scripts` there).  Tests ask it questions in
one batch per call, so Node starts once.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest

from tests.conftest import ROOT

ORACLE_DIR = ROOT / "tests" / "apps" / "semver-oracle"


def oracle_available() -> bool:
    return shutil.which("node") is not None and (ORACLE_DIR / "node_modules" / "semver" / "package.json").is_file()


def require_oracle() -> None:
    if not oracle_available():
        pytest.skip("node-semver oracle not installed (run `make test-apps`)")


def ask(queries: list[list[Any]]) -> list[Any]:
    """[["satisfies", version, range, includePrerelease] | ["compare", a, b], ...] -> answers."""
    proc = subprocess.run(
        ["node", str(ORACLE_DIR / "oracle.js")],
        input=json.dumps(queries),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=ORACLE_DIR,
    )
    out = json.loads(proc.stdout)
    assert isinstance(out, list) and len(out) == len(queries)
    return out
