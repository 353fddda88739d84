"""yarn classic records no peerDependencies: nodeward reads them from the installed tree
(node_modules/<pkg>/package.json of the locked version), so paths through a peer match what
npm, pnpm, bun and yarn Berry lockfiles record for the same project."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from nodeward.deps.graph import Graph
from nodeward.deps.sources.base import load_lockfile
from tests.conftest import SHARED

LOCKFILES = SHARED / "lockfiles"


def _ajv_paths(folder: Path, name: str) -> list[str]:
    lock = load_lockfile(folder, name)
    key = next(k for k, p in lock.packages.items() if p.name == "ajv")
    return [" > ".join(p.steps) for p in Graph(lock).paths(key)[0]]


def _install(folder: Path, name: str, version: str, **extra: object) -> None:
    d = folder / "node_modules" / name
    d.mkdir(parents=True)
    # The fields that matter from the published package.json (`npm view ajv-keywords@3.5.2`).
    (d / "package.json").write_text(json.dumps({"name": name, "version": version, **extra}))


@pytest.fixture
def yarn1(tmp_path: Path) -> Path:
    shutil.copytree(LOCKFILES / "yarn1", tmp_path / "p")
    return tmp_path / "p"


def test_installed_peers_give_the_same_paths_as_npm(yarn1: Path) -> None:
    _install(yarn1, "ajv-keywords", "3.5.2", peerDependencies={"ajv": "^6.9.1"})
    _install(yarn1, "ajv", "6.12.6")
    expected = _ajv_paths(LOCKFILES / "npm11-v3", "package-lock.json")
    assert expected == ["demo-app > ajv@6.12.6", "demo-app > ajv-keywords@3.5.2 > ajv@6.12.6"]
    assert _ajv_paths(yarn1, "yarn.lock") == expected


def test_no_installed_tree_no_peer_paths(yarn1: Path) -> None:
    assert _ajv_paths(yarn1, "yarn.lock") == ["demo-app > ajv@6.12.6"]


def test_another_installed_version_is_not_trusted(yarn1: Path) -> None:
    _install(yarn1, "ajv-keywords", "3.5.1", peerDependencies={"ajv": "^6.9.1"})
    assert _ajv_paths(yarn1, "yarn.lock") == ["demo-app > ajv@6.12.6"]


def test_broken_installed_manifest_is_ignored(yarn1: Path) -> None:
    d = yarn1 / "node_modules" / "ajv-keywords"
    d.mkdir(parents=True)
    (d / "package.json").write_text('{"name": "ajv-keywords", "version": ')
    assert _ajv_paths(yarn1, "yarn.lock") == ["demo-app > ajv@6.12.6"]
