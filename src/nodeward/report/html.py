"""Self-contained HTML report (inline CSS, no CDN), Jinja2 with autoescape on."""

from __future__ import annotations

from collections import Counter
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
    summary = _summary(result)
    return template.render(
        version=result.tool_version,
        summary=summary,
        findings=rows,
        errors=[f"{e.path}:{e.line} {e.message}" if e.path else e.message for e in result.errors],
        skipped=[f"{s.path}: {s.reason}" for s in result.skipped],
    )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def _summary(result: ScanResult) -> str:
    """The text report's summary line, in words: the same counts in every format (a probe
    report counts requests, not files; suppressed findings and a failed scan are said)."""
    active = result.active_findings
    counts = Counter(f.severity for f in active)
    by_severity = ", ".join(f"{counts[s]} {s}" for s in sorted(counts, reverse=True))
    parts = [_plural(len(active), "finding") + (f" ({by_severity})" if by_severity else "")]
    requests = result.stats.counts.get("requests", 0)
    if result.stats.files_scanned or not requests:
        parts.append(f"{_plural(result.stats.files_scanned, 'file')} scanned")
    if requests:
        parts.append(f"{_plural(requests, 'request')} sent")
    suppressed = len(result.findings) - len(active)
    if suppressed:
        parts.append(f"{suppressed} suppressed")
    parts.append(_plural(len(result.errors), "error"))
    parts.append(f"{len(result.skipped)} skipped")
    text = ", ".join(parts) + "."
    if result.failed:
        text += " The scan could not run completely (see the errors)."
    return text
