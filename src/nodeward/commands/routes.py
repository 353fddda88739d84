"""`nodeward routes PATH`: the attack-surface map.

Every HTTP route with its method, full path (mount prefixes resolved across
files), handler location and the protections on its middleware chain.  Uses the
same discovery, worker engine and per-file cache as `scan`, then the app
model's linker; no rule runs and nothing is executed.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from nodeward.analysis.appmodel import Middleware, Route
from nodeward.analysis.link import link_project
from nodeward.analysis.middleware import PROTECTIONS
from nodeward.analysis.rules.access import needs_authentication
from nodeward.commands.common import add_common_options, config_from_args, write_output
from nodeward.commands.scan import add_scan_options
from nodeward.errors import ExitCode, UsageError
from nodeward.model import Finding, JSONValue
from nodeward.project import Project, discover
from nodeward.report.code_redaction import redact_code
from nodeward.report.terminal import safe_text
from nodeward.sast.engine import run_sast

if TYPE_CHECKING:
    from nodeward.commands.routes_findings import RouteFindings

logger = logging.getLogger(__name__)

NAME = "routes"
HELP = "list every HTTP route with its handler and the protections guarding it"

_HEADERS = {"authentication": "AUTHN", "authorization": "AUTHZ", "validation": "VALIDATION", "rate_limit": "RATE LIMIT", "csrf": "CSRF"}


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The `routes` subcommand's flags (discovery flags are shared with `scan`)."""
    p.add_argument("path", help="project folder or file")
    add_scan_options(p)
    g = p.add_argument_group("output")
    g.add_argument(
        "--format", "-f", choices=("text", "json", "html"), default="text", help="text table, JSON list, or a self-contained HTML map"
    )
    g.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of stdout")
    g.add_argument(
        "--source-url",
        metavar="URL",
        help="html: prefix for source links, e.g. https://github.com/ORG/REPO/blob/main/ (default: paths relative to the --output file's folder, or to the current folder for stdout)",
    )
    g.add_argument(
        "--findings",
        action="store_true",
        help="also run the code and route rules and list each route's findings (those in its handler, reached from it, or at its registration)",
    )
    g.add_argument("--strict", action="store_true", help="exit 3 when some files could not be parsed or imports not resolved")
    g.add_argument(
        "--missing",
        action="append",
        choices=PROTECTIONS,
        metavar="PROTECTION",
        help=f"only routes lacking this protection (repeatable; one of {', '.join(PROTECTIONS)})",
    )
    add_common_options(p)


def _mw_json(m: Middleware) -> dict[str, JSONValue]:
    return {
        "name": redact_code(m.name),
        "categories": list(m.categories),
        "file": m.path,
        "line": m.line,
        "scope": m.scope,
        "evidence": redact_code(m.evidence) or None,
    }


def finding_json(f: Finding) -> dict[str, JSONValue]:
    """A finding as listed under a route (`--findings`): enough to find it in `nodeward scan`'s output."""
    return {
        "rule_id": f.rule_id,
        "rule_name": f.rule_name,
        "severity": str(f.severity),
        "confidence": str(f.confidence),
        "message": f.message,
        "file": f.path,
        "line": f.line,
        "fingerprint": f.fingerprint,
    }


def route_json(r: Route) -> dict[str, JSONValue]:
    """The issue's JSON shape: method, path, file, line, handler, middleware, protections."""
    protections: dict[str, JSONValue] = {}
    for cat in PROTECTIONS:
        m = r.protections.get(cat)
        protections[cat] = _mw_json(m) if m is not None else None
    return {
        "method": r.method,
        "path": r.path,
        "file": r.file,
        "line": r.line,
        "handler": redact_code(r.handler),
        "framework": r.framework,
        "app": r.app if r.mounted else None,
        "mounted": r.mounted,
        "middleware": [_mw_json(m) for m in r.middleware],
        "protections": protections,
    }


def _cell(m: Middleware | None) -> str:
    if m is None:
        return "-"
    name = redact_code(m.name) if m.name != "handler" else "in handler"
    if name.startswith(("function", "async function", "async (", "(")):
        # An anonymous inline middleware: its first source line says little, its place does.
        name = f"inline at {m.path}:{m.line}"
    # A cut name says so: `passport.authenticate('jwt',` alone reads like the whole call.
    return f"yes: {name if len(name) <= 32 else name[:31] + '…'}"


def render_text(routes: list[Route], verbose: bool = False, findings: tuple[tuple[Finding, ...], ...] | None = None) -> str:
    """The text table (and, verbose, each route's middleware chain; with `--findings`, each
    route's findings under it)."""
    if not routes:
        return "No routes found.\n"
    several_apps = len({r.app for r in routes if r.mounted}) > 1
    rows = [[*(["APP"] if several_apps else []), "METHOD", "PATH", "HANDLER", *(_HEADERS[c] for c in PROTECTIONS)]]
    for r in routes:
        path = r.path if r.mounted else f"{r.path} (not mounted)"
        app = [r.app if r.mounted else "-"] if several_apps else []
        rows.append([*app, r.method, path, f"{r.file}:{r.line}", *(_cell(r.protections.get(c)) for c in PROTECTIONS)])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines: list[str] = []
    for n, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if verbose and n > 0:
            r = routes[n - 1]
            for m in r.middleware:
                cats = ", ".join(m.categories) or "-"
                lines.append(f"    {m.scope:7s} {redact_code(m.name)}  [{cats}]  {m.path}:{m.line}" + (f"  ({redact_code(m.evidence)})" if m.evidence else ""))
        if findings is not None and n > 0:
            lines.extend(f"    ! {f.rule_id} {f.rule_name} ({f.severity})  {f.path}:{f.line}  {f.message}" for f in findings[n - 1])
    # Counted as NW511 judges them: sign-in, sign-up, reset and webhook routes are public by purpose.
    unguarded = sum(1 for r in routes if needs_authentication(r) and not r.protections.get("authentication"))
    lines.append("")
    lines.append(
        f"{len(routes)} route{'s' if len(routes) != 1 else ''}; {unguarded} state-changing "
        f"route{'s' if unguarded != 1 else ''} without authentication."
    )
    return "\n".join(lines) + "\n"


