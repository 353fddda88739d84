"""`nodeward deps` and `nodeward db` as a user runs them: formats, exit codes, SBOM, database."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from nodeward.cli import main
from tests.conftest import ROOT, SHARED
from tests.deps.helpers import ADVISORIES

DEMO = SHARED / "lockfiles" / "npm11-v3"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_text_report_and_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "deps", str(DEMO), "--advisories", ADVISORIES, "--no-color")
    assert code == 1
    assert "NW701 vulnerable-dependency" in out and "GHSA-gxpj-cx7g-858c" in out
    assert "path: @demo/a > semver@7.5.1" in out
    assert "fix: `npm install debug@^2.6.9`" in out


def test_json_keys(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "deps", str(DEMO), "--advisories", ADVISORIES, "-f", "json")
    data = json.loads(out)
    f = next(x for x in data["findings"] if x["rule_id"] == "NW701" and x["package"] == "debug")
    for key in ("package", "version", "advisory_id", "aliases", "fixed_versions", "dependency_paths", "dev", "direct", "lockfile"):
        assert key in f, key
    assert (f["version"], f["advisory_id"], f["aliases"], f["fixed_versions"], f["dev"], f["direct"], f["lockfile"]) == (
        "2.6.8", "GHSA-gxpj-cx7g-858c", ["CVE-2017-16137"], ["2.6.9"], False, True, "package-lock.json"
    )
    assert data["stats"]["counts"]["packages"] == 17
    assert f["advisory_url"] == "https://github.com/advisories/GHSA-gxpj-cx7g-858c"
    jsonschema.validate(data, json.loads((ROOT / "docs" / "json-format.schema.json").read_text()))


def test_sarif_one_rule_per_advisory_and_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "deps", str(DEMO), "--advisories", ADVISORIES, "-f", "sarif")
    doc = json.loads(out)
    jsonschema.validate(doc, json.loads((SHARED / "schemas" / "sarif-schema-2.1.0.json").read_text()))
    run = doc["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert {"GHSA-gxpj-cx7g-858c", "GHSA-xvch-5gv4-984h", "GHSA-c2qf-rxjj-qqgw"} <= set(rules)
    assert rules["GHSA-gxpj-cx7g-858c"]["properties"]["nodeward_rule"] == "NW701"
    res = next(r for r in run["results"] if r["ruleId"] == "GHSA-gxpj-cx7g-858c")
    loc = res["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "package-lock.json"
    line = (DEMO / "package-lock.json").read_text().splitlines()[loc["region"]["startLine"] - 1]
    assert '"node_modules/debug"' in line


def test_cyclonedx_validates(capsys: pytest.CaptureFixture[str]) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    code, out, _ = _run(capsys, "deps", str(SHARED / "lockfiles" / "yarn4"), "--advisories", ADVISORIES, "-f", "cyclonedx")
    assert code == 1
    assert JsonStrictValidator(SchemaVersion.V1_5).validate_str(out) is None
    bom = json.loads(out)
    assert bom["specVersion"] == "1.5" and bom["metadata"]["component"]["name"] == "demo-app"
    purls = {c.get("purl") for c in bom["components"]}
    assert "pkg:npm/debug@2.6.8" in purls and "pkg:npm/%40isaacs/fs-minipass@4.0.1" in purls
    vuln = next(v for v in bom["vulnerabilities"] if v["id"] == "GHSA-xvch-5gv4-984h")
    assert vuln["affects"][0]["ref"].startswith("pkg:npm/minimist@1.2.5")
    root = next(d for d in bom["dependencies"] if d["ref"] == "project:demo-app")
    assert any(r.startswith("pkg:npm/debug@2.6.8") for r in root["dependsOn"])
    assert "workspace:packages/a" in root["dependsOn"]
    ws = next(d for d in bom["dependencies"] if d["ref"] == "workspace:packages/a")
    assert any(r.startswith("pkg:npm/semver@7.5.1") for r in ws["dependsOn"])
    # Deterministic: the same input gives the same bytes (no timestamp, content-derived serial).
    _, again, _ = _run(capsys, "deps", str(SHARED / "lockfiles" / "yarn4"), "--advisories", ADVISORIES, "-f", "cyclonedx")
    assert again == out


def test_no_advisory_data_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "deps", str(DEMO), "--no-color")
    assert code == 3
    assert "no advisory data configured" in out and "nodeward db update --from" in out


def test_scan_without_advisory_data_warns_but_exits_on_findings(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    shutil.copytree(DEMO, tmp_path / "p")
    code, out, _ = _run(capsys, "scan", str(tmp_path / "p"), "--no-cache", "--no-color")
    assert "no advisory data configured" in out
    assert code in (0, 1)
    code, _, _ = _run(capsys, "scan", str(tmp_path / "p"), "--no-cache", "--strict")
    assert code == 3


def test_db_update_status_then_default_offline(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NODEWARD_CACHE_DIR", str(tmp_path / "cache"))
    code, out, _ = _run(capsys, "db", "status")
    assert code == 3 and "no advisory database" in out
    code, out, _ = _run(capsys, "db", "update", "--from", ADVISORIES)
    assert code == 0 and "imported 63 npm advisories" in out
    code, out, _ = _run(capsys, "db", "status")
    assert code == 0 and "advisories: 63" in out
    code, out, _ = _run(capsys, "deps", str(DEMO), "-f", "json")
    assert code == 1
    assert {f["advisory_source"] for f in json.loads(out)["findings"] if f["rule_id"] == "NW701"} == {"offline-db"}


def test_db_update_from_zip_and_bad_input(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(tmp_path / "all.zip", "w") as zf:
        for p in sorted(Path(ADVISORIES).glob("GHSA-*.json"))[:5]:
            zf.write(p, p.name)
        zf.writestr("bad.json", "nope")
    db = tmp_path / "x.sqlite"
    code, out, err = _run(capsys, "db", "update", "--from", str(tmp_path / "all.zip"), "--db", str(db))
    assert code == 3 and "imported 5 npm advisories" in out and "bad.json: invalid JSON" in err
    code, _, err = _run(capsys, "db", "update", "--from", str(tmp_path / "missing"), "--db", str(db))
    assert code == 2 and "no such file or folder" in err


def test_bun_lockb_is_reported_clearly(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    shutil.copytree(ROOT / "tests" / "assets" / "lockfiles" / "errors" / "bun-binary", tmp_path / "p")
    (tmp_path / "p" / "package.json").write_text('{"name": "b", "dependencies": {"ms": "^2.1.3"}}')
    code, out, _ = _run(capsys, "deps", str(tmp_path / "p"), "--advisories", ADVISORIES, "--strict", "--no-color")
    assert code == 3
    assert "bun.lockb: binary lockfile not supported, run `bun install --save-text-lockfile`" in out


def test_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "deps", str(DEMO), "--advisories", "/nonexistent/advisories")
    assert code == 2 and "advisories path not found" in err
    code, _, err = _run(capsys, "deps", "/nonexistent/project")
    assert code == 2


def test_strict_does_not_change_a_complete_run(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = _run(capsys, "deps", str(DEMO), "--advisories", ADVISORIES, "--strict", "--fail-on", "critical")
    assert code == 0, "complete run, nothing critical (minimist is dev-only: lowered to high)"


def test_db_update_from_url_on_loopback(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import functools
    import http.server
    import threading
    import zipfile

    from tests.deps.fake_feeds import closed_port_url

    site = tmp_path / "site"
    site.mkdir()
    with zipfile.ZipFile(site / "npm-all.zip", "w") as zf:
        for p in sorted(Path(ADVISORIES).glob("GHSA-*.json")):
            zf.write(p, f"advisories/{p.name}")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/npm-all.zip"
        code, out, _ = _run(capsys, "db", "update", "--from", url, "--db", str(tmp_path / "db.sqlite"), "--timeout", "5")
    finally:
        server.shutdown()
        server.server_close()
    assert code == 0 and "imported 63 npm advisories" in out
    code, _, err = _run(capsys, "db", "update", "--from", closed_port_url() + "/x.zip", "--db", str(tmp_path / "db2.sqlite"), "--timeout", "2")
    assert code == 3 and "unreachable" in err and not (tmp_path / "db2.sqlite").exists()


def test_env_mirror_feeds_scan_too(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(DEMO, tmp_path / "p")
    monkeypatch.setenv("NODEWARD_ADVISORIES", ADVISORIES)
    code, out, _ = _run(capsys, "scan", str(tmp_path / "p"), "--no-cache", "-f", "json")
    ids = {f.get("advisory_id") for f in json.loads(out)["findings"] if f["rule_id"] == "NW701"}
    assert ids == {"GHSA-gxpj-cx7g-858c", "GHSA-xvch-5gv4-984h", "GHSA-c2qf-rxjj-qqgw"}


def test_a_package_json_path_means_its_project(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "deps", str(DEMO / "package.json"), "--advisories", ADVISORIES, "-f", "json")
    rules = {f["rule_id"] for f in json.loads(out)["findings"]}
    assert code == 1 and "NW701" in rules and "NW702" not in rules
