"""Project-level configuration rules on each app (NW401, NW450-NW452).

Judged on the linked app model, not per file: helmet may be registered in
another module than the one creating the app, and an error handler may come
from a function that receives the app.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from nodeward.analysis.appmodel import AppInfo, AppModel, Route
from nodeward.analysis.rules.base import finding_at, is_test_file
from nodeward.model import Confidence, Finding, Rule, Severity
from nodeward.ruledocs import make_docs

__all__ = ["RULES", "check_apps"]

NO_HELMET = Rule(
    id="NW401",
    name="express-app-without-helmet",
    summary="An Express app registers no helmet (or equivalent security headers)",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    cwe=(693,),
    owasp=("A05:2021",),
    guide_section="Security Headers",
    family="app",
    docs=make_docs(
        what="Reports an Express application on which no `helmet()` middleware (or a custom middleware setting at least two of Content-Security-Policy, Strict-Transport-Security, X-Frame-Options, X-Content-Type-Options, Referrer-Policy) is registered, in any file. Reported once per served app tree, on its root (the app that listens, is handed to `http.createServer`, or is built where it is used), naming the other apps of the tree that lack the headers: a sub-app mounted into another app (`app.use('/admin', adminApp)`, `app.use(vhost(host, adminApp))`, a project helper calling `parent.use(path, child)`, a factory's app `app.use('/x', require('./x')())`) is judged through its parent (unless it also listens on a port of its own: then it is a root as well), and an app returned by a factory, exported or passed to other project code belongs to the tree of the app the project serves, unless the project also serves apps where the model cannot tie them (a `bin/www`, a serverless adapter: `serverless(createApp())`, `functions.https.onRequest(app)`): then those apps form one tree of their own. When nothing in the project starts a server (no `listen(port)`, no `http.createServer`), its apps are built for embedding into another server: one low-severity, low-confidence finding says so. Express runs middleware in registration order: when the root's `helmet()` is registered after some of its routes or mounted sub-apps (in the same module), those answer without the headers and the root is reported, naming them. An app on which nothing is registered and that is only handed to `http.createServer` (the HTTP side of a WebSocket server: it answers only Express's 404) is not reported; one that listens itself is (its routes come from where the model cannot read them, such as a route table). Apps built in test files (`*.test.*`, `*.spec.*`, `test/`, `__tests__/`, `e2e/`: supertest harnesses, never deployed) are not reported; the same holds for the route rules NW211 and NW510-NW513.",
        why="Without these headers browsers allow framing (clickjacking), MIME sniffing and inline script injection, and HTTPS is not pinned.",
        example="""
const express = require('express');
const app = express();
app.get('/', (req, res) => res.send('ok'));
app.use((err, req, res, next) => res.status(500).send('error'));
app.listen(3000);
""",
        use_instead="""
const express = require('express');
const helmet = require('helmet');
const app = express();
app.use(helmet());
app.get('/', (req, res) => res.send('ok'));
app.use((err, req, res, next) => res.status(500).send('error'));
app.listen(3000);
""",
        references=["https://helmetjs.github.io/", "https://expressjs.com/en/advanced/best-practice-security.html#use-helmet"],
    ),
)

NO_ERROR_HANDLER = Rule(
    id="NW450",
    name="express-app-without-error-handler",
    summary="An Express app with routes has no error-handling middleware",
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    cwe=(209,),
    owasp=("A05:2021",),
    guide_section="Proper Error Handling",
    family="app",
    docs=make_docs(
        what="Reports an Express application with routes but no error handler (a four-parameter `(err, req, res, next)` middleware) registered on it. A sub-app (mounted into another app, or one of the apps other project code places in the served tree, see NW401) passes its errors to its parent's handler and is not reported.",
        why="Express's default handler prints the stack trace in the response unless NODE_ENV is `production`, and no error is logged in a controlled way.",
        example="""
const express = require('express');
const helmet = require('helmet');
const app = express();
app.use(helmet());
app.get('/', (req, res) => res.send('ok'));
""",
        use_instead="""
