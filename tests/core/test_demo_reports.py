"""The demo app's reports validate: SARIF against OASIS 2.1.0, JSON against docs/json-format.schema.json."""

from __future__ import annotations

import json

import jsonschema
import pytest

from nodeward.cli import main
from tests.conftest import ROOT, SHARED

DEMO = ROOT / "examples" / "insecure-express"


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    out = tmp_path_factory.mktemp("reports")
    docs = {}
    for fmt in ("json", "sarif"):
        target = out / f"report.{fmt}"
        code = main(["scan", str(DEMO), "--format", fmt, "--output", str(target), "-q"])
        assert code == 1  # the demo app has high-severity findings
        docs[fmt] = json.loads(target.read_text())
    return docs


def test_demo_sarif_validates(reports: dict[str, object]) -> None:
    schema = json.loads((SHARED / "schemas" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.validate(reports["sarif"], schema)


def test_demo_json_matches_documented_schema(reports: dict[str, object]) -> None:
    schema = json.loads((ROOT / "docs" / "json-format.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(reports["json"], schema, cls=jsonschema.Draft202012Validator)
    doc = reports["json"]
    assert isinstance(doc, dict)
    families = {f["rule_id"][:3] for f in doc["findings"]}
    # code, config, auth and secrets findings all appear in one run
    assert {"NW1", "NW4", "NW5", "NW8"} <= families


def test_hardened_twin_is_clean_with_every_analyzer(capsys: pytest.CaptureFixture[str]) -> None:
    advisories = ROOT / "examples" / "advisories"
    hardened = ROOT / "examples" / "hardened-express"
    code = main(["scan", str(hardened), "--advisories", str(advisories), "--fail-on", "low", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert (code, doc["findings"], doc["errors"]) == (0, [], [])


def test_demo_with_advisories_reports_vulnerable_packages(capsys: pytest.CaptureFixture[str]) -> None:
    advisories = ROOT / "examples" / "advisories"
    assert main(["scan", str(DEMO), "--advisories", str(advisories), "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    vulnerable = {(f["package"], f["version"], f["advisory_id"]) for f in doc["findings"] if f["rule_id"] == "NW701"}
    # jsonwebtoken 8.5.1 and lodash 4.17.15 are locked in the demo's package-lock.json
    assert ("jsonwebtoken", "8.5.1", "GHSA-27h2-hvpr-p74q") in vulnerable
    assert ("lodash", "4.17.15", "GHSA-p6mc-m468-83gw") in vulnerable
    assert ("node-serialize", "0.0.4", "GHSA-q4v7-4rhw-9hqm") in vulnerable
    assert all(f["path"] == "package-lock.json" for f in doc["findings"] if f["rule_id"] == "NW701")


DEMO_SECRETS = (
    "S3cr3tPassw0rd!",
    "acme-notes-jwt-secret-2019",
    "Winter2019!",
    "sk_live_4eC39HqLyjWDarjtT1zdp7dcQ8bPq2Zx",
    "AKIAZ3MSJV4WWNKWW5FG",
    "hP3x8Ka+q5Tz0nVc2LrWm7Yd9QfBs4Ej1GuXo6Ni",
    "cookie-secret-123",
    "keyboard cat",
)


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "html"])
def test_no_demo_secret_appears_in_any_format(fmt: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    out = tmp_path_factory.mktemp("redaction") / f"report.{fmt}"
    main(["scan", str(DEMO), "--format", fmt, "--output", str(out), "-q", "--advisories", str(ROOT / "examples" / "advisories")])
    text = out.read_text()
    assert "NW806" in text or "hardcoded-secret-argument" in text
    leaked = [s for s in DEMO_SECRETS if s in text]
    assert leaked == []
