"""Reporters: SARIF validates against the OASIS schema, JSON has the documented keys,
text groups by file without colour when piped, HTML escapes everything."""

from __future__ import annotations

import json
from dataclasses import dataclass

import jsonschema
import pytest

from nodeward.model import (
    Confidence,
    Finding,
    FindingDetail,
    JSONValue,
    ScanError,
    ScanResult,
    ScanStats,
    Severity,
    Skipped,
    SourceSpan,
    Suppression,
    TraceStep,
    UrlRef,
)
from nodeward.registry import get_rule
from nodeward.report import FORMATS, RenderOptions
from tests.conftest import SHARED


@dataclass(frozen=True, slots=True)
class _Adv(FindingDetail):
    package: str
    advisory: str

    def json_fields(self) -> dict[str, JSONValue]:
        return {"package": self.package, "advisory_id": self.advisory}

    def text_lines(self) -> tuple[str, ...]:
        return (f"advisory {self.advisory}",)

    def sarif_rule(self) -> tuple[str, str, str] | None:
        return (self.advisory, f"{self.package}: example advisory", "details")


def _result() -> ScanResult:
    r0 = get_rule("NW000")
    r1 = get_rule("NW001")
    code = Finding(
        r1.id, r1.name, Severity.HIGH, Confidence.HIGH, "Message with <script>alert(1)</script>",
        SourceSpan("src/app.js", 3, 5, 3, 20, "eval(req.query.x)"), "f1", cwe=(95,), owasp=("A03:2021",),
        fix="Do not.",
        trace=(TraceStep("src/app.js", 2, 11, "source: req.query.x"), TraceStep("src/app.js", 3, 5, "sink: eval")),
    )
    supp = Finding(
        r0.id, r0.name, Severity.LOW, Confidence.MEDIUM, "suppressed one",
        SourceSpan("src/b.js", 1, 1, 1, 2, "x"), "f2", suppression=Suppression("inSource", "reviewed", "src/b.js", 1),
    )
    url = Finding(r0.id, r0.name, Severity.MEDIUM, Confidence.HIGH, "header missing", UrlRef("http://127.0.0.1:3000/", "GET", 200), "f3")
    dep = Finding(
        r1.id, r1.name, Severity.CRITICAL, Confidence.HIGH, "lodash vulnerable",
        SourceSpan("package-lock.json", 10, 1, 10, 1), "f4", cwe=(1321,), detail=_Adv("lodash", "GHSA-p6mc-m468-83gw"),
    )
    return ScanResult(
        root="/tmp/project",
        findings=(code, supp, url, dep),
        errors=(ScanError("syntax error", "src/bad.js", 7, "parse"),),
        skipped=(Skipped("node_modules/", "dependency folder"),),
        rules=(r0, r1),
        stats=ScanStats(files_scanned=3, bytes_scanned=100),
        tool_version="0.1.0",
    )


def test_sarif_validates_against_schema() -> None:
    schema = json.loads((SHARED / "schemas" / "sarif-schema-2.1.0.json").read_text())
    doc = json.loads(FORMATS["sarif"](_result(), RenderOptions()))
    jsonschema.validate(doc, schema)
    run = doc["runs"][0]
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert ids == ["NW001", "NW000", "GHSA-p6mc-m468-83gw"]
    adv_rule = run["tool"]["driver"]["rules"][2]
    assert adv_rule["properties"]["nodeward_rule"] == "NW001"
    results = run["results"]
    assert [r["ruleIndex"] for r in results] == [0, 1, 1, 2]
    first = results[0]
    assert first["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "src/app.js", "uriBaseId": "%SRCROOT%"}
    assert first["locations"][0]["physicalLocation"]["region"]["startLine"] == 3
    assert first["partialFingerprints"] == {"nodeward/v1": "f1"}
    assert len(first["codeFlows"][0]["threadFlows"][0]["locations"]) == 2
    assert run["tool"]["driver"]["rules"][0]["properties"]["tags"] == ["security"]
    assert adv_rule["properties"]["tags"] == ["security", "external/cwe/cwe-1321"]
    assert results[1]["suppressions"] == [{"kind": "inSource", "justification": "reviewed"}]
    assert results[2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "http://127.0.0.1:3000/"
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [n["level"] for n in notes] == ["error", "note"]


def test_json_keys() -> None:
    doc = json.loads(FORMATS["json"](_result(), RenderOptions()))
    assert doc["schema_version"] == 1
    assert set(doc) == {"schema_version", "tool", "root", "findings", "errors", "skipped", "stats"}
    code = doc["findings"][0]
    for key in ("rule_id", "rule_name", "severity", "confidence", "message", "cwe", "fingerprint", "path", "line", "column", "end_line", "end_column", "snippet"):
        assert key in code
    assert code["cwe"] == [95] and code["path"] == "src/app.js" and code["line"] == 3
    assert code["trace"][0]["line"] == 2
    assert doc["findings"][2]["url"] == "http://127.0.0.1:3000/"
    assert doc["findings"][3]["package"] == "lodash" and doc["findings"][3]["advisory_id"] == "GHSA-p6mc-m468-83gw"
    assert doc["stats"]["findings"] == 3 and doc["stats"]["suppressed"] == 1


def test_text_grouped_plain_when_piped() -> None:
    out = FORMATS["text"](_result(), RenderOptions(color=False))
    assert "\x1b[" not in out
    lines = out.splitlines()
    assert lines[0] == "src/app.js"
    assert "3:5" in lines[1] and "NW001" in lines[1] and "<script>" in lines[1]
    assert "suppressed one" not in out  # suppressed findings only with --verbose
    assert "3 findings (1 critical, 1 high, 1 medium)" in out
    assert "src/bad.js:7 syntax error" in out


def test_text_colour_on_tty() -> None:
    out = FORMATS["text"](_result(), RenderOptions(color=True))
    assert "\x1b[" in out


def test_html_escapes() -> None:
    out = FORMATS["html"](_result(), RenderOptions())
    assert "<script>alert(1)</script>" not in out
    assert "&lt;script&gt;" in out
    assert "<link" not in out and "http" not in out.split("<body>")[0]


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_deterministic(fmt: str) -> None:
    assert FORMATS[fmt](_result(), RenderOptions()) == FORMATS[fmt](_result(), RenderOptions())


@pytest.mark.parametrize(
    ("error", "headline"),
    [
        (None, "✔ no findings"),
        (ScanError("syntax error", "a.js", 3, "parse"), "⚠ no findings in what could be analysed"),
        (ScanError("x: cannot connect", "x", 0, "probe", fatal=True), "✖ no findings, but the scan could not run completely"),
    ],
)
def test_text_never_claims_clean_when_incomplete(error: ScanError | None, headline: str) -> None:
    result = ScanResult(root="/x", findings=(), errors=(error,) if error else ())
    assert FORMATS["text"](result, RenderOptions()).startswith(headline)
