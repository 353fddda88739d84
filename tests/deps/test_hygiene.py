"""Hygiene rules NW702-NW708 with positive and negative cases (rule id, file and line)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import ROOT, SHARED
from tests.deps.helpers import audit, by_rule

ASSETS = ROOT / "tests" / "assets" / "lockfiles"


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, ln in enumerate(path.read_text().splitlines(), 1) if needle in ln)


def test_missing_lockfile(tmp_path: Path) -> None:
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "package.json").write_text('{\n  "name": "svc",\n  "dependencies": {\n    "express": "^4.21.2"\n  }\n}\n')
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "package.json").write_text('{"name": "empty"}')
    out = audit(tmp_path)
    hits = by_rule(out, "NW702")
    assert [(f.path, f.line) for f in hits] == [("svc/package.json", 3)]


def test_workspace_members_use_the_root_lockfile() -> None:
    out = audit(SHARED / "lockfiles" / "npm11-v3")
    assert not by_rule(out, "NW702")
    assert not by_rule(out, "NW703")


def test_out_of_sync_range_missing_and_extra(tmp_path: Path) -> None:
    shutil.copytree(SHARED / "lockfiles" / "pnpm10-9.0", tmp_path / "p")
    pkg = tmp_path / "p" / "package.json"
    text = pkg.read_text().replace('"debug": "2.6.8"', '"debug": "^3.0.0"').replace('"ajv-keywords": "3.5.2"', '"ajv-keywords": "3.5.2",\n    "qs": "^6.11.0"')
    text = text.replace('"devDependencies": { "minimist": "1.2.5" },', '"devDependencies": {},')
    pkg.write_text(text)
    out = audit(tmp_path / "p")
    got = sorted((f.path, f.line, f.message) for f in by_rule(out, "NW703"))
    assert got == sorted(
        [
            ("package.json", _line_of(pkg, '"debug"'), "`debug` is declared as `^3.0.0` but pnpm-lock.yaml locks 2.6.8"),
            ("package.json", _line_of(pkg, '"qs"'), "`qs` is declared in package.json but has no entry in pnpm-lock.yaml"),
            ("package.json", 1, "pnpm-lock.yaml locks `minimist` for demo-app, which package.json no longer declares"),
        ]
    )


def test_out_of_sync_in_a_workspace_yarn_classic(tmp_path: Path) -> None:
    shutil.copytree(SHARED / "lockfiles" / "yarn1", tmp_path / "p")
    ws = tmp_path / "p" / "packages" / "a" / "package.json"
    ws.write_text(ws.read_text().replace('"semver": "7.5.1"', '"semver": "7.6.0"'))
    hits = by_rule(audit(tmp_path / "p"), "NW703")
    assert [(f.path, f.line) for f in hits] == [("packages/a/package.json", 1)]
    assert "no entry in yarn.lock" in hits[0].message


def test_sources_integrity_and_unpinned() -> None:
    folder = ASSETS / "npm-sources"
    out = audit(folder)
    lock = folder / "package-lock.json"
    assert sorted((f.path, f.line) for f in by_rule(out, "NW704")) == [
        ("package-lock.json", _line_of(lock, '"node_modules/left-pad"')),
        ("package-lock.json", _line_of(lock, '"node_modules/tarball-pkg"')),
    ]
    assert [(f.path, f.line) for f in by_rule(out, "NW705")] == [("package-lock.json", _line_of(lock, '"node_modules/no-integrity"'))]
    assert [(f.path, f.line) for f in by_rule(out, "NW707")] == [("package.json", _line_of(folder / "package.json", '"anything"'))]
    # npm v3 records each one's own package.json version: both are matched against advisories.
    assert not out.skipped
    assert sorted(f.message.split("; ", 1)[1] for f in by_rule(out, "NW704")) == [
        "checked against advisories as 1.0.0, the version its package.json inside a tarball downloaded from a URL declares",
        "checked against advisories as 1.3.0, the version its package.json at git commit 5d3a1a2c6f0e declares",
    ]


def test_install_scripts_inventory() -> None:
    folder = ASSETS / "npm-overrides-platform"
    hits = by_rule(audit(folder), "NW706")
    assert [(f.path, f.line) for f in hits] == [("package-lock.json", _line_of(folder / "package-lock.json", '"node_modules/esbuild"'))]
    bun = by_rule(audit(ASSETS / "bun-git"), "NW706")
    assert [f.message for f in bun] == ["`esbuild@0.24.0` runs an install script"]


def test_clean_shared_lockfiles_have_no_hygiene_noise() -> None:
    for folder in ("npm8-v2", "npm11-v3", "yarn1", "yarn4", "pnpm7-5.4", "pnpm8-6.0", "pnpm10-9.0", "bun"):
        out = audit(SHARED / "lockfiles" / folder)
        noisy = [(f.rule_id, f.message) for f in out.findings if f.rule_id in ("NW702", "NW703", "NW704", "NW705", "NW707")]
        assert not noisy, (folder, noisy)


def test_ci_install_scripts(tmp_path: Path) -> None:
    wf = tmp_path / ".github" / "workflows"
    wf.mkdir(parents=True)
    (wf / "ci.yml").write_text("jobs:\n  t:\n    steps:\n      - run: npm ci\n      - run: yarn install --frozen-lockfile\n      - run: pnpm i --ignore-scripts\n")
    (tmp_path / ".gitlab-ci.yml").write_text("test:\n  script:\n    - npm install\n")
    (tmp_path / "package.json").write_text('{"name": "x"}')
    hits = sorted((f.path, f.line) for f in by_rule(audit(tmp_path), "NW708"))
    assert hits == [(".github/workflows/ci.yml", 4), (".github/workflows/ci.yml", 5), (".gitlab-ci.yml", 3)]
    (tmp_path / ".npmrc").write_text("ignore-scripts=true\n")
    assert not by_rule(audit(tmp_path), "NW708")


def test_ci_respects_package_managers_that_skip_scripts(tmp_path: Path) -> None:
    wf = tmp_path / ".github" / "workflows"
    wf.mkdir(parents=True)
    (wf / "ci.yml").write_text("steps:\n  - run: bun install\n  - run: pnpm install\n  - run: yarn install\n")
    (tmp_path / "package.json").write_text('{"name": "x", "packageManager": "pnpm@10.4.0"}')
    assert [f.line for f in by_rule(audit(tmp_path), "NW708")] == [4], "bun and pnpm 10 skip dependency scripts"
    (tmp_path / ".yarnrc.yml").write_text("nodeLinker: node-modules\nenableScripts: false\n")
    assert not by_rule(audit(tmp_path), "NW708")


def test_linked_sibling_workspaces_are_not_out_of_sync() -> None:
    # Real pnpm 10 lockfile with link-workspace-packages: `^1.0.0` resolves to `link:../b`.
    out = audit(ASSETS / "pnpm10-workspace-links")
    assert not by_rule(out, "NW703") and not by_rule(out, "NW702")


def test_gitignored_lockfile_is_called_out(tmp_path: Path) -> None:
    shutil.copytree(SHARED / "lockfiles" / "npm8-v2", tmp_path / "p")
    (tmp_path / "p" / ".gitignore").write_text("package-lock.json\n")
    hits = by_rule(audit(tmp_path / "p"), "NW702")
    assert [(f.path, f.line) for f in hits] == [("package.json", 6)]
    assert "lockfile (package-lock.json) is ignored" in hits[0].message
