"""Every lockfile format, the real ones from ../shared/lockfiles and our own assets, and every error."""

from __future__ import annotations

from pathlib import Path

import pytest

from nodeward.deps.graph import Graph
from nodeward.deps.model import Lockfile
from nodeward.deps.sources import load_lockfile
from nodeward.errors import LockfileError
from tests.conftest import ROOT, SHARED

LOCKS = SHARED / "lockfiles"
ASSETS = ROOT / "tests" / "assets" / "lockfiles"

SHARED_CASES = [
    ("npm6-v1", "package-lock.json", "npm-v1"),
    ("npm8-v2", "package-lock.json", "npm-v2"),
    ("npm11-v3", "package-lock.json", "npm-v3"),
    ("yarn1", "yarn.lock", "yarn-v1"),
    ("yarn4", "yarn.lock", "yarn-berry"),
    ("pnpm7-5.4", "pnpm-lock.yaml", "pnpm-5.4"),
    ("pnpm8-6.0", "pnpm-lock.yaml", "pnpm-6.0"),
    ("pnpm10-9.0", "pnpm-lock.yaml", "pnpm-9.0"),
    ("bun", "bun.lock", "bun"),
]


def _find(lock: Lockfile, name: str, version: str) -> str:
    keys = [k for k, p in lock.packages.items() if p.name == name and p.version == version]
    assert keys, f"{name}@{version} not in {lock.path}"
    return keys[0]


@pytest.mark.parametrize("folder,name,fmt", SHARED_CASES, ids=[c[0] for c in SHARED_CASES])
def test_shared_lockfiles_normalise_to_the_same_graph(folder: str, name: str, fmt: str) -> None:
    lock = load_lockfile(LOCKS / folder, name)
    assert lock.format == fmt
    assert lock.unreadable == ()
    graph = Graph(lock)
    lines = (LOCKS / folder / name).read_text().splitlines()
    # The demo project's known-vulnerable packages, with the right flags and lockfile lines.
    debug = _find(lock, "debug", "2.6.8")
    assert graph.is_direct(debug) and not graph.is_dev_only(debug)
    assert "debug" in lines[lock.packages[debug].line - 1]
    minimist = _find(lock, "minimist", "1.2.5")
    assert graph.is_dev_only(minimist), "minimist is dev-only by reachability"
    ms = _find(lock, "ms", "2.0.0")
    paths, total, _ = graph.paths(ms)
    assert total == 1 and paths[0].steps[1:] == ("debug@2.6.8", "ms@2.0.0")
    assert not graph.is_direct(ms)
    # The npm: alias resolves to the real package name.
    alias = _find(lock, "ms", "2.1.3")
    assert lock.packages[alias].alias == "ms-alias"
    assert graph.is_direct(alias)
    if folder != "npm6-v1":  # npm 6 has no workspaces: the workspace is dropped from its lockfile
        semver = _find(lock, "semver", "7.5.1")
        paths, _, _ = graph.paths(semver)
        assert [p.steps for p in paths] == [("@demo/a", "semver@7.5.1")]
        assert {i.path for i in lock.importers} >= {"", "packages/a"}
        nested = _find(lock, "ms", "2.1.2")
        assert Graph(lock).paths(nested)[0][0].steps == ("@demo/a", "debug@4.3.4", "ms@2.1.2")


def test_pnpm_peer_suffixes_and_multi_document() -> None:
    for folder in ("pnpm9-peers", "pnpm10-multidoc"):
        lock = load_lockfile(ASSETS / folder, "pnpm-lock.yaml")
        assert "react-dom@18.3.1(react@18.3.1)" in lock.packages
        rd = lock.packages["react-dom@18.3.1(react@18.3.1)"]
        assert (rd.name, rd.version) == ("react-dom", "18.3.1")
        assert all(p.name != "pnpm" for p in lock.packages.values()), "the env document is not the project"
        graph = Graph(lock)
        assert graph.is_dev_only(_find(lock, "minimist", "1.2.5"))
        assert graph.paths(_find(lock, "react", "18.3.1"))[1] == 2  # direct, and as react-dom's peer


def test_npm_overrides_platform_packages_and_install_scripts() -> None:
    lock = load_lockfile(ASSETS / "npm-overrides-platform", "package-lock.json")
    esbuild = lock.packages["node_modules/esbuild"]
    assert esbuild.install_script
    linux = lock.packages["node_modules/@esbuild/linux-x64"]
    assert linux.optional and linux.os == ("linux",) and linux.cpu == ("x64",)
    # The override replaced debug's ms@2.0.0 with 2.1.3: the lockfile is the truth.
    ms = _find(lock, "ms", "2.1.3")
    assert [p.steps[1:] for p in Graph(lock).paths(ms)[0]] == [("debug@2.6.9", "ms@2.1.3")]


