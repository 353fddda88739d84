"""Regression tests for bugs found in review of `nodeward deps` (each failed before its fix)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from nodeward.cli import main
from nodeward.config import Config, DepsConfig
from nodeward.deps.analyzer import DepsOptions, analyze_project
from nodeward.project import discover
from tests.conftest import SHARED
from tests.deps.helpers import ADVISORIES, TODAY, by_rule

LOCKS = SHARED / "lockfiles"


def _big_npm_project(folder: Path, filler: int) -> None:
    """The npm11 demo with `filler` extra registry packages, so the lockfile passes max_file_size."""
    shutil.copytree(LOCKS / "npm11-v3", folder, ignore=shutil.ignore_patterns(".npmrc"))
    lock_path = folder / "package-lock.json"
    lock_path.chmod(0o644)
    data = json.loads(lock_path.read_text())
    for i in range(filler):
        name = f"filler-{i}"
        data["packages"][f"node_modules/{name}"] = {
            "version": "1.0.0",
            "resolved": f"https://registry.npmjs.org/{name}/-/{name}-1.0.0.tgz",
            "integrity": "sha512-" + "A" * 86 + "==",
        }
    lock_path.write_text(json.dumps(data, indent=2))


def test_lockfile_larger_than_max_file_size_is_still_audited(tmp_path: Path) -> None:
    """Discovery skips files over max_file_size; a big lockfile must still be audited, not called "ignored"."""
    project = tmp_path / "big"
    _big_npm_project(project, 200)
    config = Config(use_cache=False, max_file_size=4096, deps=DepsConfig(advisories=(ADVISORIES,)))
    out = analyze_project(discover(project, config), options=DepsOptions(today=TODAY))
    vulns = {(f.path, f.detail.package, f.detail.version) for f in by_rule(out, "NW701")}  # type: ignore[union-attr]
    assert ("package-lock.json", "debug", "2.6.8") in vulns
    assert ("package-lock.json", "semver", "7.5.1") in vulns
    assert by_rule(out, "NW702") == []


def test_big_lockfile_not_listed_as_skipped_by_deps(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "big"
    _big_npm_project(project, 200)
    (project / ".nodeward.toml").write_text("max_file_size = 4096\n")
    code = main(["deps", str(project), "--advisories", ADVISORIES, "-f", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    assert {f["package"] for f in data["findings"] if f["rule_id"] == "NW701"} == {"debug", "minimist", "semver"}
    assert not any(s["path"] == "package-lock.json" for s in data["skipped"])


def _fixes(folder: Path) -> dict[str, str]:
    config = Config(use_cache=False, deps=DepsConfig(advisories=(ADVISORIES,)))
    out = analyze_project(discover(folder, config), options=DepsOptions(today=TODAY))
    return {f.detail.package: f.detail.fix_command for f in by_rule(out, "NW701")}  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("lockdir", "debug_fix", "minimist_fix"),
    [
        # yarn 1 and pnpm refuse to add to a workspace root without -W / -w.
        ("yarn1", "`yarn add -W debug@^2.6.9`", "`yarn add -W -D minimist@^1.2.6`"),
        ("pnpm10-9.0", "`pnpm add -w debug@^2.6.9`", "`pnpm add -w -D minimist@^1.2.6`"),
        ("pnpm7-5.4", "`pnpm add -w debug@^2.6.9`", "`pnpm add -w -D minimist@^1.2.6`"),
        # A dev dependency stays one: the install command says so explicitly.
        ("yarn4", "`yarn add debug@^2.6.9`", "`yarn add -D minimist@^1.2.6`"),
        ("npm11-v3", "`npm install debug@^2.6.9`", "`npm install -D minimist@^1.2.6`"),
        ("npm6-v1", "`npm install debug@^2.6.9`", "`npm install -D minimist@^1.2.6`"),
        ("bun", "`bun add debug@^2.6.9`", "`bun add --dev minimist@^1.2.6`"),
    ],
)
def test_install_command_keeps_dependency_type_and_workspace_root(lockdir: str, debug_fix: str, minimist_fix: str) -> None:
    fixes = _fixes(LOCKS / lockdir)
    assert fixes["debug"].startswith(debug_fix)
    assert fixes["minimist"].startswith(minimist_fix)


def _db_run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_failed_db_update_keeps_the_previous_database(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An update that yields no npm advisory must not replace a good database with an empty one."""
    monkeypatch.setenv("NODEWARD_CACHE_DIR", str(tmp_path / "cache"))
    code, _, _ = _db_run(capsys, "db", "update", "--from", ADVISORIES)
    assert code == 0
    (tmp_path / "empty").mkdir()
    code, out, err = _db_run(capsys, "db", "update", "--from", str(tmp_path / "empty"))
    assert code == 3
    assert "imported 0" not in out
    assert "no npm advisories found" in err and "kept" in err
    code, out, _ = _db_run(capsys, "db", "status")
    assert code == 0 and "advisories: 63" in out
    code, out, _ = _db_run(capsys, "deps", str(LOCKS / "npm11-v3"), "-f", "json")
    assert code == 1
    assert {f["package"] for f in json.loads(out)["findings"] if f["rule_id"] == "NW701"} == {"debug", "minimist", "semver"}


