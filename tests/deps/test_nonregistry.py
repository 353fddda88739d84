"""git, tarball-URL and file dependencies: matched against advisories when the lockfile records
the version honestly, otherwise reported by NW704 as unauditable.

The lockfiles under data/nonregistry/ were written by npm 11, npm 6, yarn 1.22, yarn 4.5,
pnpm 9.15 and bun 1.2 for one project (see data/nonregistry/README.md): minimist 1.2.5 from a git
repository, node-serialize 0.0.4 from a tarball URL on a non-registry host, lodash 4.17.20
from its registry tarball URL, json5 2.2.1 from a local tarball, and a local folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nodeward.deps.detail import DependencyDetail, PackageDetail
from nodeward.deps.model import Package
from nodeward.deps.provenance import audit_version, git_commit, registry_tarball_version
from nodeward.model import Confidence
from tests.deps.helpers import ADVISORIES, audit, by_rule

DATA = Path(__file__).parent / "data" / "nonregistry"

LOCKS = {"bun": "bun.lock", "npm11-v3": "package-lock.json", "npm6-v1": "package-lock.json", "yarn1": "yarn.lock", "yarn4": "yarn.lock", "pnpm9": "pnpm-lock.yaml"}

# Entry that names each package in each lockfile (to find its line independently).
ENTRY = {
    "bun": {p: f'    "{p}": ["{p}@' for p in ("json5", "local-utils", "lodash", "minimist", "node-serialize")},
    "npm11-v3": {p: f'"node_modules/{p}": {{' for p in ("json5", "lodash", "minimist", "node-serialize")},
    "npm6-v1": {p: f'    "{p}": {{' for p in ("json5", "local-utils", "lodash", "minimist", "node-serialize")},
    "yarn1": {"json5": '"json5@file:', "local-utils": '"local-utils@file:', "lodash": '"lodash@https:', "minimist": '"minimist@git+', "node-serialize": '"node-serialize@http:'},
    "yarn4": {"json5": '"json5@file:', "local-utils": '"local-utils@file:', "lodash": '"lodash@https:', "minimist": '"minimist@git+', "node-serialize": '"node-serialize@http:'},
    "pnpm9": {
        "json5": "  json5@file:vendor/json5-2.2.1.tgz:",
        "local-utils": "  local-utils@file:local-utils:",
        "lodash": "  lodash@4.17.20:",
        "minimist": "  minimist@git+file:",
        "node-serialize": "  node-serialize@http:",
    },
}

# (package, advisory) matched, per lockfile.  lodash is a registry release everywhere (npm v1
# records only its URL, whose file name is the version); the others only where the lockfile
# records the package's own package.json version (not npm v1).
LODASH = {("lodash", "GHSA-35jh-r3h4-6jhm"), ("lodash", "GHSA-29mw-wpgm-hmr9")}
OTHERS = {("json5", "GHSA-9c47-m6qq-7p4h"), ("minimist", "GHSA-xvch-5gv4-984h"), ("node-serialize", "GHSA-q4v7-4rhw-9hqm")}
EXPECTED_701 = {
    "bun": LODASH,  # bun.lock records no version for git, URL or file packages
    "npm11-v3": LODASH | OTHERS,
    "npm6-v1": LODASH,
    "yarn1": LODASH | OTHERS,
    "yarn4": LODASH | OTHERS,
    "pnpm9": LODASH | OTHERS,
}
# NW704: package -> audited?
EXPECTED_704 = {
    "bun": {"json5": False, "local-utils": False, "minimist": False, "node-serialize": False},
    "npm11-v3": {"json5": True, "minimist": True, "node-serialize": True},  # file: folder is a workspace link in npm 7+
    "npm6-v1": {"json5": False, "local-utils": False, "minimist": False, "node-serialize": False},
    "yarn1": {"json5": True, "local-utils": False, "minimist": True, "node-serialize": True},
    "yarn4": {"json5": True, "local-utils": False, "minimist": True, "node-serialize": True},
    "pnpm9": {"json5": True, "local-utils": False, "minimist": True, "node-serialize": True},
}


def _line(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if line.startswith(needle) or needle in line)


@pytest.mark.parametrize("case", sorted(LOCKS))
def test_vulnerabilities_matched_where_the_version_is_known(case: str) -> None:
    lock = DATA / case / LOCKS[case]
    out = audit(DATA / case)
    got = set()
    for f in by_rule(out, "NW701") + by_rule(out, "NW709"):
        d = f.detail
        assert isinstance(d, DependencyDetail)
        got.add((d.package, d.advisory_id))
        assert (f.path, f.line) == (LOCKS[case], _line(lock, ENTRY[case][d.package])), d.package
        if d.package == "lodash":
            assert d.version == "4.17.20" and d.version_source == "" and f.confidence == Confidence.HIGH
        else:
            # Not a registry release: said so, with medium confidence.
            assert d.version_source and f.confidence == Confidence.MEDIUM
            assert f"; version from {d.version_source}" in f.message
    assert got == EXPECTED_701[case]


@pytest.mark.parametrize("case", sorted(LOCKS))
def test_nw704_says_whether_each_package_was_audited(case: str) -> None:
    lock = DATA / case / LOCKS[case]
    out = audit(DATA / case)
    got = {}
    for f in by_rule(out, "NW704"):
        d = f.detail
        assert isinstance(d, PackageDetail) and d.audited is not None
        got[d.package] = d.audited
        assert (f.path, f.line) == (LOCKS[case], _line(lock, ENTRY[case][d.package])), d.package
        assert d.dependency_paths and d.dependency_paths[0].startswith("orders-service > ")
        assert ("cannot be audited" in f.message) is (not d.audited)
    assert got == EXPECTED_704[case]
    unaudited = sorted(p for p, ok in EXPECTED_704[case].items() if not ok)
    skipped = [s for s in out.skipped if "not matched against advisories" in s.reason]
    if unaudited:
        (s,) = skipped
        assert s.path == LOCKS[case] and s.reason.startswith(f"{len(unaudited)} package(s) not matched")
        for name in unaudited:
            assert name in s.reason
    else:
        assert not skipped


def test_origin_and_paths_in_json() -> None:
    out = audit(DATA / "yarn1")
    fields = {f.detail.package: f.detail.json_fields() for f in by_rule(out, "NW704") if isinstance(f.detail, PackageDetail)}
    assert fields["minimist"]["source"] == "git"
    assert fields["minimist"]["resolved"] == "git+file:///tmp/nodeward-fixtures/minimist#7b1785a6f411b7856e715a26d942ac0e110c95a4"
    assert fields["local-utils"]["resolved"] == "file:./local-utils" and fields["local-utils"]["audited"] is False
    assert fields["minimist"]["dependency_paths"] == ["orders-service > minimist@1.2.5"]


def test_git_fix_advice_moves_the_reference() -> None:
    out = audit(DATA / "npm11-v3")
    fix = next(f.fix for f in by_rule(out, "NW701") if isinstance(f.detail, DependencyDetail) and f.detail.package == "minimist")
    assert fix.startswith("Move the git reference of `minimist` to a commit at version 1.2.6 or later, or install it from the registry: `npm install minimist@^1.2.6`")


def test_yarn_classic_url_hash_counts_as_integrity() -> None:
    # yarn 1 records `resolved "<url>#<sha1>"` and no integrity for URL dependencies; it checks that hash.
    assert not by_rule(audit(DATA / "yarn1"), "NW705")


def test_a_git_dependency_at_a_fixed_version_is_not_flagged(tmp_path: Path) -> None:
    shutil.copytree(DATA / "npm11-v3", tmp_path / "p")
    lock = tmp_path / "p" / "package-lock.json"
    text = lock.read_text()
    i = text.index('"node_modules/minimist"')
    lock.write_text(text[:i] + text[i:].replace('"version": "1.2.5"', '"version": "1.2.6"', 1))
    out = audit(tmp_path / "p")
    assert not [f for f in by_rule(out, "NW701") if isinstance(f.detail, DependencyDetail) and f.detail.package == "minimist"]
    nw704 = [f for f in by_rule(out, "NW704") if isinstance(f.detail, PackageDetail) and f.detail.package == "minimist"]
    assert len(nw704) == 1 and "checked against advisories as 1.2.6" in nw704[0].message


@pytest.mark.parametrize(
    ("name", "url", "version"),
    [
        ("lodash", "https://registry.npmjs.org/lodash/-/lodash-4.17.20.tgz", "4.17.20"),
        ("@babel/core", "https://registry.npmjs.org/@babel/core/-/core-7.24.0.tgz", "7.24.0"),
        ("@babel/core", "https://registry.npmjs.org/@babel%2fcore/-/core-7.24.0.tgz", "7.24.0"),
        ("left-pad", "https://npm.internal.example/repository/npm/left-pad/-/left-pad-1.3.0-rc.1.tgz#sha1", "1.3.0-rc.1"),
        ("lodash", "https://registry.npmjs.org/lodash-es/-/lodash-es-4.17.20.tgz", None),  # another package
        ("lodash", "https://example.com/tarballs/lodash-4.17.20.tgz", None),  # not a registry layout
        ("lodash", "https://registry.npmjs.org/lodash/-/lodash-latest.tgz", None),  # not a version
        ("lodash", None, None),
    ],
)
def test_registry_tarball_version(name: str, url: str | None, version: str | None) -> None:
    assert registry_tarball_version(name, url) == version


def test_audit_version_by_source() -> None:
    sha = "5d3a1a2c6f0e1b9f4b1d2c3e4f5a6b7c8d9e0f1a"
    git = Package("k", "left-pad", "1.3.0", resolved=f"git+ssh://git@github.com/x/left-pad.git#{sha}", source="git")
    assert audit_version(git).version == "1.3.0" and audit_version(git).source == f"its package.json at git commit {sha[:12]}"
    berry = Package(f"left-pad@https://github.com/x/left-pad.git#commit={sha}", "left-pad", "1.3.0", source="git")
    assert git_commit(berry) == sha
    assert audit_version(Package("k", "left-pad", sha, source="git")).version is None  # npm v1: a sha, not a version
    assert audit_version(Package("k", "utils", "1.0.0", resolved="file:../utils", source="file")).version is None  # a folder
    assert audit_version(Package("k", "utils", "1.0.0", resolved="file:vendor/utils-1.0.0.tgz", source="file")).version == "1.0.0"
    assert audit_version(Package("k", "w", "1.0.0", source="workspace")).version is None
    assert audit_version(Package("k", "ms", "2.1.3")).version == "2.1.3"


def test_cyclonedx_for_non_registry_packages(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    from nodeward.cli import main

    main(["deps", str(DATA / "yarn1"), "--advisories", ADVISORIES, "-f", "cyclonedx"])
    text = capsys.readouterr().out
    assert JsonStrictValidator(SchemaVersion.V1_5).validate_str(text) is None
    doc = json.loads(text)
    comps = {c["name"]: c for c in doc["components"]}
    assert comps["minimist"]["externalReferences"] == [
        {"type": "vcs", "url": "git+file:///tmp/nodeward-fixtures/minimist#7b1785a6f411b7856e715a26d942ac0e110c95a4"}
    ]
    refs = {c["bom-ref"] for c in doc["components"]}
    affected = {a["ref"] for v in doc["vulnerabilities"] for a in v["affects"]}
    assert affected <= refs and any(r.startswith("pkg:npm/minimist@1.2.5#") for r in affected)


def test_json_output_validates_and_names_the_source(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    import jsonschema

    from nodeward.cli import main
    from tests.conftest import ROOT

    main(["deps", str(DATA / "npm6-v1"), "--advisories", ADVISORIES, "-f", "json"])
    data = json.loads(capsys.readouterr().out)
    jsonschema.validate(data, json.loads((ROOT / "docs" / "json-format.schema.json").read_text()))
    nw704 = {f["package"]: f for f in data["findings"] if f["rule_id"] == "NW704"}
    assert nw704["node-serialize"]["resolved"] == "http://127.0.0.1:4873/node-serialize-0.0.4.tgz"
    assert nw704["node-serialize"]["audited"] is False and nw704["node-serialize"]["source"] == "url"
    lodash = [f for f in data["findings"] if f["rule_id"] == "NW701" and f["package"] == "lodash"]
    assert {f["version"] for f in lodash} == {"4.17.20"} and {f["version_source"] for f in lodash} == {None}


@pytest.mark.parametrize("case", ["npm11-v3", "npm6-v1", "yarn1", "pnpm9"])
def test_git_origin_is_the_same_url_in_every_format(case: str) -> None:
    out = audit(DATA / case)
    (f,) = [f for f in by_rule(out, "NW704") if isinstance(f.detail, PackageDetail) and f.detail.package == "minimist"]
    assert isinstance(f.detail, PackageDetail)
    assert f.detail.origin == "git+file:///tmp/nodeward-fixtures/minimist#7b1785a6f411b7856e715a26d942ac0e110c95a4"


def test_yarn_berry_git_commit() -> None:
    out = audit(DATA / "yarn4")
    (f,) = [f for f in by_rule(out, "NW701") if isinstance(f.detail, DependencyDetail) and f.detail.package == "minimist"]
    assert isinstance(f.detail, DependencyDetail)
    assert f.detail.version_source == "its package.json at git commit 7b1785a6f411"


def test_bun_local_tarball_is_a_file_source_not_a_registry_package() -> None:
    # bun writes `json5@vendor/json5-2.2.1.tgz` (no `file:`): not a registry entry missing its hash.
    out = audit(DATA / "bun")
    assert [f.detail.package for f in by_rule(out, "NW705") if isinstance(f.detail, PackageDetail)] == ["lodash"]
    (json5,) = [f for f in by_rule(out, "NW704") if isinstance(f.detail, PackageDetail) and f.detail.package == "json5"]
    assert isinstance(json5.detail, PackageDetail) and json5.detail.origin == "vendor/json5-2.2.1.tgz"


@pytest.mark.parametrize(
    ("resolved", "source"),
    [
        ("https://registry.npmjs.org/lodash/-/lodash-4.17.20.tgz", "registry"),
        ("https://registry.yarnpkg.com/@babel/core/-/core-7.24.0.tgz#sha1", "registry"),
        ("https://artifactory.example/api/npm/npm-remote/ms/-/ms-2.1.3.tgz", "registry"),
        ("https://npm.pkg.github.com/download/@octo-org/octo-package/1.0.0/0a1b2c3d", "registry"),
        ("https://gitlab.com/acme/widgets/-/archive/v1.0.0/widgets-v1.0.0.tar.gz", "url"),
        ("http://127.0.0.1:4873/node-serialize-0.0.4.tgz", "url"),
        ("https://codeload.github.com/acme/widgets/tar.gz/0a1b2c3d", "git"),
    ],
)
def test_classify_registry_tarball_urls(resolved: str, source: str) -> None:
    from nodeward.deps.model import classify_source

    assert classify_source(resolved) == source


def test_a_transitive_git_dependency_names_the_package_that_pulls_it_in() -> None:
    from nodeward.deps.graph import Graph
    from nodeward.deps.hygiene import lockfile_findings
    from nodeward.deps.model import Edge, Importer, Lockfile

    sha = "7b1785a6f411b7856e715a26d942ac0e110c95a4"
    kit = Package("node_modules/report-kit", "report-kit", "2.0.0", line=5, integrity="sha512-x", dependencies=(Edge("minimist", f"github:acme/minimist#{sha}", "node_modules/minimist"),))
    git = Package("node_modules/minimist", "minimist", "1.2.5", line=9, resolved=f"git+ssh://git@github.com/acme/minimist.git#{sha}", source="git")
    lock = Lockfile("package-lock.json", "npm-v3", "npm", (Importer("", "app", (Edge("report-kit", "^2.0.0", kit.key),)),), {kit.key: kit, git.key: git})
    (f,) = [f for f in lockfile_findings(lock, [], Graph(lock)) if f.rule_id == "NW704"]
    assert f.line == 9
    assert f.message == (
        "`minimist` is installed from a git repository (via app > report-kit@2.0.0 > minimist@1.2.5), outside the registry; "
        "checked against advisories as 1.2.5, the version its package.json at git commit 7b1785a6f411 declares"
    )


@pytest.mark.parametrize("case", ["npm11-v3", "pnpm9", "yarn1"])
def test_nw704_severity_for_a_tarball_packed_inside_the_project(case: str) -> None:
    """`file:vendor/json5-2.2.1.tgz` lives in the repository and its version was audited: low,
    worded as inside the project; a git dependency stays medium."""
    out = audit(DATA / case)
    severity = {f.detail.package: f.severity.name for f in by_rule(out, "NW704") if isinstance(f.detail, PackageDetail)}
    messages = {f.detail.package: f.message for f in by_rule(out, "NW704") if isinstance(f.detail, PackageDetail)}
    assert severity["json5"] == "LOW" and "a file inside this project" in messages["json5"]
    assert severity["minimist"] == "MEDIUM"
