"""Self-contained HTML route map for `nodeward routes --format html`.

One file that works offline: inline CSS and JS only, allowed by a strict
Content-Security-Policy meta tag that pins their SHA-256 hashes (no network
source is allowed at all, so a tampered or injected `<script>` cannot run).
Jinja2 renders with autoescape on; every value recovered from the scanned code
(route paths, handler and middleware names, file paths) reaches the page only
through escaped template variables or percent-encoded link targets, and the
script reads them back from `data-*` attributes, never from HTML it builds.

Routes are grouped by app and then by the file that registers them (a router
module, a controller, or the app file itself), so the page reads like the
project's mount tree; each route shows its middleware chain in order and a
badge per protection, coloured by whether it matters for the route's method.
"""

from __future__ import annotations

import base64
import hashlib
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from urllib.parse import quote

import jinja2

from nodeward.analysis.appmodel import Middleware, Route
from nodeward.analysis.middleware import PROTECTIONS
from nodeward.analysis.rules.access import needs_authentication
from nodeward.model import Finding
from nodeward.report.code_redaction import redact_code

__all__ = ["PROTECTION_LABELS", "STATE_CHANGING", "RoutesPage", "render_routes_html"]

PROTECTION_LABELS = {"authentication": "authn", "authorization": "authz", "validation": "validation", "rate_limit": "rate limit", "csrf": "CSRF"}
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE", "ALL"})
"""Methods that change state: a missing protection on them is shown as a gap (red)."""

_BADGE_PRIORITY = ("authorization", "csrf", "rate_limit", "validation", "authentication")
"""A middleware in several categories (a role check also authenticates) is coloured by the most specific."""

_MAX_LABEL = 48
"""Longer middleware/handler names are cut in the badge; the full text stays in its tooltip."""


@dataclass(frozen=True, slots=True)
class RoutesPage:
    """Everything the page shows; built by the `routes` command, rendered by a pure function."""

    routes: Sequence[Route]
    project: str
    """Display name of the scanned folder or file."""
    version: str
    link_base: str = ""
    """Prefix for source links: a relative folder (from the HTML file to the scan root) or a URL."""
    missing_filter: tuple[str, ...] = ()
    """The `--missing` protections the route list was filtered on (shown in the header)."""
    problems: tuple[str, ...] = field(default_factory=tuple)
    """Files that did not parse and imports that could not be followed: where the map may be incomplete."""
    skipped: tuple[str, ...] = field(default_factory=tuple)
    route_findings: Sequence[Sequence[Finding]] | None = None
    """With `--findings`: each route's findings (parallel to `routes`); None hides the column."""
    app_findings: Mapping[str, Sequence[Finding]] = field(default_factory=dict)
    """Findings at an app's creation line (`file:line` of the app), shown under its heading."""
    other_findings: int = 0
    """Findings not tied to any route or app (only counted: `nodeward scan` lists them)."""


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def _cut(text: str) -> str:
    first = text.splitlines()[0] if text else ""
    if len(first) <= _MAX_LABEL and first == text:
        return text
    return first[: _MAX_LABEL - 1] + "…"


def _is_inline(name: str) -> bool:
    return name.startswith(("function", "async function", "async (", "("))


def source_href(link_base: str, path: str, line: int) -> str:
    """Link target for `path:line`: the path percent-encoded (so it can never become a
    `javascript:` or other scheme URL), joined to the base, with a `#L<line>` anchor
    as code hosts and editors' previews understand it."""
    target = quote(path, safe="/")
    if link_base:
        target = link_base.rstrip("/") + "/" + target
    elif not target.startswith((".", "/")):
        target = "./" + target
    return f"{target}#L{line}"