def test_db_update_from_a_file_that_is_not_a_zip(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    junk = tmp_path / "feed.zip"
    junk.write_bytes(bytes(range(256)) * 20)
    code, out, err = _db_run(capsys, "db", "update", "--from", str(junk), "--db", str(tmp_path / "db.sqlite"))
    assert code == 3
    assert "not a zip archive" in err and "invalid JSON" not in err
    assert not (tmp_path / "db.sqlite").exists()


def test_ignore_path_scopes_to_a_workspace_folder(tmp_path: Path) -> None:
    """`path = "packages/a"` names the workspace that pulls semver in, under a root lockfile."""
    from nodeward.config import DepsIgnore

    ignores = (
        DepsIgnore(id="GHSA-c2qf-rxjj-qqgw", reason="ranges are constants", path="packages/a"),
        # debug@2.6.8 is the root's, not packages/a's: this one must not apply.
        DepsIgnore(id="GHSA-gxpj-cx7g-858c", reason="wrong scope", path="packages/a"),
    )
    for lockdir in ("npm11-v3", "pnpm10-9.0", "yarn4"):
        config = Config(use_cache=False, deps=DepsConfig(advisories=(ADVISORIES,), ignore=ignores))
        out = analyze_project(discover(LOCKS / lockdir, config), options=DepsOptions(today=TODAY))
        state = {f.detail.package: f.suppression is not None for f in by_rule(out, "NW701")}  # type: ignore[union-attr]
        assert state == {"debug": False, "minimist": False, "semver": True}, lockdir
        unused = [f.message for f in by_rule(out, "NW711")]
        assert len(unused) == 1 and "GHSA-gxpj-cx7g-858c" in unused[0], lockdir


def test_json_lists_the_workspaces_that_reach_a_package(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["deps", str(LOCKS / "npm11-v3"), "--advisories", ADVISORIES, "-f", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    ws = {f["package"]: f["workspaces"] for f in data["findings"] if f["rule_id"] == "NW701"}
    assert ws == {"debug": ["."], "minimist": ["."], "semver": ["packages/a"]}


def test_registry_token_only_for_its_own_registry(tmp_path: Path) -> None:
    """npm matches `//host/path/:_authToken` keys by whole path segments; a bare prefix match
    would hand the user's token to `https://npm.company.com.evil.example/` set by a scanned repo."""
    from nodeward.deps.advisories.npmrc import registry_config

    home = tmp_path / "home"
    home.mkdir()
    (home / ".npmrc").write_text("//npm.company.com:_authToken=user-token\n//npm.company.com/team:_authToken=team-token\n")
    project = tmp_path / "project"
    project.mkdir()
    env = {"HOME": str(home)}
    for registry in ("https://npm.company.com.evil.example/", "https://npm.company.com/teamx/"):
        (project / ".npmrc").write_text(f"registry={registry}\n")
        assert registry_config(project, env).token is None, registry
    (home / ".npmrc").write_text("//npm.company.com/:_authToken=user-token\n//npm.company.com/team/:_authToken=team-token\n")
    (project / ".npmrc").write_text("registry=https://npm.company.com/team/npm/\n")
    assert registry_config(project, env).token == "team-token"
    (project / ".npmrc").write_text("registry=https://npm.company.com.evil.example/\n")
    assert registry_config(project, env).token is None


def test_fix_commands_in_a_monorepo_run_in_the_lockfile_folder(tmp_path: Path) -> None:
    """Copied from the report and run at the scan root, `yarn add` would edit the wrong package.json."""
    root = tmp_path / "mono"
    shutil.copytree(LOCKS / "yarn1", root / "services" / "a")
    shutil.copytree(LOCKS / "npm11-v3", root / "services" / "b")
    (root / "package.json").write_text('{"name": "mono", "private": true}')
    config = Config(use_cache=False, deps=DepsConfig(advisories=(ADVISORIES,)))
    out = analyze_project(discover(root, config), options=DepsOptions(today=TODAY))
    fixes = {(f.path, f.detail.package): f.fix for f in by_rule(out, "NW701")}  # type: ignore[union-attr]
    assert fixes[("services/a/yarn.lock", "debug")].startswith("`cd services/a && yarn add -W debug@^2.6.9`")
    assert fixes[("services/b/package-lock.json", "semver")].startswith("`cd services/b && npm install semver@^7.5.2 -w packages/a`")
    # At the root, nothing changes.
    root_fix = {f.detail.package: f.fix for f in by_rule(_audit_root(), "NW701")}  # type: ignore[union-attr]
    assert root_fix["debug"].startswith("`npm install debug@^2.6.9`")


def _audit_root() -> object:
    config = Config(use_cache=False, deps=DepsConfig(advisories=(ADVISORIES,)))
    return analyze_project(discover(LOCKS / "npm11-v3", config), options=DepsOptions(today=TODAY))


def test_sbom_to_a_file_says_where_it_went(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sbom.json"
    code = main(["deps", str(LOCKS / "npm11-v3"), "--advisories", ADVISORIES, "-f", "cyclonedx", "-o", str(out)])
    assert code == 1
    assert json.loads(out.read_text())["bomFormat"] == "CycloneDX"
    assert f"wrote cyclonedx report to {out}" in capsys.readouterr().err


def test_pnpm_update_reaches_into_workspaces(tmp_path: Path) -> None:
    """`pnpm update` at a workspace root updates only the root project; `-r` covers packages/a."""
    adv = tmp_path / "adv"
    adv.mkdir()
    record = {
        "id": "GHSA-test-yall-ist0", "modified": "2024-01-01T00:00:00Z", "summary": "test record",
        "affected": [{"package": {"ecosystem": "npm", "name": "yallist"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "4.0.1"}]}]}],
        "database_specific": {"severity": "LOW"},
    }
    (adv / "rec.json").write_text(json.dumps(record))
    expected = {
        "pnpm10-9.0": "`pnpm -r update --depth Infinity yallist`",
        "npm11-v3": "`npm update yallist`",
    }
    for lockdir, fix in expected.items():
        config = Config(use_cache=False, deps=DepsConfig(advisories=(str(adv),)))
        out = analyze_project(discover(LOCKS / lockdir, config), options=DepsOptions(today=TODAY))
        [finding] = by_rule(out, "NW701")
        assert finding.fix.startswith(fix), (lockdir, finding.fix)


@pytest.mark.parametrize("value", ["5", "true", "1.5", "[a, b]"])
def test_pnpm_sections_of_the_wrong_type_are_a_clear_error(tmp_path: Path, value: str) -> None:
    from nodeward.deps.sources.base import load_lockfile
    from nodeward.errors import LockfileError

    (tmp_path / "pnpm-lock.yaml").write_text(f"lockfileVersion: '9.0'\nimporters:\n  .: {{}}\npackages: {value}\n")
    with pytest.raises(LockfileError, match=r"^pnpm-lock.yaml: `packages` and `snapshots` must be mappings"):
        load_lockfile(tmp_path, "pnpm-lock.yaml")


@pytest.mark.parametrize("bad", [5, 1.5, True, "x", {"a": 1}])
def test_osv_fields_of_the_wrong_type_are_skipped(bad: object) -> None:
    """parse_osv promises to skip what it does not understand; it raised TypeError instead."""
    from nodeward.deps.advisories.model import parse_osv

    good_affected = {"package": {"ecosystem": "npm", "name": "debug"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "2.6.9"}]}]}
    for field, record in (
        ("affected", {"id": "GHSA-x", "affected": bad}),
        ("ranges", {"id": "GHSA-x", "affected": [{**good_affected, "ranges": bad}]}),
        ("events", {"id": "GHSA-x", "affected": [{**good_affected, "ranges": [{"type": "SEMVER", "events": bad}]}]}),
        ("severity", {"id": "GHSA-x", "affected": [good_affected], "severity": bad}),
        ("references", {"id": "GHSA-x", "affected": [good_affected], "references": bad}),
    ):
        adv = parse_osv(record)
        assert adv.id == "GHSA-x", field
    assert parse_osv({"id": "GHSA-x", "affected": [good_affected], "severity": bad}).affected[0].name == "debug"


