"""CVSS 4.0 scores: computed from the shared GHSA records' vectors, used for severity when a
record has no GHSA label, and shown in text, JSON, SARIF and CycloneDX."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from nodeward.cli import main
from nodeward.deps.advisories.base import merge_advisories
from nodeward.deps.advisories.cvss import cvss4_base_score, cvss_version
from nodeward.deps.advisories.model import Advisory, from_compact, parse_osv, to_compact
from nodeward.model import Severity
from tests.conftest import SHARED
from tests.deps.helpers import ADVISORIES, audit, by_rule

PROJECT = Path(__file__).parent / "data" / "cvss4-express"
"""express 4.19.2 + ejs 3.1.9, locked by npm 11: pulls in every npm package of the shared
records that carry a CVSS 4.0 vector (express, body-parser, send, serve-static, ejs)."""

V4_SERVE_STATIC = "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:N/VI:N/VA:N/SC:L/SI:L/SA:L"
V4_EJS = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:L/SC:N/SI:N/SA:N"
V4_BODY_PARSER = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N"


def _record(ghsa: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SHARED / "advisories" / f"{ghsa}.json").read_text())
    return data


# Values FIRST's CVSS v4.0 calculator gives for these vectors, as published independently:
# 8.7 in CISA advisory ICSA for CVE-2024-11425 ("A base score of 8.7 has been calculated"),
# 6.9 and 2.3 in the GitHub advisory database (shown by Renovate's release notes for the
# same vectors).  The fourth is the spec's floor: no impact anywhere scores 0.0.
@pytest.mark.parametrize(
    ("vector", "score"),
    [
        (V4_BODY_PARSER, 8.7),
        (V4_EJS, 6.9),
        (V4_SERVE_STATIC, 2.3),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0),
    ],
)
def test_cvss4_scores_match_first_calculator(vector: str, score: float) -> None:
    assert cvss4_base_score(vector) == score


@pytest.mark.parametrize(
    "vector",
    [
        "CVSS:4.0/AV:N",  # mandatory metrics missing
        "CVSS:4.0/AV:Q/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:L/SC:N/SI:N/SA:N",  # bad value
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",  # not v4
        "garbage",
        "",
    ],
)
def test_cvss4_rejects_what_is_not_a_v4_vector(vector: str) -> None:
    assert cvss4_base_score(vector) is None


def test_cvss_version() -> None:
    assert (cvss_version(V4_EJS), cvss_version("CVSS:3.0/AV:N"), cvss_version("AV:N/AC:L")) == ("4.0", "3.0", "")


@pytest.mark.parametrize(
    ("ghsa", "v4", "v3", "severity"),
    [
        ("GHSA-cm22-4g7w-348p", 2.3, 5.0, Severity.MEDIUM),  # serve-static
        ("GHSA-m6fv-jmcg-4jfg", 2.3, 5.0, Severity.MEDIUM),  # send
        ("GHSA-qw6h-vgh9-j6wx", 2.3, 5.0, Severity.MEDIUM),  # express
        ("GHSA-ghr5-ch3p-vcr6", 6.9, 4.0, Severity.MEDIUM),  # ejs
        ("GHSA-qwcr-r2fm-qrc7", 8.7, 7.5, Severity.HIGH),  # body-parser
    ],
)
def test_shared_records_with_v4_vectors(ghsa: str, v4: float, v3: float, severity: Severity) -> None:
    adv = parse_osv(_record(ghsa))
    assert adv.cvss4_vector.startswith("CVSS:4.0/") and adv.cvss4_score == v4
    assert adv.cvss_vector.startswith("CVSS:3.1/") and adv.cvss_score == v3
    assert adv.best_cvss == (v4, adv.cvss4_vector)
    # The GHSA label decides when present, even where the v4 score rates differently.
    assert adv.severity == severity


def test_v4_score_rates_a_record_without_a_ghsa_label() -> None:
    rec = _record("GHSA-cm22-4g7w-348p")
    del rec["database_specific"]["severity"]
    assert parse_osv(rec).severity == Severity.LOW  # v4 2.3, not v3's 5.0 (medium)
    rec["severity"] = [s for s in rec["severity"] if s["type"] == "CVSS_V3"]
    assert parse_osv(rec).severity == Severity.MEDIUM  # only v3 left
    rec = _record("GHSA-qwcr-r2fm-qrc7")
    del rec["database_specific"]["severity"]
    rec["severity"] = [s for s in rec["severity"] if s["type"] == "CVSS_V4"]
    adv = parse_osv(rec)
    assert (adv.severity, adv.cvss4_score, adv.cvss_score, adv.cvss_vector) == (Severity.HIGH, 8.7, None, "")


def test_a_mislabelled_or_broken_v4_entry_is_not_a_score() -> None:
    rec = _record("GHSA-ghr5-ch3p-vcr6")
    del rec["database_specific"]["severity"]
    rec["severity"] = [{"type": "CVSS_V3", "score": V4_EJS}]  # the vector's prefix decides
    assert parse_osv(rec).cvss4_score == 6.9
    rec["severity"] = [{"type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L"}]
    adv = parse_osv(rec)
    assert (adv.cvss4_score, adv.cvss4_vector, adv.severity) == (None, "CVSS:4.0/AV:N/AC:L", Severity.MEDIUM)


def test_compact_round_trip_and_databases_built_before_v4() -> None:
    adv = parse_osv(_record("GHSA-qwcr-r2fm-qrc7"))
    again = from_compact(json.loads(json.dumps(to_compact(adv))), "offline-db")
    assert (again.cvss4_score, again.cvss4_vector, again.cvss_score) == (8.7, V4_BODY_PARSER, 7.5)
    # A 12-item row from an older database that stored a v4-only record's vector in the v3 slot.
    old = to_compact(adv)[:12]
    old[5], old[6] = None, V4_BODY_PARSER
    migrated = from_compact(old, "offline-db")
    assert (migrated.cvss4_score, migrated.cvss4_vector, migrated.cvss_score, migrated.cvss_vector) == (8.7, V4_BODY_PARSER, None, "")


def test_merge_keeps_each_score_with_its_vector() -> None:
    base = parse_osv(_record("GHSA-qwcr-r2fm-qrc7"))
    rec = copy.deepcopy(_record("GHSA-qwcr-r2fm-qrc7"))
    rec["id"], rec["aliases"] = "CVE-2024-45590", ["GHSA-qwcr-r2fm-qrc7"]
    rec["severity"] = [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]
    other = parse_osv(rec, source="osv-api")
    (merged,) = merge_advisories([base, other])
    assert isinstance(merged, Advisory)
    assert (merged.cvss_score, merged.cvss_vector) == (9.8, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
    assert (merged.cvss4_score, merged.cvss4_vector) == (8.7, V4_BODY_PARSER)


def test_findings_carry_both_scores() -> None:
    out = audit(PROJECT)
    by_pkg = {(f.detail.package, f.detail.advisory_id): f for f in by_rule(out, "NW701") if f.detail is not None and hasattr(f.detail, "advisory_id")}
    serve = by_pkg[("serve-static", "GHSA-cm22-4g7w-348p")]
    assert serve.severity == Severity.MEDIUM and serve.location.start_line == _line(PROJECT / "package-lock.json", '"node_modules/serve-static"')
    fields = serve.detail.json_fields() if serve.detail is not None else {}
    assert (fields["cvss_v4_score"], fields["cvss_v4_vector"], fields["cvss_score"]) == (2.3, V4_SERVE_STATIC, 5.0)
    assert by_pkg[("body-parser", "GHSA-qwcr-r2fm-qrc7")].detail.json_fields()["cvss_v4_score"] == 8.7  # type: ignore[union-attr]
    # No v4 vector: the key is there and null.
    assert by_pkg[("path-to-regexp", "GHSA-9wv6-86v2-598j")].detail.json_fields()["cvss_v4_score"] is None  # type: ignore[union-attr]


def _line(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    main(list(argv))
    return capsys.readouterr().out


def test_text_report_shows_v4_then_v3(capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(capsys, "deps", str(PROJECT), "--advisories", ADVISORIES, "--no-color")
    assert f"cvss: 8.7 ({V4_BODY_PARSER}); 7.5 (CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H)" in out
    assert "cvss: 7.5 (CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H)\n" in out  # path-to-regexp: v3 only


def test_sarif_security_severity_is_the_score_that_agrees_with_the_level(capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads(_run(capsys, "deps", str(PROJECT), "--advisories", ADVISORIES, "-f", "sarif"))
    jsonschema.validate(doc, json.loads((SHARED / "schemas" / "sarif-schema-2.1.0.json").read_text()))
    rules = {r["id"]: r["properties"]["security-severity"] for r in doc["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["GHSA-qwcr-r2fm-qrc7"] == "8.7"  # high label, v4 8.7 is high
    assert rules["GHSA-ghr5-ch3p-vcr6"] == "6.9"  # medium label, v4 6.9 is medium
    assert rules["GHSA-cm22-4g7w-348p"] == "5.0"  # medium label: v4 2.3 would read as low, v3 5.0 agrees
    assert rules["GHSA-9wv6-86v2-598j"] == "7.5"  # v3 only
    assert rules["GHSA-pxg6-pf52-xh8x"] == Severity.LOW.security_severity  # no vector: the level's default


def test_cyclonedx_has_a_cvssv4_rating(capsys: pytest.CaptureFixture[str]) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    text = _run(capsys, "deps", str(PROJECT), "--advisories", ADVISORIES, "-f", "cyclonedx")
    assert JsonStrictValidator(SchemaVersion.V1_5).validate_str(text) is None
    vulns = {v["id"]: v for v in json.loads(text)["vulnerabilities"]}
    ratings = {r.get("method"): r for r in vulns["GHSA-cm22-4g7w-348p"]["ratings"]}
    assert ratings["CVSSv4"] == {"source": {"name": "nodeward"}, "score": 2.3, "severity": "low", "method": "CVSSv4", "vector": V4_SERVE_STATIC}
    assert ratings["CVSSv31"]["score"] == 5.0 and ratings["CVSSv31"]["severity"] == "medium"


def test_security_severity_falls_back_when_no_score_agrees() -> None:
    from nodeward.deps.detail import DependencyDetail

    d = DependencyDetail("body-parser", "1.20.2", "GHSA-qwcr-r2fm-qrc7", (), (), (), True, False, "package-lock.json", cvss_score=7.5, cvss4_score=8.7)
    assert d.security_severity(Severity.HIGH) == "8.7"
    assert d.security_severity(Severity.MEDIUM) is None  # dev-only drop: the level's default number applies
    assert DependencyDetail("x", "1.0.0", "GHSA-x", (), (), (), False, False, "l").security_severity(Severity.HIGH) is None


def test_osv_api_records_carry_v4_scores(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.deps.fake_feeds import serve

    with serve() as (url, _):
        main(["deps", str(PROJECT), "--source", "osv", "--osv-url", url, "-f", "json"])
    data = json.loads(capsys.readouterr().out)
    bp = next(f for f in data["findings"] if f["rule_id"] == "NW701" and f["advisory_id"] == "GHSA-qwcr-r2fm-qrc7")
    assert (bp["advisory_source"], bp["cvss_v4_score"], bp["cvss_v4_vector"], bp["cvss_score"]) == ("osv-api", 8.7, V4_BODY_PARSER, 7.5)


def test_npm_bulk_v4_only_vector() -> None:
    from nodeward.deps.advisories.npm_bulk import NpmBulkSource

    # The bulk endpoint's documented shape, with a v4 vector and no numeric score or label.
    item = {"id": 1099, "url": "https://github.com/advisories/GHSA-ghr5-ch3p-vcr6", "title": "ejs lacks certain pollution protection",
            "vulnerable_versions": "<3.1.10", "cwe": ["CWE-1321"], "cvss": {"score": 0, "vectorString": V4_EJS}}
    adv = NpmBulkSource._advisory("ejs", item)
    assert adv is not None
    assert (adv.cvss4_score, adv.cvss4_vector, adv.cvss_score, adv.cvss_vector, adv.severity) == (6.9, V4_EJS, None, "", Severity.MEDIUM)
    item["cvss"] = {"score": 8.7, "vectorString": V4_BODY_PARSER}
    adv = NpmBulkSource._advisory("ejs", item)
    assert adv is not None and (adv.cvss4_score, adv.severity) == (8.7, Severity.HIGH)
