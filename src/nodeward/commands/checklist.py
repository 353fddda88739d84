"""`nodeward checklist PATH [--url URL]`: the guide's audit checklist as PASS/FAIL with evidence."""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

from nodeward.checklist import ItemResult, Status, evaluate
from nodeward.commands.common import add_common_options, config_from_args, write_output
from nodeward.commands.scan import add_scan_options
from nodeward.errors import ExitCode, UsageError
from nodeward.model import ScanResult
from nodeward.project import discover
from nodeward.registry import ALL_RULES
from nodeward.report.terminal import safe_text
from nodeward.scanner import scan_project

NAME = "checklist"
HELP = "answer the guide's Quick Node.js Security Audit checklist (PASS/FAIL/WARN with evidence)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", nargs="?", help="project folder (optional when --url is given)")
    p.add_argument("--url", help="also probe this running server (see `nodeward probe`)")
    # As `scan` has it: the "Dependency scan" item needs advisory data.
    p.add_argument("--advisories", action="append", metavar="PATH", help="OSV advisory records (folder or .zip) for the dependency audit (repeatable; offline)")
    add_scan_options(p)
    g = p.add_argument_group("output")
    g.add_argument("--format", "-f", choices=("text", "json", "markdown"), default="text")
    g.add_argument("--output", "-o", metavar="FILE")
    g.add_argument("--strict", action="store_true", help="exit 3 when the scan was incomplete")
    add_common_options(p)


def _merge(a: ScanResult, b: ScanResult) -> ScanResult:
    from dataclasses import replace

    return replace(
        a,
        findings=a.findings + b.findings,
        errors=a.errors + b.errors,
        skipped=a.skipped + b.skipped,
        rules=a.rules + tuple(r for r in b.rules if r not in a.rules),
    )


def _render_text(items: list[ItemResult], color: bool) -> str:
    from rich.console import Console
    from rich.markup import escape as markup_escape
    from rich.table import Table

    def escape(text: str) -> str:
        return markup_escape(safe_text(text))

    style = {Status.PASS: "green", Status.FAIL: "bold red", Status.WARN: "yellow", Status.NOT_APPLICABLE: "dim"}
    table = Table(title="Quick Node.js Security Audit", show_lines=True)
    table.add_column("Item")
    table.add_column("Status")
    table.add_column("Evidence and fix")
    for r in items:
        body = escape(r.summary)
        if r.evidence:
            body += "\n" + "\n".join(f"- {escape(e)}" for e in r.evidence)
        if r.status in (Status.FAIL, Status.WARN):
            body += f"\n[green]fix:[/green] {escape(r.item.fix)}"
        table.add_row(escape(r.item.title), f"[{style[r.status]}]{r.status.value}[/{style[r.status]}]", body)
    buf = io.StringIO()
    Console(file=buf, force_terminal=color, no_color=not color, width=140, highlight=False).print(table)
    return buf.getvalue()


def _render_markdown(items: list[ItemResult]) -> str:
    lines = ["| Item | Status | Evidence |", "|---|---|---|"]
    for r in items:
        ev = safe_text("<br>".join([r.summary, *r.evidence])).replace("|", "\\|")
        lines.append(f"| {r.item.title} | {r.status.value} | {ev} |")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    if not args.path and not args.url:
        raise UsageError("give a project PATH, a --url, or both")
    result: ScanResult | None = None
    has_sources = has_manifest = False
    config = None
    if args.path:
        root = Path(args.path)
        if not root.exists():
            raise UsageError(f"{args.path}: no such file or directory")
        config = config_from_args(root, args)
        if args.advisories:
            from dataclasses import replace

            config = replace(config, deps=replace(config.deps, advisories=(*config.deps.advisories, *args.advisories)))
        project = discover(root, config)
        has_sources = bool(project.sources)
        has_manifest = any(f.path.endswith("package.json") for f in project.files)
        result = scan_project(project)
    if args.url:
        from nodeward import probe

        probe_fn = getattr(probe, "probe_url", None)
        if probe_fn is None:
            raise UsageError("this build has no live probe")
        live: ScanResult = probe_fn(args.url)
        result = live if result is None else _merge(result, live)
    assert result is not None
    items = evaluate(result, ALL_RULES, has_sources=has_sources, has_manifest=has_manifest)
    if args.format == "json":
        text = json.dumps([i.to_json() for i in items], indent=2, sort_keys=True) + "\n"
    elif args.format == "markdown":
        text = _render_markdown(items)
    else:
        text = _render_text(items, color=not args.output and sys.stdout.isatty())
    write_output(text, args.output)
    if args.output and not getattr(args, "quiet", False):  # as scan, deps, secrets and probe say
        sys.stderr.write(f"nodeward: wrote {args.format} report to {args.output}\n")
    strict = args.strict or (config is not None and config.strict)  # `strict = true` in the config too
    if result.failed or (strict and result.incomplete):
        return ExitCode.INCOMPLETE
    return ExitCode.FINDINGS if any(i.status is Status.FAIL for i in items) else ExitCode.OK
