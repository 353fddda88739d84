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
