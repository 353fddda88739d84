"""`nodeward scan` end to end through `main`: formats, --output, bad input, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from nodeward.cli import main
from tests.conftest import SHARED


def _project(tmp_path: Path) -> Path:
    (tmp_path / "ok.js").write_text("const a = 1;\nmodule.exports = a;\n")
    (tmp_path / "broken.js").write_text("const a = ;\nfunction (\n")
    (tmp_path / "blob.js").write_bytes(b"\x00\x01\x02binary\x00" * 10)
    (tmp_path / "loop").mkdir()
    (tmp_path / "loop" / "self").symlink_to(tmp_path / "loop", target_is_directory=True)
    (tmp_path / "unused.js").write_text("// nodeward-ignore NW101 left over\nconst b = 2;\n")
    return tmp_path


def test_json_report_lists_errors_and_skips(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path)
    code = main(["scan", str(root), "--no-cache", "--format", "json", "--fail-on", "critical"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [(e["path"], e["line"], e["kind"]) for e in doc["errors"]] == [("broken.js", 1, "parse")]
    skipped = {s["path"]: s["reason"] for s in doc["skipped"]}
    assert skipped["blob.js"] == "binary file"
    assert skipped["loop/self/"] == "symlink loop" or any(r == "symlink loop" for r in skipped.values())
    assert [(f["rule_id"], f["path"], f["line"]) for f in doc["findings"]] == [("NW000", "unused.js", 1)]


def test_strict_makes_incomplete_scan_exit_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path)
    assert main(["scan", str(root), "--no-cache", "--strict", "-q"]) == 3


def test_fail_on_threshold(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.js").write_text("// nodeward-ignore\nconst b = 2;\n")  # NW001 is low
    assert main(["scan", str(tmp_path), "--no-cache", "--fail-on", "low"]) == 1
    assert main(["scan", str(tmp_path), "--no-cache", "--fail-on", "medium"]) == 0
    assert main(["scan", str(tmp_path), "--no-cache", "--fail-on", "low", "--min-severity", "medium"]) == 0


def test_sarif_output_file_validates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "p").mkdir()
    root = _project(tmp_path / "p")
    out = tmp_path / "report.sarif"
    main(["scan", str(root), "--no-cache", "--format", "sarif", "--output", str(out)])
    assert capsys.readouterr().out == ""
    schema = json.loads((SHARED / "schemas" / "sarif-schema-2.1.0.json").read_text())
    doc = json.loads(out.read_text())
    jsonschema.validate(doc, schema)
    assert doc["runs"][0]["results"][0]["ruleId"] == "NW000"


def test_cache_second_run_reparses_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / "a.js").write_text("const a = 1;\n")
    (project / "b.ts").write_text("export const b: number = 2;\n")
    monkeypatch.setenv("NODEWARD_CACHE_DIR", str(tmp_path / "cache"))
    main(["scan", str(project), "--format", "json"])
    first = json.loads(capsys.readouterr().out)
    main(["scan", str(project), "--format", "json"])
    second = json.loads(capsys.readouterr().out)
    assert first["stats"]["files_from_cache"] == 0
    assert second["stats"]["files_from_cache"] == 2
    assert first["findings"] == second["findings"]


def test_rules_and_rule_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    assert "NW000 " in capsys.readouterr().out
    assert main(["rule", "unused-suppression"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# NW000 unused-suppression") and "## Use instead" in out