def test_a_lockfile_that_is_a_directory_is_reported(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"name": "x", "dependencies": {"debug": "^2.6.0"}}')
    (tmp_path / "package-lock.json").mkdir()
    config = Config(use_cache=False, deps=DepsConfig(advisories=(ADVISORIES,)))
    out = analyze_project(discover(tmp_path, config), options=DepsOptions(today=TODAY))
    assert [e.message for e in out.errors] == ["package-lock.json: is a directory, not a lockfile"]
    assert all(e.incomplete for e in out.errors)


def test_yarn_berry_peer_dependencies_give_the_same_paths_as_npm(tmp_path: Path) -> None:
    """ajv is also reached as ajv-keywords' peer: npm, pnpm and bun show that path; yarn 4 did not."""
    adv = tmp_path / "adv"
    adv.mkdir()
    record = {
        "id": "GHSA-test-ajv0-0000", "modified": "2024-01-01T00:00:00Z", "summary": "test record",
        "affected": [{"package": {"ecosystem": "npm", "name": "ajv"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "6.12.7"}]}]}],
    }
    (adv / "rec.json").write_text(json.dumps(record))
    config = Config(use_cache=False, deps=DepsConfig(advisories=(str(adv),)))
    paths = {}
    for lockdir in ("npm11-v3", "yarn4", "pnpm10-9.0", "bun"):
        out = analyze_project(discover(LOCKS / lockdir, config), options=DepsOptions(today=TODAY))
        [finding] = by_rule(out, "NW701")
        paths[lockdir] = finding.detail.dependency_paths  # type: ignore[union-attr]
    assert paths["yarn4"] == paths["npm11-v3"] == ("demo-app > ajv@6.12.6", "demo-app > ajv-keywords@3.5.2 > ajv@6.12.6")


