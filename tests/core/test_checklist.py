"""The audit checklist judged from findings: FAIL/WARN/PASS/NOT APPLICABLE with evidence."""

from __future__ import annotations

from nodeward.checklist import Status, evaluate
from nodeward.model import Confidence, Finding, Rule, ScanResult, Severity, SourceSpan


def _rule(rule_id: str, name: str, family: str) -> Rule:
    return Rule(rule_id, name, name, Severity.HIGH, Confidence.HIGH, (), (), "", "docs", family=family)


RULES = (
    _rule("NW701", "vulnerable-dependency", "deps"),
    _rule("NW801", "aws-access-key", "secrets"),
    _rule("NW113", "nosql-injection", "app"),
    _rule("NW510", "login-without-rate-limit", "app"),
    _rule("NW401", "express-app-without-helmet", "app"),
    _rule("NW406", "error-details-sent-to-client", "sast"),
    _rule("NW403", "insecure-session-cookie", "sast"),
)


def _finding(rule_id: str, sev: Severity, line: int = 1) -> Finding:
    r = next(r for r in RULES if r.id == rule_id)
    return Finding(r.id, r.name, sev, Confidence.HIGH, "msg", SourceSpan("app.js", line, 1, line, 2), f"{rule_id}{line}")


def test_items_judged_from_findings() -> None:
    result = ScanResult(
        root="/x",
        findings=(
            _finding("NW701", Severity.CRITICAL),
            _finding("NW113", Severity.HIGH, 5),
            _finding("NW403", Severity.LOW, 9),
            _finding("NW406", Severity.MEDIUM, 12),
        ),
        rules=RULES,
    )
    items = {i.item.key: i for i in evaluate(result, RULES, has_sources=True, has_manifest=True)}
    assert {k: v.status for k, v in items.items()} == {
        "dependencies": Status.FAIL,
        "secrets": Status.PASS,
        "validation": Status.FAIL,
        "authentication": Status.WARN,
        "headers": Status.PASS,
        "errors": Status.FAIL,
    }
    assert items["validation"].evidence == ("app.js:5 NW113 nosql-injection: msg",)
    assert items["errors"].evidence == ("app.js:12 NW406 error-details-sent-to-client: msg",)


def test_not_applicable_without_manifest_or_rules() -> None:
    result = ScanResult(root="/x", findings=(), rules=RULES[1:])
    items = {i.item.key: i.status for i in evaluate(result, RULES, has_sources=True, has_manifest=False)}
    assert items["dependencies"] is Status.NOT_APPLICABLE
    assert items["headers"] is Status.PASS


def test_every_rule_answers_exactly_one_item() -> None:
    from nodeward.checklist import CHECKLIST
    from nodeward.registry import ALL_RULES

    for rule in ALL_RULES:
        items = [i.key for i in CHECKLIST if i.covers(rule)]
        if rule.family == "core" or rule.name == "probe-grade":
            assert items == [], rule.id
        else:
            assert len(items) == 1, f"{rule.id} {rule.name} -> {items}"


def test_demo_and_hardened_checklists(capsys) -> None:  # type: ignore[no-untyped-def]
    import json

    from nodeward.cli import main
    from tests.conftest import ROOT

    assert main(["checklist", str(ROOT / "examples" / "insecure-express"), "--format", "json"]) == 1
    insecure = {i["item"]: i["status"] for i in json.loads(capsys.readouterr().out)}
    assert main(["checklist", str(ROOT / "examples" / "hardened-express"), "--format", "json"]) == 0
    hardened = {i["item"]: i["status"] for i in json.loads(capsys.readouterr().out)}
    assert insecure == dict.fromkeys(insecure, "FAIL") | {"dependencies": insecure["dependencies"]}
    assert all(v in ("PASS", "WARN") for v in hardened.values()), hardened
