"""Human report grouped by file, like ESLint's stylish; colour through rich on a TTY."""

from __future__ import annotations

import io
from collections import Counter

from rich.console import Console
from rich.markup import escape as _markup_escape

from nodeward.model import Finding, ScanResult, Severity, SourceSpan, UrlRef
from nodeward.report import RenderOptions
from nodeward.report.terminal import safe_text

__all__ = ["render"]


def escape(text: str) -> str:
    """Scanned text, safe for rich markup and for the terminal (see `report.terminal`)."""
    return _markup_escape(safe_text(text))

_STYLE = {
    Severity.CRITICAL: "bold red",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}


def _group_key(f: Finding) -> str:
    loc = f.location
    return loc.path if isinstance(loc, SourceSpan) else loc.url


def _lines(result: ScanResult, options: RenderOptions) -> list[str]:
    """Lines with rich markup; escaped so code and messages never turn into markup."""
    out: list[str] = []
    groups: dict[str, list[Finding]] = {}
    for f in result.findings:
        if f.suppression is not None and not options.verbose:
            continue
        groups.setdefault(_group_key(f), []).append(f)
    for key, items in groups.items():
        out.append(f"[underline]{escape(key)}[/underline]")
        for f in items:
            loc = f.location
            where = f"{loc.start_line}:{loc.start_col}" if isinstance(loc, SourceSpan) else (loc.method if isinstance(loc, UrlRef) else "")
            sev = str(f.severity)
            style = _STYLE[f.severity]
            supp = " [dim](suppressed)[/dim]" if f.suppression is not None else ""
            out.append(
                f"  {where:>8}  [{style}]{sev:<8}[/{style}] [bold]{f.rule_id}[/bold] "
                f"[dim]{escape(f.rule_name)}[/dim]  {escape(f.message)}{supp}"
            )
            if isinstance(loc, SourceSpan) and loc.snippet:
                first = loc.snippet.strip().splitlines()[0] if loc.snippet.strip() else ""
                if first:
                    out.append(f"            [dim]│ {escape(first[:160])}[/dim]")
            out.extend(
                f"            [dim]↳ {escape(step.path)}:{step.line} {escape(step.message)}[/dim]" for step in f.trace
            )
            if f.detail is not None:
                out.extend(
                    f"            {escape(part)}" for t in f.detail.text_lines() for part in t.splitlines()
                )
            if f.fix:
                # A fix may hold a snippet on its own lines (an `overrides` block): keep it
                # under the finding instead of at column 0, where it reads as a new file group.
                first_fix, *more_fix = f.fix.splitlines() or [""]
                out.append(f"            [green]fix:[/green] {escape(first_fix)}")
                out.extend(f"                 {escape(line)}" for line in more_fix)
        out.append("")
    active = result.active_findings
    counts = Counter(f.severity for f in active)
    parts = [f"{counts[s]} {s}" for s in sorted(counts, reverse=True)]
    files = len({_group_key(f) for f in active})
    if active:
        summary = f"[bold red]✖ {len(active)} finding{'s' if len(active) != 1 else ''}[/bold red] ({', '.join(parts)}) in {files} location{'s' if files != 1 else ''}"
    elif result.failed:
        summary = "[bold red]✖ no findings, but the scan could not run completely (see errors)[/bold red]"
    elif result.incomplete:
        summary = "[bold yellow]⚠ no findings in what could be analysed[/bold yellow]"
    else:
        summary = "[bold green]✔ no findings[/bold green]"
    suppressed = len(result.findings) - len(active)
    n = result.stats.files_scanned
    requests = result.stats.counts.get("requests", 0)
    extras = [f"{n} file{'s' if n != 1 else ''} scanned"] if n or not requests else []
    if requests:
        extras.append(f"{requests} request{'s' if requests != 1 else ''} sent")
    if suppressed:
        extras.append(f"{suppressed} suppressed")
    if result.errors:
        extras.append(f"{len(result.errors)} error{'s' if len(result.errors) != 1 else ''}")
    if result.skipped:
        extras.append(f"{len(result.skipped)} skipped")
    out.append(f"{summary}; {', '.join(extras)}" if extras else summary)
    if result.errors:
        out.append("")
        # A fatal error means a whole source or server did not run: "the scan went on" would
        # be untrue there.
        went_on = "" if result.failed else " (the scan went on)"
        out.append(f"[bold]Errors[/bold]{went_on}:")
        for e in result.errors:
            where = f"{e.path}:{e.line}" if e.path and e.line else (e.path or f"{e.kind}:")
            if e.path and e.message.startswith(e.path):
                out.append(f"  [yellow]{escape(e.message)}[/yellow]")
            else:
                out.append(f"  [yellow]{escape(where)}[/yellow] {escape(e.message)}")
    if result.skipped and options.verbose:
        out.append("")
        out.append("[bold]Skipped[/bold]:")
        out.extend(f"  {escape(s.path)}: {escape(s.reason)}" for s in result.skipped)
    return out


def render(result: ScanResult, options: RenderOptions | None = None) -> str:
    options = options or RenderOptions()
    buf = io.StringIO()
    console = Console(
        file=buf,
        force_terminal=options.color,
        no_color=not options.color,
        color_system="standard" if options.color else None,
        width=10_000,
        soft_wrap=True,
        highlight=False,
        emoji=False,
    )
    for line in _lines(result, options):
        console.print(line)
    return buf.getvalue()
