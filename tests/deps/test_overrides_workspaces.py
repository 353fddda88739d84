"""NW703 reads overrides/resolutions before calling a lockfile out of sync; NW707 leaves
`*` ranges to linked workspace siblings alone.

The lockfiles under `tests/deps/data/overrides/` were written by the package managers
themselves (`npx pnpm@9 install --lockfile-only --ignore-scripts`, `npx yarn@1 install
--ignore-scripts`) for a package.json that declares `ms: 2.0.0` and overrides it to 2.1.3.
`yarn1-nested` is the yarn1 lockfile with the resolution edited in package.json to the
parent-scoped `debug/ms`, which does not reach the direct dependency.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from nodeward.deps.model import Lockfile
from nodeward.deps.overrides import direct_overrides, override_for
from nodeward.deps.sources.manifest import Manifest
from tests.conftest import ROOT
from tests.deps.helpers import audit, by_rule

DATA = ROOT / "tests" / "deps" / "data" / "overrides"


def _nw703(folder: Path) -> list[tuple[str, int]]:
    return [(f.path, f.line) for f in by_rule(audit(folder), "NW703")]


def test_pnpm_override_recorded_in_the_lockfile_is_in_sync() -> None:
    assert _nw703(DATA / "pnpm9") == []


def test_pnpm_lockfile_overrides_alone_are_enough(tmp_path: Path) -> None:
    # pnpm 10 keeps overrides in pnpm-workspace.yaml; the lockfile records them either way.
    shutil.copytree(DATA / "pnpm9", tmp_path / "p")
    pkg = tmp_path / "p" / "package.json"
    data = json.loads(pkg.read_text())
    del data["pnpm"]
    pkg.write_text(json.dumps(data, indent=2) + "\n")
    assert _nw703(tmp_path / "p") == []


def test_pnpm_workspace_yaml_overrides(tmp_path: Path) -> None:
    shutil.copytree(DATA / "pnpm9", tmp_path / "p")
    lock = tmp_path / "p" / "pnpm-lock.yaml"
    lock.write_text(lock.read_text().replace("overrides:\n  ms: 2.1.3\n\n", ""))
    pkg = tmp_path / "p" / "package.json"
    data = json.loads(pkg.read_text())
    del data["pnpm"]
    pkg.write_text(json.dumps(data, indent=2) + "\n")
    # Without any override the locked 2.1.3 does not match the declared 2.0.0 ...
    assert _nw703(tmp_path / "p") == [("package.json", 6)]
    # ... and with the override in pnpm-workspace.yaml it is what pnpm installs on purpose.
    (tmp_path / "p" / "pnpm-workspace.yaml").write_text("packages: []\noverrides:\n  ms: 2.1.3\n")
    assert _nw703(tmp_path / "p") == []


def test_override_to_a_different_version_is_still_out_of_sync(tmp_path: Path) -> None:
    shutil.copytree(DATA / "pnpm9", tmp_path / "p")
    lock = tmp_path / "p" / "pnpm-lock.yaml"
    lock.write_text(lock.read_text().replace("overrides:\n  ms: 2.1.3\n", "overrides:\n  ms: 2.1.2\n"))
    pkg = tmp_path / "p" / "package.json"
    pkg.write_text(pkg.read_text().replace('"ms": "2.1.3"', '"ms": "2.1.2"'))
    assert _nw703(tmp_path / "p") == [("package.json", 6)]


def test_yarn_resolutions_are_read() -> None:
    assert _nw703(DATA / "yarn1") == []


def test_parent_scoped_resolution_does_not_excuse_a_direct_dependency() -> None:
    assert _nw703(DATA / "yarn1-nested") == [("package.json", 6)]


def test_override_keys_and_npm_nesting() -> None:
    manifest = Manifest(
        Path("package.json"),
        {
            "dependencies": {"ms": "2.0.0", "qs": "6.5.0", "semver": "^7.0.0"},
            "overrides": {"ms": {".": "2.1.3", "debug": "4.3.4"}, "debug": {"ms": "2.1.2"}, "qs@<6.6": "6.11.0", "semver": "$semver"},
            "pnpm": {"overrides": {"react>scheduler": "0.23.0"}},
        },
    )
    lock = Lockfile("bun.lock", "bun", "bun", (), {})
    found = direct_overrides(lock, manifest, Path("/nonexistent"))
    assert sorted(found) == ["ms", "qs", "semver"]
    # npm refuses an override of a direct dependency with another spec (EOVERRIDE) and reads
    # neither `resolutions` nor `pnpm.overrides`: nothing excuses a package-lock.json.
    assert direct_overrides(Lockfile("package-lock.json", "npm-v3", "npm", (), {}), manifest, Path("/nonexistent")) == {}
    assert override_for("ms", "2.0.0", "2.1.3", found) is not None
    assert override_for("ms", "2.0.0", "2.1.2", found) is None  # `debug > ms` is debug's copy only
    assert override_for("qs", "6.5.0", "6.11.0", found) is not None  # selector accepts 6.5.0
    assert override_for("qs", "6.7.0", "6.11.0", found) is None  # ... and not 6.7.0
    assert override_for("semver", "^7.0.0", "6.3.1", found) is None  # `$semver` = the declared range


# ------------------------------------------------------------------ NW707 workspaces

def _write(path: Path, data: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")


def _monorepo(root: Path, workspaces: bool) -> None:
    top: dict[str, object] = {"name": "acme", "private": True}
    if workspaces:
        top["workspaces"] = ["packages/*"]
    _write(root / "package.json", top)
    _write(root / "packages" / "core" / "package.json", {"name": "@acme/core", "version": "1.0.0"})
    _write(
        root / "packages" / "server" / "package.json",
        {"name": "@acme/server", "version": "1.0.0", "dependencies": {"@acme/core": "*", "@acme/billing": "*", "koa": "latest"}},
    )


def test_star_to_a_linked_workspace_sibling_is_not_unpinned(tmp_path: Path) -> None:
    _monorepo(tmp_path, workspaces=True)
    got = [(f.path, f.line) for f in by_rule(audit(tmp_path), "NW707")]
    # `@acme/billing` shares the scope but is no package of this workspace: it comes from the
    # registry; `koa: latest` is a dist-tag.  Only the sibling `@acme/core` is linked.
    assert got == [("packages/server/package.json", 6), ("packages/server/package.json", 7)]


def test_without_the_workspace_root_star_is_reported(tmp_path: Path) -> None:
    _monorepo(tmp_path, workspaces=False)
    got = [(f.path, f.line) for f in by_rule(audit(tmp_path), "NW707")]
    assert got == [("packages/server/package.json", 5), ("packages/server/package.json", 6), ("packages/server/package.json", 7)]


def test_pnpm_workspace_links_siblings_only_when_configured(tmp_path: Path) -> None:
    _monorepo(tmp_path, workspaces=False)
    (tmp_path / "pnpm-workspace.yaml").write_text("packages:\n  - 'packages/*'\n")
    lines = [f.line for f in by_rule(audit(tmp_path), "NW707")]
    assert lines == [5, 6, 7]  # pnpm 9+ resolves a plain `*` from the registry by default
    (tmp_path / "pnpm-workspace.yaml").write_text("packages:\n  - 'packages/*'\nlinkWorkspacePackages: true\n")
    assert [f.line for f in by_rule(audit(tmp_path), "NW707")] == [6, 7]