def _sort_key(r: Route) -> tuple[str, str, str, str, int]:
    return (r.app if r.mounted else "~", r.path, r.method, r.file, r.line)


def _link_base(project: Project, output: str | None, source_url: str | None) -> str:
    """Where the HTML's source links point: the given URL, or the scan root relative to
    the folder the HTML is written to (the current folder for stdout), so the links
    open the files when the report sits next to the project or is moved with it."""
    if source_url:
        return source_url
    here = Path(output).resolve().parent if output else Path.cwd()
    try:
        rel = os.path.relpath(project.root, here)
    except ValueError:  # another drive on Windows: an absolute file URL would leak paths, use the root as is
        rel = str(project.root)
    return "" if rel == "." else quote(Path(rel).as_posix(), safe="/")


def _render_html(routes: list[Route], project: Project, args: argparse.Namespace, problems: tuple[str, ...], found: RouteFindings | None) -> str:
    from nodeward import __version__
    from nodeward.report.routes_html import RoutesPage, render_routes_html

    page = RoutesPage(
        routes=routes,
        project=Path(args.path).name or str(args.path),
        version=__version__,
        link_base=_link_base(project, args.output, getattr(args, "source_url", None)),
        missing_filter=tuple(args.missing or ()),
        problems=problems,
        skipped=tuple(f"{s.path}: {s.reason}" for s in project.skipped),
        route_findings=found.per_route if found is not None else None,
        app_findings=found.per_app if found is not None else {},
        other_findings=len(found.unattached) if found is not None else 0,
    )
    return render_routes_html(page)


def run(args: argparse.Namespace) -> int:
    """Discover, extract facts (cached), link, and print the route table."""
    root = Path(args.path)
    if not root.exists():
        raise UsageError(f"{args.path}: no such file or directory")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    source_url = getattr(args, "source_url", None)
    if source_url is not None:
        if args.format != "html":
            raise UsageError("--source-url only applies to --format html")
        parts = urlsplit(source_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UsageError(f"--source-url {source_url!r}: expected an http(s) URL")
    config = config_from_args(root, args)
    project = discover(root, config)
    sast = run_sast(project)
    from nodeward.report.code_redaction import remember_secrets
    from nodeward.secrets.overlap import raw_secret_values

    remember_secrets(raw_secret_values(sast.findings, project.root))
    linked = link_project(project, sast.facts)
    routes = sorted(linked.model.routes, key=_sort_key)
    if args.missing:
        routes = [r for r in routes if all(r.protections.get(cat) is None for cat in args.missing)]
    found: RouteFindings | None = None
    if getattr(args, "findings", False):
        from nodeward.commands.routes_findings import scan_route_findings

        def handler_span(r: Route) -> tuple[str, int, int] | None:
            fn = linked.taint.func(r.handler_ref) if r.handler_ref is not None else None
            return None if fn is None or r.handler_ref is None else (r.handler_ref[0], fn.line, max(fn.line, fn.end_line))

        found = scan_route_findings(project, routes, handler_span)
    problems = [f"{e.path}:{e.line} {e.message}" if e.path else e.message for e in sast.errors if e.incomplete]
    problems += [f"{path}:{line} {why}" for path, line, why in linked.unresolved]
    if found is not None:  # parse errors are already listed from the first pass
        problems += [f"{e.path}:{e.line} {e.message}" if e.path else e.message for e in found.errors]
    if args.format == "json":
        # The JSON report is a list of routes: what kept the map from being complete goes to
        # stderr, so `--strict`'s exit 3 never comes without a reason.
        for problem in problems:
            logger.warning("incomplete: %s", safe_text(problem))
        rows = [route_json(r) for r in routes]
        if found is not None:
            for row, fs in zip(rows, found.per_route, strict=True):
                row["findings"] = [finding_json(f) for f in fs]
        text = json.dumps(rows, indent=2, sort_keys=True) + "\n"
    elif args.format == "html":
        text = _render_html(routes, project, args, tuple(problems), found)
    else:
        text = render_text(routes, verbose=bool(getattr(args, "verbose", False)), findings=found.per_route if found is not None else None)
        if problems:  # as the HTML page lists them
            text += "\nIncomplete (the map may miss routes or protections):\n" + "".join(f"  {p}\n" for p in problems)
        text = safe_text(text)  # paths, handlers and middleware come from the scanned code
    write_output(text, args.output)
    if args.output and not getattr(args, "quiet", False):  # as scan, deps, secrets and probe say
        sys.stderr.write(f"nodeward: wrote {args.format} report to {args.output}\n")
    incomplete = any(e.kind == "parse" for e in sast.errors) or bool(linked.unresolved) or bool(found is not None and found.errors)
    if config.strict and incomplete:  # the flag, or `strict = true` in the config
        return ExitCode.INCOMPLETE
    return ExitCode.OK