def _mw_row(m: Middleware, link_base: str) -> dict[str, object]:
    cats = [c for c in m.categories if c]
    kind = next((c for c in _BADGE_PRIORITY if c in cats), cats[0] if cats else "other")
    name = f"inline at {m.path}:{m.line}" if _is_inline(m.name) else redact_code(m.name)
    if m.name == "handler":
        name = "checked in handler"
    evidence = redact_code(m.evidence)
    title = f"{m.scope} · {', '.join(cats) or 'unclassified'} · {m.path}:{m.line}"
    if evidence:
        title += f" · {evidence}"
    return {
        "label": _cut(name),
        "full": name,
        "kind": kind,
        "scope": m.scope,
        "categories": cats,
        "title": title,
        "where": f"{m.path}:{m.line}",
        "evidence": evidence,
        "href": source_href(link_base, m.path, m.line) if m.path else "",
    }


def _prot_badge(route: Route, cat: str) -> dict[str, str]:
    m = route.protections.get(cat)
    label = PROTECTION_LABELS[cat]
    if m is not None:
        name = "in handler" if m.name == "handler" else (f"inline at {m.path}:{m.line}" if _is_inline(m.name) else redact_code(m.name))
        return {"cat": cat, "label": label, "state": "ok", "title": f"{label}: {name} ({m.path}:{m.line})"}
    if route.method in STATE_CHANGING:
        return {"cat": cat, "label": label, "state": "miss", "title": f"no {label} on a state-changing route"}
    if cat == "csrf":
        return {"cat": cat, "label": label, "state": "na", "title": "no CSRF protection (only matters for state-changing methods)"}
    return {"cat": cat, "label": label, "state": "soft", "title": f"no {label} (a read-only route: fine if it is meant to be public)"}


def _common_prefix(paths: Sequence[str]) -> str:
    """The literal path segments every route of a group shares (stops at the first parameter)."""
    split = [p.strip("/").split("/") for p in paths]
    out: list[str] = []
    for parts in zip(*split, strict=False):
        if len(set(parts)) != 1 or not parts[0] or parts[0].startswith((":", "*", "{")):
            break
        out.append(parts[0])
    if len(paths) == 1 and out:
        out = out[:-1]  # one route: its own last segment is not a prefix
    return "/" + "/".join(out)


def _finding_row(f: Finding, link_base: str) -> dict[str, str]:
    return {
        "rule_id": f.rule_id,
        "severity": str(f.severity),
        "title": f"{f.rule_id} {f.rule_name} ({f.severity}): {f.message} at {f.path}:{f.line}",
        "href": source_href(link_base, f.path, f.line),
    }


_SEVERITY_RANK = {"critical": 4, "high": 3, "medium": 2, "low": 1, "info": 0}


def _route_row(r: Route, link_base: str, findings: Sequence[Finding] | None, mw_rows: dict[Middleware, dict[str, object]]) -> dict[str, object]:
    # An inline handler's "name" is its first source line: the page never quotes it (the
    # source link shows it), so no literal in it can leak; named handlers are identifiers.
    handler = "inline handler" if _is_inline(r.handler) else redact_code(r.handler or "?")
    # Global and router middleware are shared by many routes: one row each, built once.
    mws = [mw_rows[m] if m in mw_rows else mw_rows.setdefault(m, _mw_row(m, link_base)) for m in r.middleware]
    prots = [_prot_badge(r, c) for c in PROTECTIONS]
    frows = [_finding_row(f, link_base) for f in sorted(findings or (), key=lambda f: (-f.severity.value, f.rule_id, f.path, f.line))]
    ids = [f["rule_id"] for f in frows]
    search = " ".join([r.method, r.path, handler, f"{r.file}:{r.line}", *(str(m["full"]) for m in mws), *ids]).lower()
    return {
        "method": r.method,
        "path": r.path,
        "file": r.file,
        "line": r.line,
        "where": f"{r.file}:{r.line}",
        "href": source_href(link_base, r.file, r.line),
        "handler": _cut(handler),
        "handler_full": handler,
        "middleware": mws,
        "protections": prots,
        "present": sum(1 for p in prots if p["state"] == "ok"),
        "missing": " ".join(p["cat"] for p in prots if p["state"] != "ok"),
        "changing": r.method in STATE_CHANGING,
        "search": search,
        "findings": frows,
        "worst": max((_SEVERITY_RANK[f["severity"]] for f in frows), default=-1),
    }


