"""SARIF 2.1.0, built from plain dicts and validated against the OASIS schema in tests.

One run; `tool.driver.rules` holds only the rules that produced results (one per
advisory for dependency findings, tagged with `nodeward_rule`); relative URIs
under `%SRCROOT%`; 1-based regions; fingerprints; in-source suppressions; errors
and skips as tool execution notifications; taint traces as `codeFlows`.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from nodeward.model import Finding, JSONValue, Rule, ScanResult, SourceSpan, TraceStep, UrlRef

__all__ = ["render", "result_to_sarif"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/nodeward/nodeward"


def _rule_descriptor(rule: Rule) -> dict[str, JSONValue]:
    tags: list[JSONValue] = ["security", *[f"external/cwe/cwe-{c}" for c in rule.cwe], *[f"OWASP-{o}" for o in rule.owasp]]
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _first_paragraph(rule.docs)},
        "help": {"text": rule.summary, "markdown": rule.docs},
        "defaultConfiguration": {"level": rule.severity.sarif_level},
        "properties": {
            "tags": tags,
            "precision": rule.confidence.sarif_precision,
            "security-severity": rule.severity.security_severity,
        },
    }


def _first_paragraph(docs: str) -> str:
    lines = docs.split("\n")
    body: list[str] = []
    for line in lines[1:] if lines and lines[0].startswith("## ") else lines:
        if line.startswith("## "):
            break
        body.append(line)
    return " ".join(x.strip() for x in body if x.strip()) or docs[:200]


def _physical(path: str, line: int, col: int, end_line: int, end_col: int, snippet: str = "") -> dict[str, JSONValue]:
    region: dict[str, JSONValue] = {
        "startLine": max(1, line),
        "startColumn": max(1, col),
        "endLine": max(1, end_line, line),
        "endColumn": max(1, end_col),
    }
    if end_line == line and end_col < col:
        region["endColumn"] = max(1, col)
    if snippet:
        region["snippet"] = {"text": snippet}
    # SARIF's `uri` is an RFC 3986 URI reference: a space, `#` or `%` in a file name must be
    # percent-encoded, or viewers cut the path at `#` and fail on spaces.
    return {"artifactLocation": {"uri": quote(path, safe="/"), "uriBaseId": "%SRCROOT%"}, "region": region}


def _location(f: Finding) -> dict[str, JSONValue]:
    loc = f.location
    if isinstance(loc, SourceSpan):
        return {"physicalLocation": _physical(loc.path, loc.start_line, loc.start_col, loc.end_line, loc.end_col, loc.snippet)}
    assert isinstance(loc, UrlRef)
    return {"physicalLocation": {"artifactLocation": {"uri": loc.url}}}


def _thread_step(step: TraceStep) -> dict[str, JSONValue]:
    return {
        "location": {
            "physicalLocation": _physical(step.path, step.line, step.column, step.line, step.column + max(1, len(step.snippet)), step.snippet),
            "message": {"text": step.message},
        }
    }


def result_to_sarif(result: ScanResult) -> dict[str, JSONValue]:
    from nodeward import registry

    rules: list[JSONValue] = []
    index: dict[str, int] = {}
    results: list[JSONValue] = []
    for f in result.findings:
        custom = f.detail.sarif_rule() if f.detail is not None else None
        rule_id = custom[0] if custom else f.rule_id
        if rule_id not in index:
            base = registry.lookup(f.rule_id) or Rule(
                f.rule_id, f.rule_name, f.message, f.severity, f.confidence, f.cwe, f.owasp, "", f.message
            )
            desc = _rule_descriptor(base)
            if custom:
                desc["id"] = custom[0]
                desc["shortDescription"] = {"text": custom[1] or base.summary}
                desc["fullDescription"] = {"text": custom[1] or base.summary}
                desc["help"] = {"text": custom[1] or base.summary, "markdown": custom[2] or base.docs}
                props = desc["properties"]
                assert isinstance(props, dict)
                props["nodeward_rule"] = base.id
                props["security-severity"] = (f.detail.security_severity(f.severity) if f.detail is not None else None) or f.severity.security_severity
                props["tags"] = ["security", *[f"external/cwe/cwe-{c}" for c in f.cwe]]
            index[rule_id] = len(rules)
            rules.append(desc)
        res: dict[str, JSONValue] = {
            "ruleId": rule_id,
            "ruleIndex": index[rule_id],
            "level": f.severity.sarif_level,
            "message": {"text": f.message + (f"\n\nFix: {f.fix}" if f.fix else "")},
            "locations": [_location(f)],
            "partialFingerprints": {"nodeward/v1": f.fingerprint},
            "properties": {
                "severity": str(f.severity),
                "confidence": str(f.confidence),
                "nodeward_rule": f.rule_id,
                **(f.detail.sarif_properties() if f.detail is not None else {}),
            },
        }
        if f.trace:
            res["codeFlows"] = [{"threadFlows": [{"locations": [_thread_step(s) for s in f.trace]}]}]
        if f.suppression is not None:
            res["suppressions"] = [
                {"kind": "inSource" if f.suppression.kind == "inSource" else "external", "justification": f.suppression.justification}
            ]
        results.append(res)
    notifications: list[JSONValue] = []
    for e in result.errors:
        n: dict[str, JSONValue] = {"level": "error" if e.incomplete or e.fatal else "warning", "message": {"text": f"{e.kind}: {e.message}"}}
        if e.path:
            n["locations"] = [{"physicalLocation": _physical(e.path, max(1, e.line), 1, max(1, e.line), 1)}]
        notifications.append(n)
    notifications.extend(
        {"level": "note", "message": {"text": f"skipped {s.path}: {s.reason}"}} for s in result.skipped
    )
    run: dict[str, JSONValue] = {
        "tool": {"driver": {"name": "nodeward", "version": result.tool_version, "semanticVersion": result.tool_version, "informationUri": INFORMATION_URI, "rules": rules}},
        "originalUriBaseIds": {"%SRCROOT%": {"uri": _root_uri(result.root)}},
        "invocations": [
            {"executionSuccessful": not result.failed, "toolExecutionNotifications": notifications}
        ],
        "results": results,
        "columnKind": "unicodeCodePoints",
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def _root_uri(root: str) -> str:
    from pathlib import Path

    if not root:
        return "./"
    if root.startswith(("http://", "https://")):
        return root.rstrip("/") + "/"
    return Path(root).resolve().as_uri() + "/"


def render(result: ScanResult, options: object = None) -> str:
    return json.dumps(result_to_sarif(result), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