const express = require('express');
const helmet = require('helmet');
const app = express();
app.use(helmet());
app.get('/', (req, res) => res.send('ok'));
app.use((err, req, res, next) => {
  console.error(err);
  res.status(500).json({ error: 'internal error' });
});
""",
        references=["https://expressjs.com/en/guide/error-handling.html"],
    ),
)

POWERED_BY = Rule(
    id="NW451",
    name="x-powered-by-header-enabled",
    summary="An Express app without helmet does not disable `X-Powered-By`",
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    cwe=(200,),
    owasp=("A05:2021",),
    guide_section="Security Headers",
    family="app",
    docs=make_docs(
        what="Reports an Express application that neither uses helmet (which removes the header) nor calls `app.disable('x-powered-by')`.",
        why="`X-Powered-By: Express` tells scanners which exploits to try first.",
        example="""
const express = require('express');
const app = express();
app.get('/', (req, res) => res.send('ok'));
app.use((err, req, res, next) => res.status(500).send('error'));
""",
        use_instead="""
const express = require('express');
const app = express();
app.disable('x-powered-by');
app.get('/', (req, res) => res.send('ok'));
app.use((err, req, res, next) => res.status(500).send('error'));
""",
        references=["https://expressjs.com/en/advanced/best-practice-security.html#reduce-fingerprinting"],
    ),
)

BODY_LIMIT = Rule(
    id="NW452",
    name="body-parser-large-limit",
    summary="A body parser accepts request bodies larger than 10 MB",
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    cwe=(770,),
    owasp=("A05:2021",),
    guide_section="Input Validation and Sanitization",
    family="app",
    docs=make_docs(
        what="Reports `express.json`/`urlencoded`/`body-parser` middleware registered with a `limit` above 10 MB (the default is 100 KB).",
        why="Large JSON bodies are parsed synchronously on the event loop: a few concurrent requests exhaust memory and CPU (denial of service).",
        example="""
const express = require('express');
const app = express();
app.use(express.json({ limit: '500mb' }));
app.post('/upload', (req, res) => res.json({ ok: true }));
""",
        use_instead="""
