"""The JSON report (schema documented in docs/json-format.md, schema_version 1)."""

from __future__ import annotations

import json

from nodeward.model import Finding, JSONValue, ScanResult, SourceSpan, UrlRef

__all__ = ["finding_to_json", "render", "result_to_json", "SCHEMA_VERSION"]

SCHEMA_VERSION = 1


def finding_to_json(f: Finding) -> dict[str, JSONValue]:
    """Flat, jq-friendly keys; analyzer details are merged in at the top level."""
    out: dict[str, JSONValue] = {
        "rule_id": f.rule_id,
        "rule_name": f.rule_name,
        "severity": str(f.severity),
        "confidence": str(f.confidence),
        "message": f.message,
        "cwe": list(f.cwe),
        "owasp": list(f.owasp),
        "fingerprint": f.fingerprint,
        "fix": f.fix,
        "suppressed": f.suppression is not None,
    }
    loc = f.location
    if isinstance(loc, SourceSpan):
        out.update(
            path=loc.path,
            line=loc.start_line,
            column=loc.start_col,
            end_line=loc.end_line,
            end_column=loc.end_col,
            snippet=loc.snippet,
        )
    elif isinstance(loc, UrlRef):
        out.update(url=loc.url, method=loc.method, status=loc.status)
    if f.suppression is not None:
        out["suppression"] = {"kind": f.suppression.kind, "justification": f.suppression.justification}
    if f.trace:
        out["trace"] = [
            {"path": s.path, "line": s.line, "column": s.column, "message": s.message, "snippet": s.snippet}
            for s in f.trace
        ]
    if f.detail is not None:
        for k, v in f.detail.json_fields().items():
            out.setdefault(k, v)
    return out


def result_to_json(result: ScanResult) -> dict[str, JSONValue]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "nodeward", "version": result.tool_version},
        "root": result.root,
        "findings": [finding_to_json(f) for f in result.findings],
        "errors": [
            {"path": e.path, "line": e.line, "kind": e.kind, "message": e.message, "incomplete": e.incomplete, "fatal": e.fatal}
            for e in result.errors
        ],
        "skipped": [{"path": s.path, "reason": s.reason} for s in result.skipped],
        "stats": {
            "files_scanned": result.stats.files_scanned,
            "bytes_scanned": result.stats.bytes_scanned,
            "files_from_cache": result.stats.files_from_cache,
            "seconds": result.stats.seconds,
            "counts": dict(result.stats.counts),
            "findings": len(result.active_findings),
            "suppressed": len(result.findings) - len(result.active_findings),
            "rules_run": len(result.rules),
        },
    }


def render(result: ScanResult, options: object = None) -> str:
    return json.dumps(result_to_json(result), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
