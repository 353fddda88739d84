"""Self-contained HTML report (inline CSS, no CDN), Jinja2 with autoescape on."""

from __future__ import annotations

from importlib import resources

import jinja2

from nodeward.model import ScanResult, SourceSpan
from nodeward.report import RenderOptions

__all__ = ["render"]


def render(result: ScanResult, options: RenderOptions | None = None) -> str:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    template = env.from_string(resources.files("nodeward.report").joinpath("templates/report.html").read_text(encoding="utf-8"))
    rows = []
    for f in result.findings:
        loc = f.location
        where = f"{loc.path}:{loc.start_line}" if isinstance(loc, SourceSpan) else loc.url
        rows.append(
            {
                "severity": str(f.severity),
                "rule_id": f.rule_id,
                "rule_name": f.rule_name,
                "where": where,
                "message": f.message,
                "snippet": loc.snippet if isinstance(loc, SourceSpan) else "",
                "trace": [f"{s.path}:{s.line} {s.message}" for s in f.trace],
                "details": list(f.detail.text_lines()) if f.detail is not None else [],
                "fix": f.fix,
                "suppressed": f.suppression is not None,
            }
        )
    active = len(result.active_findings)
    summary = f"{active} finding{'s' if active != 1 else ''}, {result.stats.files_scanned} files scanned, {len(result.errors)} errors, {len(result.skipped)} skipped."
    return template.render(
        version=result.tool_version,
        summary=summary,
        findings=rows,
        errors=[f"{e.path}:{e.line} {e.message}" if e.path else e.message for e in result.errors],
        skipped=[f"{s.path}: {s.reason}" for s in result.skipped],
    )