@pytest.mark.parametrize(
    "text",
    [
        '{"name":"x","dependencies":{\n "ms":"latest",\n "debug":"2.6.8"},"devDependencies":{"left-pad":"*"}}',
        '{"name": "x", "dependencies": {"ms": "latest", "debug": "2.6.8"},\n "devDependencies": {\n   "left-pad": "*"\n }\n}',
    ],
)
def test_key_lines_on_hand_formatted_json(text: str) -> None:
    """Compact or mixed layouts gave keys the wrong parent (`('ms',)`), so findings pointed at line 1."""
    from nodeward.deps.sources.jsonlines import key_lines

    lines = key_lines(text)
    expected = {}
    for i, line in enumerate(text.splitlines(), 1):
        for key in ("ms", "debug", "left-pad"):
            if f'"{key}"' in line:
                expected[key] = i
    assert lines[("dependencies", "ms")] == expected["ms"]
    assert lines[("dependencies", "debug")] == expected["debug"]
    assert lines[("devDependencies", "left-pad")] == expected["left-pad"]
    assert ("ms",) not in lines


def test_key_lines_exact_on_pretty_lockfiles() -> None:
    """The exact scanner and the fast line scanner agree on what package managers write."""
    from nodeward.deps.sources.jsonlines import key_lines, key_lines_exact

    text = (LOCKS / "npm11-v3" / "package-lock.json").read_text()
    assert key_lines_exact(text) == key_lines(text)