const express = require('express');
const app = express();
app.use(express.json({ limit: '100kb' }));
app.post('/upload', (req, res) => res.json({ ok: true }));
""",
        references=["https://expressjs.com/en/api.html#express.json"],
    ),
)

RULES: tuple[Rule, ...] = (NO_HELMET, NO_ERROR_HANDLER, POWERED_BY, BODY_LIMIT)

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$", re.I)
_UNITS = {"b": 1, "kb": 1024, "mb": 1024**2, "gb": 1024**3}
MAX_BODY = 10 * 1024 * 1024


def _size(text: str) -> int | None:
    m = _SIZE.match(text)
    if m is None:
        return None
    return int(float(m.group(1)) * _UNITS[(m.group(2) or "b").lower()])


def _key(app: AppInfo) -> str:
    return f"{app.path}:{app.line}"


def _order(app: AppInfo) -> tuple[int, str, int]:
    """Which app of a group carries its finding: the one nearest the project's top (the entry
    module of a server usually sits above the sub-apps it loads), then by place."""
    return (app.path.count("/"), app.path, app.line)


def _has_helmet(app: AppInfo) -> bool:
    return any("helmet" in mw.categories for mw in app.global_middleware)


def _shown(app: AppInfo) -> str:
    """`adminApp` (lib/admin.js:4): the variable as written (instance keys carry the enclosing
    function, `createApp::app`)."""
    return f"`{app.name.rsplit('::', 1)[-1] or 'app'}` ({app.path}:{app.line})"


def _serves_nothing(app: AppInfo) -> bool:
    """An app that answers every request with Express's built-in 404: the HTTP side of an
    upgrade server (`http.createServer(app)` shared with a WebSocket server), with nothing
    registered on it and its value staying where it is built.

    Only that idiom proves it.  An empty app handed to other code is filled there
    (`RED.httpAdmin` for plugins), and one that listens on a port of its own with nothing the
    model can read registered on it is filled in ways the model does not follow (a route table
    `app[route.method](route.path, route.handler)`, a package registering on it): both count."""
    return app.empty and not app.escapes and app.server_arg


@dataclass
class _Tree:
    """Express apps judged together for security headers: a root and the apps below it."""

    root: AppInfo
    members: list[AppInfo] = field(default_factory=list)
    """Apps whose requests (as far as the model can tell) pass through the root."""
    embeddable: bool = False
    grouped: bool = False
    """Apps placed by other project code, gathered without a known root (the first is shown)."""


def _trees(model: AppModel, apps: list[AppInfo]) -> list[_Tree]:
    """The served app trees of a project.

    Mounted apps (`parent.use('/x', sub)`, also through `vhost(host, sub)`-style helpers and
    factories) are covered by their parent's walk already, unless they also listen on a port of
    their own (then they are a root as well).  Of the rest, an app that listens
    (`app.listen`, `http.createServer(app)`, `start(app)` with a `listen` on the parameter) or
    whose value never leaves the module building it is a root.  An app whose value is returned
    by a factory, exported or passed to other project code is placed by that code: when the
    project starts a server from one app the model can name, those apps belong to that tree;
    when the server is started somewhere the model cannot tie to an app, they form one tree
    of their own (one finding, on the app nearest the project's top); and when nothing in the
    project listens at all, they are built for embedding into another server (one finding, low).
    """
    express = [a for a in apps if a.kind == "express-app" and not is_test_file(a.path)]
    sites = [(p, linked) for p, linked in model.listen_sites if not is_test_file(p)]
    served = bool(sites)
    unlinked = any(not linked for _p, linked in sites)
    unmounted = [a for a in express if not a.mounted]
    # A sub-app that also listens on a port of its own (`admin.listen(3001)`) answers there
    # without the parent's middleware: a root of its own tree as well.
    roots = [a for a in unmounted if a.listens or not a.escapes] + [a for a in express if a.mounted and a.listens]
    placed_elsewhere = sorted((a for a in unmounted if not a.listens and a.escapes), key=_order)
    trees = [_Tree(r, [r]) for r in sorted(roots, key=_order)]
    if placed_elsewhere:
        listening = [t for t in trees if t.root.listens and not _serves_nothing(t.root)]
        if served and listening and not unlinked:
            listening[0].members.extend(placed_elsewhere)
        else:
            trees.append(_Tree(placed_elsewhere[0], list(placed_elsewhere), embeddable=not served, grouped=True))
    return trees


def _covered(route: Route) -> bool:
    return any("helmet" in mw.categories for mw in route.middleware)


def _registered_before_helmet(tree: _Tree, routes: Mapping[str, list[Route]]) -> list[Route]:
    """Routes of a tree's apps with helmet that their app reaches before the helmet middleware.

    Express runs middleware in registration order: `app.use('/admin', admin)` (or
    `app.get('/', home)`) above `app.use(helmet())` answers without the headers.  The route's
    middleware chain (built by the app model in registration order) tells; it is trusted only
    for routes registered in the module that registers the helmet, where that order is the
    order of the source (registrations in other modules are ordered by their own lines)."""
    out: list[Route] = []
    for app in tree.members:
        helmets = {mw.path for mw in app.global_middleware if "helmet" in mw.categories}
        if not helmets:
            continue
        out.extend(r for r in routes.get(_key(app), ()) if r.reg_file in helmets and not _covered(r))
    return out


def _order_finding(tree: _Tree, uncovered: list[Route]) -> Finding:
    shown = ", ".join(f"{r.method} {r.path} ({r.reg_file}:{r.reg_line})" for r in uncovered[:5]) + (f" and {len(uncovered) - 5} more" if len(uncovered) > 5 else "")
    root = tree.root
    return finding_at(
        NO_HELMET,
        root.path,
        root.line,
        root.col,
        root.snippet or "express()",
        f"`helmet()` is registered after {len(uncovered)} route(s) of this app (Express runs middleware in registration order), which answer without the security headers: {shown}",
        "Register `app.use(helmet())` before every route and mounted sub-app or router.",
        key="express-app",
    )


def _helmet_finding(tree: _Tree, routes: Mapping[str, list[Route]]) -> Finding | None:
    """One NW401 per tree, on its root, naming the other apps of the tree that share the gap."""
    lacking = [a for a in tree.members if not _has_helmet(a) and not _serves_nothing(a)]
    if not lacking or (not tree.grouped and lacking[0] is not tree.root):
        # The root's headers (or its empty 404-only answer) cover the apps below it, as far
        # as they run before the routes.
        uncovered = _registered_before_helmet(tree, routes)
        return _order_finding(tree, uncovered) if uncovered else None
    at, others = lacking[0], lacking[1:]
    also = ""
    if others:
        names = ", ".join(_shown(a) for a in others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
        where = "built alongside it" if tree.grouped else "it serves"
        also = f"; {len(others)} more app(s) {where} share the gap: {names}"
    snippet = at.snippet or "express()"
    if tree.embeddable:
        f = finding_at(
            NO_HELMET,
            at.path,
            at.line,
            at.col,
            snippet,
            f"Express app built for embedding (nothing in the project listens) registers no `helmet()` or equivalent security headers{also}",
            "Register `helmet()` on the app, or document that the embedding server must set the headers (its middleware then runs before these routes).",
            key="express-app",
        )
        return replace(f, severity=Severity.LOW, confidence=Confidence.LOW)
    return finding_at(NO_HELMET, at.path, at.line, at.col, snippet, f"Express app without `helmet()` or equivalent security headers{also}", "Add `app.use(helmet())` before the routes.", key="express-app")


def _app_findings(app: AppInfo, route_count: int, covered: bool) -> list[Finding]:
    out: list[Finding] = []
    if app.kind != "express-app":
        return out
    snippet = app.snippet or "express()"
    helmet = _has_helmet(app)
    if not helmet and not app.powered_by_disabled:
        # Every Express app's init middleware sets X-Powered-By again, mounted or not: the
        # sub-app must disable it itself.
        out.append(finding_at(POWERED_BY, app.path, app.line, app.col, snippet, "`X-Powered-By: Express` is sent (no helmet, no `app.disable('x-powered-by')`)", "Call `app.disable('x-powered-by')` or use helmet.", key="express-app"))
    # A mounted sub-app passes its errors to the parent's `next`: the parent's handler runs;
    # on a port of its own (`admin.listen(3001)`) nothing is above it (its routes are listed
    # under the parent, so its registrations tell whether it serves anything).
    own_port = app.mounted and app.listens
    if not app.has_error_handler and (route_count or (own_port and not app.empty)) and (own_port or not app.mounted) and not covered:
        out.append(finding_at(NO_ERROR_HANDLER, app.path, app.line, app.col, snippet, "Express app has no `(err, req, res, next)` error handler", "Register a final error-handling middleware that logs and returns a generic message.", key="express-app"))
    for mw in app.body_limits:
        size = _size(mw.option) if mw.option else None
        if size is not None and size > MAX_BODY:
            out.append(finding_at(BODY_LIMIT, mw.path, mw.line, 1, mw.name, f"Body parser accepts bodies up to {mw.option}", "Keep the default (100kb) or the smallest limit the route needs; stream uploads instead.", key=mw.name))
    return out


def check_apps(model: AppModel, apps: Iterable[AppInfo] | None = None) -> list[Finding]:
    """Configuration findings (NW401 once per served app tree, NW450-NW452 per app)."""
    selected = list(apps if apps is not None else model.apps)
    trees = _trees(model, selected)
    routes: dict[str, list[Route]] = {}
    for r in model.routes:
        routes.setdefault(r.app, []).append(r)
    out: list[Finding] = [f for f in (_helmet_finding(t, routes) for t in trees) if f is not None]
    # An app of a tree other than its root passes its errors on (`next(err)`) to the app it is
    # mounted in: the root's error handler (or the embedding server's) answers them.
    attached = {_key(a) for t in trees for a in t.members[1:]}
    for app in selected:
        count = sum(1 for r in model.routes if r.app == _key(app))
        out.extend(_app_findings(app, count, _key(app) in attached))
    return out
