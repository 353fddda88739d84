"""Findings per route for `nodeward routes --findings`.

The route map says what guards each route; with `--findings` it also says what is
wrong behind it.  The code and route rules run as `nodeward scan` would run them
(same config, rule selection and inline suppressions; only the `sast` and `app`
analyzers), and each active finding is tied to the routes it belongs to:

- its location, or its taint flow's source, lies inside the route's handler function
  (so a SQL injection in `lib/db.js` reached from `GET /search`'s handler is listed on
  `GET /search`);
- or it points at the route's registration (`router.post('/login', ...)`: the route
  rules, such as a login route without a rate limiter).

Findings at an app's creation line (missing helmet, no error handler) belong to the app;
the rest (a weak hash in a script no route reaches) are counted as not tied to a route.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from nodeward.analysis.appmodel import Route
from nodeward.model import Finding, ScanError, SourceSpan
from nodeward.project import Project

__all__ = ["RouteFindings", "attach_findings", "scan_route_findings"]

Span = tuple[str, int, int]
"""(file, first line, last line) of a handler function."""


@dataclass(frozen=True, slots=True)
class RouteFindings:
    """Findings tied to each route (parallel to the route list), to apps, and the rest."""

    per_route: tuple[tuple[Finding, ...], ...]
    per_app: dict[str, tuple[Finding, ...]]
    unattached: tuple[Finding, ...]
    errors: tuple[ScanError, ...] = ()
    """What kept the rules from running everywhere (a rule that crashed on a file)."""


def _inside(span: Span | None, path: str, line: int) -> bool:
    return span is not None and span[0] == path and span[1] <= line <= span[2]


def attach_findings(routes: Sequence[Route], findings: Sequence[Finding], handler_span: Callable[[Route], Span | None]) -> RouteFindings:
    """Tie each finding to every route whose handler holds it (or its flow's source) or whose
    registration it points at; linear in routes x findings per file, which stays small."""
    spans = [handler_span(r) for r in routes]
    by_file: dict[str, list[int]] = {}
    for i, r in enumerate(routes):
        files = {r.reg_file or r.file}
        span = spans[i]
        if span is not None:
            files.add(span[0])
        for name in files:
            by_file.setdefault(name, []).append(i)
    per_route: list[list[Finding]] = [[] for _ in routes]
    apps = {r.app for r in routes if r.mounted}
    per_app: dict[str, list[Finding]] = {}
    unattached: list[Finding] = []
    for f in findings:
        if not isinstance(f.location, SourceSpan):
            continue
        points = [(f.path, f.line)]
        if f.trace:
            points.append((f.trace[0].path, f.trace[0].line))
        hit = False
        for path, line in points:
            for i in by_file.get(path, ()):
                r = routes[i]
                if _inside(spans[i], path, line) or ((r.reg_file or r.file) == path and (r.reg_line or r.line) == line):
                    if not per_route[i] or per_route[i][-1] is not f:
                        per_route[i].append(f)
                    hit = True
        if hit:
            continue
        app = f"{f.path}:{f.line}"
        if app in apps:
            per_app.setdefault(app, []).append(f)
        else:
            unattached.append(f)
    return RouteFindings(tuple(tuple(fs) for fs in per_route), {k: tuple(v) for k, v in per_app.items()}, tuple(unattached))


def scan_route_findings(project: Project, routes: Sequence[Route], handler_span: Callable[[Route], Span | None]) -> RouteFindings:
    """Run the code and route rules (as `scan` with analyzers sast+app) and tie the findings to routes."""
    from nodeward.scanner import scan_project

    code_only = replace(project, config=replace(project.config, analyzers=("sast", "app")))
    result = scan_project(code_only)
    attached = attach_findings(routes, result.active_findings, handler_span)
    return replace(attached, errors=tuple(e for e in result.errors if e.incomplete and e.kind != "parse"))