def test_npm_git_url_file_and_bundled_sources() -> None:
    lock = load_lockfile(ASSETS / "npm-sources", "package-lock.json")
    by = {p.name: p for p in lock.packages.values()}
    assert by["left-pad"].source == "git"
    assert by["tarball-pkg"].source == "url"
    assert by["minimist"].bundled
    assert by["no-integrity"].integrity is None
    assert lock.importer_links["node_modules/local-utils"] == "local-utils"


def test_yarn_berry_protocols() -> None:
    lock = load_lockfile(ASSETS / "yarn-berry-protocols", "yarn.lock")
    by = {(p.name, p.source) for p in lock.packages.values()}
    assert ("left-pad", "git") in by
    assert ("shared", "link") in by
    assert ("resolve", "registry") in by
    root = lock.importers[0]
    assert {e.name: e.target is not None for e in root.edges} == {"left-pad": True, "lodash": True, "resolve": True, "shared": True}


def test_bun_git_and_trusted_dependencies() -> None:
    lock = load_lockfile(ASSETS / "bun-git", "bun.lock")
    assert lock.packages["left-pad"].source == "git"
    assert lock.packages["esbuild"].install_script
    lines = (ASSETS / "bun-git" / "bun.lock").read_text().splitlines()
    assert lines[lock.packages["ua-parser-js"].line - 1].strip().startswith('"ua-parser-js": [')


def test_yarn_classic_git() -> None:
    lock = load_lockfile(ASSETS / "yarn1-git", "yarn.lock")
    by = {p.name: p for p in lock.packages.values()}
    assert by["left-pad"].source == "git" and by["minimist"].version == "1.2.8"
    lines = (ASSETS / "yarn1-git" / "yarn.lock").read_text().splitlines()
    assert lines[by["minimist"].line - 1] == "minimist@^1.2.5:"


ERRORS = [
    ("truncated", "package-lock.json", "package-lock.json: invalid JSON (truncated or corrupt?)"),
    ("wrong-type", "package-lock.json", "package-lock.json: expected a JSON object, found list"),
    ("unknown-version", "package-lock.json", "package-lock.json: unknown lockfileVersion 99"),
    ("npm-v2-no-packages", "package-lock.json", "package-lock.json: lockfileVersion 2 but no `packages` object"),
    ("pnpm-unknown-version", "pnpm-lock.yaml", "pnpm-lock.yaml: unknown lockfileVersion '4.0'"),
    ("pnpm-bad-yaml", "pnpm-lock.yaml", "pnpm-lock.yaml: invalid YAML"),
    ("bun-binary", "bun.lockb", "bun.lockb: binary lockfile not supported, run `bun install --save-text-lockfile`"),
    ("bun-unknown-version", "bun.lock", "bun.lock: unknown lockfileVersion 9"),
    ("yarn-garbage", "yarn.lock", "yarn.lock:3: indented line outside any entry"),
    ("empty", "yarn.lock", "yarn.lock: empty file"),
]


@pytest.mark.parametrize("folder,name,message", ERRORS, ids=[e[0] for e in ERRORS])
def test_every_error_names_the_file(folder: str, name: str, message: str) -> None:
    with pytest.raises(LockfileError) as exc:
        load_lockfile(ASSETS / "errors" / folder, name)
    assert str(exc.value).startswith(message)


def test_missing_resolved_field_is_accepted(tmp_path: Path) -> None:
    # npm with omit-lockfile-registry-resolved writes no `resolved` at all.
    text = (LOCKS / "npm11-v3" / "package-lock.json").read_text()
    import json

    data = json.loads(text)
    for entry in data["packages"].values():
        entry.pop("resolved", None) if "link" not in entry else None
    (tmp_path / "package-lock.json").write_text(json.dumps(data, indent=2))
    lock = load_lockfile(tmp_path, "package-lock.json")
    assert len(lock.packages) == 17
    assert all(p.source == "registry" for p in lock.packages.values())


def test_pnpm_single_project_lockfiles_without_importers() -> None:
    # Real pnpm 7 (5.4) and pnpm 8 (6.0) lockfiles of a project without workspaces keep the
    # root's dependencies at the top level, and scoped names in the package ids.
    for folder, fmt in (("pnpm7-single", "pnpm-5.4"), ("pnpm8-single", "pnpm-6.0")):
        lock = load_lockfile(ASSETS / folder, "pnpm-lock.yaml")
        assert lock.format == fmt and len(lock.packages) == 15
        (root,) = lock.importers
        assert root.name == "single-app"
        assert {e.name: e.kind for e in root.edges} == {"@babel/code-frame": "prod", "debug": "prod", "minimist": "dev"}
        graph = Graph(lock)
        frame = _find(lock, "@babel/code-frame", "7.0.0")
        assert graph.is_direct(frame) and not graph.is_dev_only(frame)
        assert graph.is_dev_only(_find(lock, "minimist", "1.2.5"))
        chalk = _find(lock, "chalk", "2.4.2")
        assert graph.paths(chalk)[0][0].steps == ("single-app", "@babel/code-frame@7.0.0", "@babel/highlight@7.25.9", "chalk@2.4.2")
