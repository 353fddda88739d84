"""`nodeward secrets` end to end: formats, exit codes, baselines, engines, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nodeward.cli import main

KEY = "sk_live_51Hq7LmR2x9Tz4Wv8Np3Hs6Jd"


def project(tmp_path: Path) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "config.js").write_text(f"module.exports = {{\n  stripe: '{KEY}',\n}};\n")
    return tmp_path


def test_findings_exit_1_and_clean_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["secrets", str(project(tmp_path))]) == 1
    out = capsys.readouterr().out
    assert "NW816" in out and KEY not in out
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "a.js").write_text("module.exports = process.env.KEY;\n")
    assert main(["secrets", str(clean)]) == 0


def test_baseline_written_then_suppresses_moved_secret_but_not_new_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path / "p")
    baseline = tmp_path / "baseline.json"
    assert main(["secrets", str(root), "--baseline", str(baseline)]) == 0
    doc = json.loads(baseline.read_text())
    assert doc["version"] == 1
    assert [set(e) for e in doc["findings"]] == [{"fingerprint", "rule_id", "path"}]
    assert KEY not in baseline.read_text() and "line" not in baseline.read_text()
    # Move the secret down: still baselined.
    (root / "config.js").write_text(f"// moved\n\nmodule.exports = {{\n  port: 1,\n  stripe: '{KEY}',\n}};\n")
    assert main(["secrets", str(root), "--baseline", str(baseline)]) == 0
    # A new secret in the same file is reported.
    (root / "config.js").write_text(f"module.exports = {{\n  stripe: '{KEY}',\n  github: 'ghp_R7kLm2Qx9Tz4Wv8Np3Hs6Jd1Fb5Gc0Ya7Ue2X',\n}};\n")
    capsys.readouterr()
    assert main(["secrets", str(root), "--baseline", str(baseline), "--format", "json"]) == 1
    active = [f for f in json.loads(capsys.readouterr().out)["findings"] if not f.get("suppressed")]
    assert {f["rule_id"] for f in active} == {"NW813"}


def test_bad_baseline_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "b.json"
    bad.write_text("{not json")
    assert main(["secrets", str(project(tmp_path / "p")), "--baseline", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "b.json" in err and "Traceback" not in err


def test_update_baseline_needs_baseline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["secrets", str(tmp_path), "--update-baseline"]) == 2


@pytest.mark.parametrize("engine", ["re", "auto"])
def test_engines_give_the_same_report(engine: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path)
    main(["secrets", str(root), "--engine", engine, "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert [(f["rule_id"], f["path"], f["line"]) for f in doc["findings"]] == [("NW816", "config.js", 2)]


def test_min_confidence_low_shows_docs_examples(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "README.md").write_text(f"Use a key like `{KEY}`.\n")
    assert main(["secrets", str(tmp_path), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == []
    assert main(["secrets", str(tmp_path), "--format", "json", "--min-confidence", "low"]) == 1
    (f,) = json.loads(capsys.readouterr().out)["findings"]
    assert (f["rule_id"], f["path"], f["confidence"]) == ("NW816", "README.md", "low")


def test_binary_and_unreadable_files_are_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "blob.bin").write_bytes(b"\x00\x01" + KEY.encode())
    (tmp_path / "app.js.map").write_text('{"mappings": "' + KEY + '"}')
    main(["secrets", str(tmp_path), "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert doc["findings"] == []
    reasons = {s["path"]: s["reason"] for s in doc["skipped"]}
    assert reasons["blob.bin"] == "binary file" and reasons["app.js.map"] == "source map"


def test_undecodable_bytes_never_leak_or_crash(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret = b"Zq8xLr2V\xff\xfeKw93"
    (tmp_path / "settings.env").write_bytes(b"DB_PASSWORD=" + secret + b"\n")
    assert main(["secrets", str(tmp_path), "--format", "json"]) == 1
    out = capsys.readouterr().out
    (f,) = json.loads(out)["findings"]
    assert f["rule_id"] == "NW807"
    assert "Lr2V" not in out
    assert main(["secrets", str(tmp_path)]) == 1


def test_code_checks_in_worker_processes_match_in_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for i in range(60):
        (tmp_path / f"m{i}.js").write_text(f"const jwt = require('jsonwebtoken');\n\njwt.sign(p, 'signing-key-{i:04d}');\n")
    results = []
    for jobs in ("1", "2"):
        main(["secrets", str(tmp_path), "--format", "json", "--jobs", jobs])
        doc = json.loads(capsys.readouterr().out)
        results.append(sorted((f["rule_id"], f["path"], f["line"]) for f in doc["findings"]))
    assert results[0] == results[1]
    assert len(results[0]) == 60 and {r[0] for r in results[0]} == {"NW806"} and {r[2] for r in results[0]} == {3}