def _groups(page: RoutesPage) -> list[dict[str, object]]:
    """Apps (in the routes' order) holding groups keyed by registering file."""
    apps: dict[tuple[bool, str], dict[str, list[Route]]] = {}
    index = {id(r): i for i, r in enumerate(page.routes)}
    mw_rows: dict[Middleware, dict[str, object]] = {}
    for r in page.routes:
        key = (r.mounted, r.app if r.mounted else "")
        apps.setdefault(key, {}).setdefault(r.reg_file or r.file, []).append(r)

    def findings_of(r: Route) -> Sequence[Finding] | None:
        return page.route_findings[index[id(r)]] if page.route_findings is not None else None

    out: list[dict[str, object]] = []
    for (mounted, app), by_file in apps.items():
        routes = [r for rs in by_file.values() for r in rs]
        framework = routes[0].framework if routes else ""
        groups = []
        for reg_file, rs in by_file.items():
            groups.append(
                {
                    "file": reg_file,
                    "href": source_href(page.link_base, reg_file, min(r.reg_line or r.line for r in rs)),
                    "prefix": _common_prefix([r.path for r in rs]),
                    "routes": [_route_row(r, page.link_base, findings_of(r), mw_rows) for r in rs],
                }
            )
        app_file, _, app_line = app.rpartition(":")
        out.append(
            {
                "mounted": mounted,
                "app": app,
                "href": source_href(page.link_base, app_file, int(app_line)) if mounted and app_line.isdigit() else "",
                "framework": framework,
                "count": len(routes),
                "groups": groups,
                "findings": [_finding_row(f, page.link_base) for f in page.app_findings.get(app, ())] if mounted else [],
            }
        )
    return out


def _summary(page: RoutesPage) -> dict[str, object]:
    routes = page.routes
    changing = [r for r in routes if r.method in STATE_CHANGING]
    coverage = [
        {"label": PROTECTION_LABELS[c], "have": sum(1 for r in routes if r.protections.get(c) is not None), "total": len(routes)}
        for c in PROTECTIONS
    ]
    return {
        "routes": len(routes),
        "apps": len({r.app for r in routes if r.mounted}),
        "unmounted": sum(1 for r in routes if not r.mounted),
        "changing": len(changing),
        # Sign-in, sign-up, reset and webhook routes are public by purpose, as NW511 judges them.
        "changing_unauth": sum(1 for r in changing if needs_authentication(r) and r.protections.get("authentication") is None),
        "coverage": coverage,
        "with_findings": page.route_findings is not None,
        "route_findings": len({f.fingerprint for fs in page.route_findings or () for f in fs}),
        "routes_with_findings": sum(1 for fs in page.route_findings or () if fs),
        "app_findings": sum(len(v) for v in page.app_findings.values()),
        "other_findings": page.other_findings,
    }


def render_routes_html(page: RoutesPage) -> str:
    """The whole page as one string (pure: same input, same bytes)."""
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters["csp_hash"] = _csp_hash
    template = env.from_string(resources.files("nodeward.report").joinpath("templates/routes.html").read_text(encoding="utf-8"))
    methods = sorted({r.method for r in page.routes})
    # Streamed into one buffer: a list of every fragment (what `render` joins) costs several
    # times the page's size on route tables in the tens of thousands.
    out = io.StringIO()
    for chunk in template.generate(
        version=page.version,
        project=page.project,
        apps=_groups(page),
        summary=_summary(page),
        methods=methods,
        protections=[(c, PROTECTION_LABELS[c]) for c in PROTECTIONS],
        missing_filter=[PROTECTION_LABELS.get(c, c) for c in page.missing_filter],
        problems=list(page.problems),
        skipped=list(page.skipped),
    ):
        out.write(chunk)
    return out.getvalue()
