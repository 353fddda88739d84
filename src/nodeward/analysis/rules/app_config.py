"""Project-level configuration rules on each app (NW401, NW450-NW452).

Judged on the linked app model, not per file: helmet may be registered in
another module than the one creating the app, and an error handler may come
from a function that receives the app.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from nodeward.analysis.appmodel import AppInfo, AppModel
from nodeward.analysis.rules.base import finding_at
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
        what="Reports an Express application on which no `helmet()` middleware (or a custom middleware setting at least two of Content-Security-Policy, Strict-Transport-Security, X-Frame-Options, X-Content-Type-Options, Referrer-Policy) is registered, in any file. A sub-app mounted into another app (`app.use('/admin', adminApp)`) is judged through its parent and not reported itself, and apps built in test files (`*.test.*`, `*.spec.*`, `test/`, `__tests__/`, `e2e/`: supertest harnesses, never deployed) are not reported; the same holds for the route rules NW211 and NW510-NW513.",
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
        what="Reports an Express application with routes but no error handler (a four-parameter `(err, req, res, next)` middleware) registered on it.",
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


def _app_findings(app: AppInfo, route_count: int) -> list[Finding]:
    out: list[Finding] = []
    if app.kind != "express-app":
        return out
    snippet = app.snippet or "express()"
    helmet = any("helmet" in mw.categories for mw in app.global_middleware)
    if not helmet and not app.mounted:
        # A mounted sub-app answers through its parent, whose helmet (or missing helmet, reported
        # on the parent) sets the headers.  X-Powered-By is another matter: every Express app's
        # init middleware sets it again, so the sub-app must disable it itself.
        out.append(finding_at(NO_HELMET, app.path, app.line, app.col, snippet, "Express app without `helmet()` or equivalent security headers", "Add `app.use(helmet())` before the routes.", key="express-app"))
    if not helmet and not app.powered_by_disabled:
        out.append(finding_at(POWERED_BY, app.path, app.line, app.col, snippet, "`X-Powered-By: Express` is sent (no helmet, no `app.disable('x-powered-by')`)", "Call `app.disable('x-powered-by')` or use helmet.", key="express-app"))
    if not app.has_error_handler and route_count and not app.mounted:
        # A mounted sub-app passes its errors to the parent's `next`: the parent's handler runs.
        out.append(finding_at(NO_ERROR_HANDLER, app.path, app.line, app.col, snippet, "Express app has no `(err, req, res, next)` error handler", "Register a final error-handling middleware that logs and returns a generic message.", key="express-app"))
    for mw in app.body_limits:
        size = _size(mw.option) if mw.option else None
        if size is not None and size > MAX_BODY:
            out.append(finding_at(BODY_LIMIT, mw.path, mw.line, 1, mw.name, f"Body parser accepts bodies up to {mw.option}", "Keep the default (100kb) or the smallest limit the route needs; stream uploads instead.", key=mw.name))
    return out


def check_apps(model: AppModel, apps: Iterable[AppInfo] | None = None) -> list[Finding]:
    """Configuration findings (NW401, NW450-NW452) for every app."""
    out: list[Finding] = []
    for app in apps if apps is not None else model.apps:
        count = sum(1 for r in model.routes if r.app == f"{app.path}:{app.line}")
        out.extend(_app_findings(app, count))
    return out
