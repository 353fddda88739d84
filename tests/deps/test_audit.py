"""Findings end to end: every lockfile format, paths, dev/direct, reachability, fixes and ignores."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from nodeward.config import DepsIgnore
from nodeward.deps.detail import DependencyDetail
from nodeward.model import Severity
from tests.conftest import ROOT, SHARED
from tests.deps.helpers import audit, by_rule
from tests.deps.test_lockfiles import SHARED_CASES

EXPECTED = {
    ("debug", "2.6.8", "GHSA-gxpj-cx7g-858c"),
    ("minimist", "1.2.5", "GHSA-xvch-5gv4-984h"),
    ("semver", "7.5.1", "GHSA-c2qf-rxjj-qqgw"),
}


def _detail(f: object) -> DependencyDetail:
    d = getattr(f, "detail", None)
    assert isinstance(d, DependencyDetail)
    return d


@pytest.mark.parametrize("folder,name,fmt", SHARED_CASES, ids=[c[0] for c in SHARED_CASES])
def test_every_format_finds_the_demo_vulnerabilities(folder: str, name: str, fmt: str) -> None:
    out = audit(SHARED / "lockfiles" / folder)
    vulns = by_rule(out, "NW701")
    got = {(_detail(f).package, _detail(f).version, _detail(f).advisory_id) for f in vulns}
    expected = EXPECTED if folder != "npm6-v1" else EXPECTED - {("semver", "7.5.1", "GHSA-c2qf-rxjj-qqgw")}
    assert got == expected
    lines = (SHARED / "lockfiles" / folder / name).read_text().splitlines()
    for f in vulns:
        d = _detail(f)
        assert f.path == name and d.lockfile == name
        assert d.package in lines[f.line - 1], "the finding points at the package's lockfile entry"
    minimist = next(f for f in vulns if _detail(f).package == "minimist")
    assert _detail(minimist).dev and _detail(minimist).direct
    assert minimist.severity == Severity.HIGH, "critical advisory, dev-only and unimported: one level lower"
    debug = next(f for f in vulns if _detail(f).package == "debug")
    assert not _detail(debug).dev and _detail(debug).dependency_paths == ("demo-app > debug@2.6.8",)
    assert _detail(debug).fixed_versions == ("2.6.9",)
    assert "2.6.9" in debug.fix
    if folder != "npm6-v1":
        semver = next(f for f in vulns if _detail(f).package == "semver")
        assert _detail(semver).dependency_paths == ("@demo/a > semver@7.5.1",)
        expected_fix = {
            "npm": "`npm install semver@^7.5.2 -w packages/a`",
            "yarn": "`yarn workspace @demo/a add semver@^7.5.2`",
            "pnpm": "`pnpm --filter @demo/a add semver@^7.5.2`",
            "bun": "`(cd packages/a && bun add semver@^7.5.2)`",
        }
        assert semver.fix.startswith(expected_fix[fmt.split("-")[0]]), semver.fix


def test_no_advisory_data_is_an_error_not_clean(tmp_path: Path) -> None:
    out = audit(SHARED / "lockfiles" / "npm11-v3", advisories=())
    assert not by_rule(out, "NW701")
    assert any("no advisory data configured" in e.message and e.incomplete for e in out.errors)


def test_reachability_from_the_module_graph() -> None:
    folder = SHARED / "lockfiles" / "npm11-v3"
    out = audit(folder, imported={"minimist": ("bin/cli.js",), "debug": ("src/app.js", "src/log.js")})
    minimist = next(f for f in by_rule(out, "NW701") if _detail(f).package == "minimist")
    assert _detail(minimist).reachable is True and _detail(minimist).imported_by == ("bin/cli.js",)
    assert minimist.severity == Severity.CRITICAL, "imported dev dependency keeps its severity"
    semver = next(f for f in by_rule(out, "NW701") if _detail(f).package == "semver")
    assert _detail(semver).reachable is False
    unknown = audit(folder)
    assert all(_detail(f).reachable is None for f in by_rule(unknown, "NW701"))
    no_drop = audit(folder, dev_drop=0)
    assert next(f for f in by_rule(no_drop, "NW701") if _detail(f).package == "minimist").severity == Severity.CRITICAL


def test_transitive_reachability_through_the_direct_dependency() -> None:
    out = audit(ROOT / "examples" / "insecure-express", imported={"express": ("app.js",)})
    qs = next(f for f in by_rule(out, "NW701") if _detail(f).package == "qs")
    assert _detail(qs).reachable is True and "app.js" in _detail(qs).imported_by


def test_fix_advice_update_install_and_override() -> None:
    out = audit(ROOT / "examples" / "insecure-express")
    fixes = {(_detail(f).package, _detail(f).advisory_id): f.fix for f in by_rule(out, "NW701")}
    assert fixes[("axios", "GHSA-cph5-m8f7-6c5x")].startswith("`npm install axios@^0.21.2`")
    cookie = fixes[("cookie", "GHSA-pxg6-pf52-xh8x")]
    assert cookie.startswith("Upgrade ") and '{"overrides": {"cookie": "^0.7.0"}}' in cookie
    body = fixes[("body-parser", "GHSA-qwcr-r2fm-qrc7")]
    assert body.startswith("`npm install body-parser@^1.20.3`") and "express@4.17.1" in body
    serialize = fixes[("node-serialize", "GHSA-q4v7-4rhw-9hqm")]
    assert serialize.startswith("No fixed version")


def test_fix_advice_uses_the_project_package_manager() -> None:
    # debug is pinned to exactly 2.6.8, so the fix is an install of the fixed range, not an update.
    # yarn 1 and pnpm need -W / -w to add at a workspace root.
    for folder, cmd in (("yarn1", "yarn add -W"), ("pnpm10-9.0", "pnpm add -w"), ("bun", "bun add"), ("yarn4", "yarn add")):
        out = audit(SHARED / "lockfiles" / folder)
        debug = next(f for f in by_rule(out, "NW701") if _detail(f).package == "debug")
        assert debug.fix.startswith(f"`{cmd} debug@^2.6.9`"), (folder, debug.fix)


def test_update_suffices_when_the_range_admits_the_fix(tmp_path: Path) -> None:
    shutil.copytree(SHARED / "lockfiles" / "npm11-v3", tmp_path / "p")
    pkg = tmp_path / "p" / "package.json"
    pkg.write_text(pkg.read_text().replace('"debug": "2.6.8"', '"debug": "^2.6.8"'))
    lock = tmp_path / "p" / "package-lock.json"
    lock.write_text(lock.read_text().replace('"debug": "2.6.8"', '"debug": "^2.6.8"'))
    out = audit(tmp_path / "p")
    debug = next(f for f in by_rule(out, "NW701") if _detail(f).package == "debug")
    assert debug.fix.startswith("`npm update debug`")


def test_malicious_package_is_critical_and_its_own_rule() -> None:
    out = audit(ROOT / "tests" / "assets" / "lockfiles" / "bun-git")
    mal = by_rule(out, "NW709")
    assert len(mal) == 1 and _detail(mal[0]).package == "ua-parser-js" and mal[0].severity == Severity.CRITICAL
    lines = (ROOT / "tests" / "assets" / "lockfiles" / "bun-git" / "bun.lock").read_text().splitlines()
    assert mal[0].path == "bun.lock" and lines[mal[0].line - 1].strip().startswith('"ua-parser-js": [')
    assert 506 in mal[0].cwe
    assert not [f for f in by_rule(out, "NW701") if _detail(f).package == "ua-parser-js"]


def test_ignores_apply_expire_and_report_unused(tmp_path: Path) -> None:
    folder = SHARED / "lockfiles" / "npm11-v3"
    ignores = (
        DepsIgnore("CVE-2017-16137", "ReDoS needs attacker-controlled namespaces", package="debug", expires=dt.date(2027, 1, 1)),
        DepsIgnore("GHSA-xvch-5gv4-984h", "old", expires=dt.date(2025, 1, 1)),
        DepsIgnore("GHSA-c2qf-rxjj-qqgw", "wrong package", package="lodash"),
    )
    out = audit(folder, ignores=ignores)
    debug = next(f for f in by_rule(out, "NW701") if _detail(f).package == "debug")
    assert debug.suppression is not None and "until 2027-01-01" in debug.suppression.justification
    minimist = next(f for f in by_rule(out, "NW701") if _detail(f).package == "minimist")
    assert minimist.suppression is None, "an expired ignore does not apply"
    assert [f.message for f in by_rule(out, "NW710")] == ["Ignore for `GHSA-xvch-5gv4-984h` expired on 2025-01-01; the advisory is reported again"]
    assert [f.message for f in by_rule(out, "NW711")] == ["Ignore for `GHSA-c2qf-rxjj-qqgw` matches no finding; remove it"]


def test_ignores_from_the_config_file_point_at_their_line(tmp_path: Path) -> None:
    shutil.copytree(SHARED / "lockfiles" / "npm11-v3", tmp_path / "p")
    (tmp_path / "p" / ".nodeward.toml").write_text(
        '# project policy\n[[deps.ignore]]\nid = "GHSA-xvch-5gv4-984h"\nreason = "dev only"\nexpires = 2020-01-01\n'
    )
    out = audit(tmp_path / "p", use_config_file=True)
    expired = by_rule(out, "NW710")
    assert len(expired) == 1 and expired[0].path == ".nodeward.toml" and expired[0].line == 3
    (tmp_path / "p" / ".nodeward.toml").write_text(
        '[[deps.ignore]]\nid = "GHSA-xvch-5gv4-984h"\nreason = "dev only"\nexpires = 2999-01-01\n\n'
        '[[deps.ignore]]\nid = "GHSA-0000-0000-0000"\nreason = "stale"\n'
    )
    out = audit(tmp_path / "p", use_config_file=True)
    assert [(f.path, f.line) for f in by_rule(out, "NW711")] == [(".nodeward.toml", 7)]
    assert not by_rule(out, "NW710")


def test_unreadable_entries_are_counted_and_make_the_result_incomplete(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"name": "x", "dependencies": {"a": "1.0.0"}}')
    (tmp_path / "package-lock.json").write_text(
        '{"name": "x", "lockfileVersion": 3, "packages": {"": {"dependencies": {"a": "1.0.0"}}, "node_modules/a": {"resolved": "https://registry.npmjs.org/a/-/a-1.0.0.tgz"}}}'
    )
    out = audit(tmp_path)
    msgs = [e.message for e in out.errors]
    assert any("1 entry could not be read (parsed 0, local 0, git 0, url 0, unreadable 1)" in m for m in msgs), msgs
    assert any("lockfile yielded zero packages" in m for m in msgs)
    assert all(e.incomplete for e in out.errors)


def test_broken_lockfile_is_an_error_and_the_scan_goes_on(tmp_path: Path) -> None:
    shutil.copytree(SHARED / "lockfiles" / "npm11-v3", tmp_path / "p")
    (tmp_path / "p" / "packages" / "a" / "yarn.lock").write_text("  broken\n")
    out = audit(tmp_path / "p")
    assert [e.path for e in out.errors] == ["packages/a/yarn.lock"]
    assert len(by_rule(out, "NW701")) == 3


def test_shrinkwrap_takes_precedence(tmp_path: Path) -> None:
    shutil.copytree(SHARED / "lockfiles" / "npm11-v3", tmp_path / "p")
    shutil.copy(tmp_path / "p" / "package-lock.json", tmp_path / "p" / "npm-shrinkwrap.json")
    out = audit(tmp_path / "p")
    assert {f.path for f in by_rule(out, "NW701")} == {"npm-shrinkwrap.json"}
    assert any(s.path == "package-lock.json" and "shrinkwrap" in s.reason for s in out.skipped)


def test_a_single_lockfile_path(tmp_path: Path) -> None:
    out = audit(SHARED / "lockfiles" / "yarn1" / "yarn.lock")
    assert len(by_rule(out, "NW701")) == 3 and out.counts["lockfiles"] == 1


def test_dependency_folders_are_not_projects(tmp_path: Path) -> None:
    from nodeward.config import Config, DepsConfig
    from nodeward.deps.analyzer import analyze_project
    from nodeward.project import discover

    shutil.copytree(SHARED / "lockfiles" / "npm11-v3", tmp_path / "p")
    nm = tmp_path / "p" / "node_modules" / "debug"
    nm.mkdir(parents=True)
    (nm / "package.json").write_text('{"name": "debug", "dependencies": {"ms": "*"}}')
    config = Config(use_cache=False, include_node_modules=True, deps=DepsConfig(advisories=(str(SHARED / "advisories"),)))
    out = analyze_project(discover(tmp_path / "p", config))
    assert not [f for f in out.findings if f.path.startswith("node_modules/")]


def test_ignores_are_not_called_unused_when_no_advisories_ran() -> None:
    ignores = (DepsIgnore("GHSA-c2qf-rxjj-qqgw", "reviewed", package="semver"),)
    out = audit(SHARED / "lockfiles" / "npm11-v3", ignores=ignores, advisories=())
    assert not by_rule(out, "NW711")


GARBAGE = {
    "a/package.json": "[1, 2]",
    "a/package-lock.json": '{"lockfileVersion": 3, "packages": {"": [], "node_modules/x": "str", "node_modules/y": {"version": 5}}}',
    "b/package.json": '{"name": "b", "dependencies": {"x": 5, "y": "^1"}}',
    "b/pnpm-lock.yaml": "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      y: {specifier: ^1, version: 1.0.0}\npackages: [1, 2]\n",
    "d/package.json": '{"name": "d", "dependencies": {"y": "^1"}}',
    "d/bun.lock": '{"lockfileVersion": 1, "workspaces": {"": {"dependencies": {"y": "^1"}}}, "packages": {"y": ["y"], "z": [], "w": ["w@1.0.0", "", null, 5]}}',
    "e/package.json": '{"name": "e", "dependencies": {"y": "^1"}}',
    "e/yarn.lock": '__metadata:\n  version: 8\n"y@npm:^1":\n  resolution: 5\n"z@npm:1":\n  version: 1.0.0\n  resolution: "z@npm:1.0.0"\n  dependencies: [1]\n',
    "f/package-lock.json": '{"lockfileVersion": 1, "dependencies": {"y": {"version": "npm:", "requires": [1]}, "z": 7}}',
}


def test_garbage_never_raises_and_every_problem_is_reported(tmp_path: Path) -> None:
    for rel, text in GARBAGE.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    out = audit(tmp_path)
    paths = {e.path for e in out.errors}
    assert paths == {"a/package-lock.json", "a/package.json", "b/pnpm-lock.yaml", "d/bun.lock", "e/yarn.lock", "f/package-lock.json"}
    assert all(e.message.startswith(e.path) for e in out.errors)
