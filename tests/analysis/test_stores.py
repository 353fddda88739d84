"""Request data parked by middleware in `res.locals`, `req.app.locals` or Koa `ctx.state`
(often in another file) and read back by a later handler; messages in the framework's own
syntax; command output sent as a response.

`tests/apps/taint-stores` is an Express service and a Koa service written for these tests,
annotated `// ruleid:` / `// ok:` on the line before each sink.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nodeward.model import Finding, ScanResult
from tests.analysis.helpers import annotated_lines, app_findings, link, scan_app

APPS = Path(__file__).resolve().parents[1] / "apps"
STORES = APPS / "taint-stores"
FLOW_RULES = frozenset({"NW110", "NW111", "NW112", "NW113", "NW114", "NW115", "NW116", "NW210"})


@pytest.fixture(scope="module")
def stores_result() -> ScanResult:
    return scan_app(STORES)


def _flow(result: ScanResult, rule: str, path: str, line: int) -> Finding:
    found = [f for f in result.findings if (f.rule_id, f.path, f.line) == (rule, path, line)]
    assert len(found) == 1, [(f.rule_id, f.path, f.line) for f in result.findings]
    return found[0]


def test_annotated_store_flows_are_exactly_the_findings(stores_result: ScanResult) -> None:
    expected, forbidden = annotated_lines(STORES)
    found = {f for f in app_findings(stores_result) if f[0] in FLOW_RULES}
    assert expected == {
        ("NW112", "express/routes/reports.js", 10),
        ("NW110", "express/routes/reports.js", 25),
        ("NW116", "express/routes/reports.js", 45),
        ("NW210", "express/routes/reports.js", 54),
        ("NW116", "express/routes/account.js", 8),
        ("NW112", "koa/server.js", 22),
        ("NW110", "koa/server.js", 32),
    }
    assert found == expected
    assert not found & forbidden
    assert len(forbidden) == 10


def test_cross_file_trace_runs_from_the_middleware_through_the_store(stores_result: ScanResult) -> None:
    f = _flow(stores_result, "NW116", "express/routes/account.js", 8)
    steps = [(t.path, t.line, t.message) for t in f.trace]
    assert steps == [
        ("express/middleware/return-to.js", 3, "request data `req.query.returnTo`"),
        ("express/middleware/return-to.js", 4, "stored in `res.locals.returnTo`"),
        ("express/routes/account.js", 8, "read back from `res.locals.returnTo`"),
        ("express/routes/account.js", 8, "reaches `res.redirect`"),
    ]
    cmd = _flow(stores_result, "NW110", "express/routes/reports.js", 25)
    assert cmd.trace[0].path == "express/middleware/target.js"
    assert "`req.body.host` (from express/middleware/target.js:6) via `res.locals.host`" in cmd.message


def test_app_locals_are_app_wide_and_koa_state_names_koa_syntax(stores_result: ScanResult) -> None:
    xss = _flow(stores_result, "NW210", "express/routes/reports.js", 54)
    assert "`req.query.q` (from express/middleware/target.js:24) via `req.app.locals.lastSearch`" in xss.message
    koa = _flow(stores_result, "NW110", "koa/server.js", 32)
    assert koa.message.startswith("Request data reaches a shell command: `ctx.request.body.folder` (from koa/middleware/archive-options.js:5) via `ctx.state.folder`")
    same_file = _flow(stores_result, "NW112", "koa/server.js", 22)
    assert "`ctx.query.q` via `ctx.state.search`" in same_file.message


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


def test_middleware_in_another_file_mounted_per_router(tmp_path: Path) -> None:
    """`router.use(mw)` with `mw` imported: its store reaches that router's handlers only."""
    root = _write(tmp_path, {
        "server.js": (
            "const express = require('express');\n"
            "const app = express();\n"
            "app.use('/files', require('./files'));\n"
            "app.use('/other', require('./other'));\n"
        ),
        "mw.js": (
            "module.exports = (req, res, next) => {\n"
            "  res.locals.file = req.params.name || req.query.file;\n"
            "  next();\n"
            "};\n"
        ),
        "files.js": (
            "const fs = require('fs');\n"
            "const router = require('express').Router();\n"
            "router.use(require('./mw'));\n"
            "router.get('/read', (req, res) => {\n"
            "  fs.readFile(res.locals.file, (err, data) => res.end(data));\n"
            "});\n"
            "module.exports = router;\n"
        ),
        "other.js": (
            "const fs = require('fs');\n"
            "const router = require('express').Router();\n"
            "router.get('/read', (req, res) => {\n"
            "  fs.readFile(res.locals.file, (err, data) => res.end(data));\n"
            "});\n"
            "module.exports = router;\n"
        ),
    })
    found = {f for f in app_findings(scan_app(root)) if f[0] in FLOW_RULES}
    assert found == {("NW114", "files.js", 5)}


def test_fastify_and_koa_messages_quote_the_code(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        "fastify.js": (
            "const fastify = require('fastify')();\n"
            "const { exec } = require('child_process');\n"
            "fastify.post('/convert', async (request, reply) => {\n"
            "  exec('convert ' + request.body.file);\n"
            "  return { ok: true };\n"
            "});\n"
            "fastify.get('/go', async (request, reply) => {\n"
            "  reply.redirect(request.query.next);\n"
            "});\n"
        ),
        "koa.js": (
            "const Koa = require('koa');\n"
            "const { exec } = require('child_process');\n"
            "const app = new Koa();\n"
            "app.use(async (ctx) => {\n"
            "  exec('convert ' + ctx.request.body.file);\n"
            "  exec('convert ' + ctx.query.file);\n"
            "});\n"
        ),
        "express.js": (
            "const express = require('express');\n"
            "const { exec } = require('child_process');\n"
            "const app = express();\n"
            "app.post('/convert', (req, res) => {\n"
            "  const { body } = req;\n"
            "  exec('convert ' + body.file);\n"
            "});\n"
        ),
    })
    result = scan_app(root)
    messages = {(f.path, f.line): f.message for f in result.findings if f.rule_id in FLOW_RULES}
    assert "`request.body.file` reaches" in messages[("fastify.js", 4)]
    assert "`request.query.next` reaches" in messages[("fastify.js", 8)]
    assert "`ctx.request.body.file` reaches" in messages[("koa.js", 5)]
    assert "`ctx.query.file` reaches" in messages[("koa.js", 6)]
    assert "`req.body.file` reaches" in messages[("express.js", 6)]
    first = next(f for f in result.findings if (f.path, f.line) == ("fastify.js", 4))
    assert first.trace[0].message == "request data `request.body.file`"


def test_rules_keep_the_canonical_source_key(tmp_path: Path) -> None:
    """Only the message changes: filters (`req.url` redirects, schema-restricted fields,
    express-mongo-sanitize) and fingerprints still see the framework-neutral `req.body.file`."""
    root = _write(tmp_path, {
        "server.js": (
            "const fastify = require('fastify')();\n"
            "const { exec } = require('child_process');\n"
            "fastify.post('/convert', async (request, reply) => {\n"
            "  const { body } = request;\n"
            "  exec('convert ' + body.file);\n"
            "});\n"
        ),
    })
    flows = link(root).taint.source_flows()
    assert [(f.kind, f.label.key, f.label.display, f.sink.line) for f in flows] == [("command", "req.body.file", "request.body.file", 5)]


def test_command_output_sent_back_is_not_reflected_xss(tmp_path: Path) -> None:
    """NW210's documented decision: a program's output is not the request data that chose
    the command; the injection itself is reported (NW110) where the command runs."""
    root = _write(tmp_path, {
        "app.js": (
            "const express = require('express');\n"
            "const { exec, execFile } = require('child_process');\n"
            "const { runReport } = require('./lib/report');\n"
            "const app = express();\n"
            "app.get('/ls', (req, res) => {\n"
            "  exec('ls ' + req.query.dir, (err, stdout) => res.send(stdout));\n"
            "});\n"
            "app.get('/ls-safe', (req, res) => {\n"
            "  execFile('ls', ['--', req.query.dir], (err, stdout) => res.send(stdout));\n"
            "});\n"
            "app.get('/report', async (req, res) => {\n"
            "  res.send(await runReport(req.query.target));\n"
            "});\n"
            "app.get('/echo', (req, res) => {\n"
            "  res.send('<pre>' + req.query.dir + '</pre>');\n"
            "});\n"
        ),
        "lib/report.js": (
            "const util = require('util');\n"
            "const execAsync = util.promisify(require('child_process').exec);\n"
            "async function runReport(target) {\n"
            "  const { stdout } = await execAsync('report --target ' + target);\n"
            "  return stdout;\n"
            "}\n"
            "module.exports = { runReport };\n"
        ),
    })
    found = {f for f in app_findings(scan_app(root)) if f[0] in FLOW_RULES}
    assert found == {("NW110", "app.js", 6), ("NW110", "lib/report.js", 4), ("NW210", "app.js", 15)}


def test_store_shapes_factories_callbacks_and_schema_validation(tmp_path: Path) -> None:
    """A middleware factory's returned function, a write inside a callback of the middleware,
    a read inside a callback of the handler, a value a Joi schema validated first, and
    `res.app.locals` (the same object as `req.app.locals`) written by one route, read by another."""
    root = _write(tmp_path, {
        "app.js": (
            "const express = require('express');\n"
            "const Joi = require('joi');\n"
            "const { exec } = require('child_process');\n"
            "const db = require('./db');\n"
            "const app = express();\n"
            "const schema = Joi.object({ dir: Joi.string().alphanum() });\n"
            "const loadFrom = (name) => (req, res, next) => { res.locals.q = req.query[name]; next(); };\n"
            "function nested(req, res, next) {\n"
            "  db.get(req.query.id, (err, row) => {\n"
            "    res.locals.name = req.query.name;\n"
            "    next();\n"
            "  });\n"
            "}\n"
            "function validated(req, res, next) {\n"
            "  const { value, error } = schema.validate(req.body);\n"
            "  if (error) return res.status(400).end();\n"
            "  res.locals.dir = value.dir;\n"
            "  next();\n"
            "}\n"
            "app.get('/a', loadFrom('q'), (req, res) => exec('grep ' + res.locals.q));\n"
            "app.get('/b', nested, (req, res) => { const { name } = res.locals; res.send(`<b>${name}</b>`); });\n"
            "app.get('/c', validated, (req, res) => exec('ls ' + res.locals.dir));\n"
            "app.get('/d', nested, (req, res) => { db.get(1, () => { res.send('<i>' + res.locals.name + '</i>'); }); });\n"
            "app.get('/e', (req, res) => { res.app.locals.motd = req.query.motd; res.end(); });\n"
            "app.get('/f', (req, res) => res.send('<marquee>' + req.app.locals.motd + '</marquee>'));\n"
        ),
        "db.js": "module.exports = { get() {} };\n",
    })
    found = {f for f in app_findings(scan_app(root)) if f[0] in FLOW_RULES}
    assert found == {("NW110", "app.js", 20), ("NW210", "app.js", 21), ("NW210", "app.js", 23), ("NW210", "app.js", 25)}


def test_values_parked_on_the_request_object(tmp_path: Path) -> None:
    """`req.target = req.body.host` in a middleware of another file, read by the handler; a
    timestamp, a method call (`req.accepts`) and a route without the middleware stay clean."""
    root = _write(tmp_path, {
        "app.js": (
            "const express = require('express');\n"
            "const { exec } = require('child_process');\n"
            "const { resolveTarget } = require('./mw');\n"
            "const app = express();\n"
            "app.use((req, res, next) => { req.startedAt = Date.now(); req.lang = req.query.lang || 'en'; next(); });\n"
            "app.post('/ping', resolveTarget, (req, res) => {\n"
            "  exec('ping -c 1 ' + req.target);\n"
            "  exec('log-request ' + req.startedAt);\n"
            "  res.sendFile(req.lang + '.html');\n"
            "  if (req.accepts('html')) res.end();\n"
            "});\n"
            "app.post('/ping-bare', (req, res) => {\n"
            "  exec('ping -c 1 ' + req.target);\n"
            "});\n"
        ),
        "mw.js": (
            "exports.resolveTarget = function resolveTarget(req, res, next) {\n"
            "  req.target = req.body.host;\n"
            "  next();\n"
            "};\n"
        ),
    })
    result = scan_app(root)
    found = {f for f in app_findings(result) if f[0] in FLOW_RULES}
    assert found == {("NW110", "app.js", 7), ("NW114", "app.js", 9)}
    msg = next(f.message for f in result.findings if (f.rule_id, f.line) == ("NW110", 7))
    assert "`req.body.host` (from mw.js:2) via `req.target`" in msg


def test_object_assign_into_a_store(tmp_path: Path) -> None:
    """`Object.assign(res.locals, {...})` stores each field (a constant field stays clean);
    `Object.assign(ctx.state, ctx.request.body)` stores the whole body under every key."""
    root = _write(tmp_path, {
        "express.js": (
            "const express = require('express');\n"
            "const { exec } = require('child_process');\n"
            "const app = express();\n"
            "app.use((req, res, next) => {\n"
            "  Object.assign(res.locals, { cmd: req.body.cmd, mode: 'fast' });\n"
            "  next();\n"
            "});\n"
            "app.post('/run', (req, res) => {\n"
            "  exec('runner ' + res.locals.cmd);\n"
            "  exec('runner --mode ' + res.locals.mode);\n"
            "});\n"
        ),
        "koa.js": (
            "const Koa = require('koa');\n"
            "const Router = require('@koa/router');\n"
            "const { exec } = require('child_process');\n"
            "const app = new Koa();\n"
            "const router = new Router();\n"
            "app.use(async (ctx, next) => {\n"
            "  Object.assign(ctx.state, ctx.request.body);\n"
            "  await next();\n"
            "});\n"
            "router.post('/run', async (ctx) => {\n"
            "  exec('runner ' + ctx.state.cmd);\n"
            "});\n"
            "app.use(router.routes());\n"
        ),
    })
    found = {f for f in app_findings(scan_app(root)) if f[0] in FLOW_RULES}
    assert found == {("NW110", "express.js", 9), ("NW110", "koa.js", 11)}


def test_typescript_middleware_and_fastify_hook_stores(tmp_path: Path) -> None:
    """A typed Express middleware in another `.ts` file, and a Fastify `preHandler` hook that
    parks a value on `request` (the message names it as the code does)."""
    root = _write(tmp_path, {
        "src/app.ts": (
            "import express, { Request, Response } from 'express';\n"
            "import { exec } from 'child_process';\n"
            "import { loadTarget } from './middleware/target';\n"
            "const app = express();\n"
            "app.post('/ping', loadTarget, (req: Request, res: Response) => {\n"
            "  exec(`ping -c 1 ${res.locals.host as string}`);\n"
            "  res.sendStatus(202);\n"
            "});\n"
            "app.post('/ping-bare', (req: Request, res: Response) => {\n"
            "  exec(`ping -c 1 ${res.locals.host as string}`);\n"
            "});\n"
            "export default app;\n"
        ),
        "src/middleware/target.ts": (
            "import { NextFunction, Request, Response } from 'express';\n"
            "export function loadTarget(req: Request, res: Response, next: NextFunction): void {\n"
            "  res.locals.host = req.body.host;\n"
            "  next();\n"
            "}\n"
        ),
        "fastify.js": (
            "const fastify = require('fastify')();\n"
            "const { exec } = require('child_process');\n"
            "fastify.addHook('preHandler', async (request, reply) => {\n"
            "  request.target = request.body.host;\n"
            "});\n"
            "fastify.post('/ping', async (request, reply) => {\n"
            "  exec('ping -c 1 ' + request.target);\n"
            "  return { ok: true };\n"
            "});\n"
        ),
    })
    result = scan_app(root)
    found = {f for f in app_findings(result) if f[0] in FLOW_RULES}
    assert found == {("NW110", "src/app.ts", 6), ("NW110", "fastify.js", 7)}
    msg = next(f.message for f in result.findings if (f.rule_id, f.path) == ("NW110", "fastify.js"))
    assert "`request.body.host` via `request.target` reaches" in msg


def test_nw211_names_the_body_as_the_framework_writes_it(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        "f.js": (
            "const fastify = require('fastify')();\n"
            "fastify.post('/notes', async (request, reply) => {\n"
            "  return { text: request.body.text };\n"
            "});\n"
        ),
        "k.js": (
            "const Koa = require('koa');\n"
            "const Router = require('@koa/router');\n"
            "const app = new Koa();\n"
            "const router = new Router();\n"
            "router.post('/notes', async (ctx) => {\n"
            "  ctx.body = { text: ctx.request.body.text };\n"
            "});\n"
            "app.use(router.routes());\n"
        ),
        "e.js": (
            "const express = require('express');\n"
            "const app = express();\n"
            "app.post('/notes', (req, res) => res.json({ text: req.body.text }));\n"
        ),
    })
    got = {(f.path, f.line, f.message) for f in scan_app(root).findings if f.rule_id == "NW211"}
    assert got == {
        ("f.js", 2, "`POST /notes` reads `request.body` without validation"),
        ("k.js", 5, "`POST /notes` reads `ctx.request.body` without validation"),
        ("e.js", 3, "`POST /notes` reads `req.body` without validation"),
    }


def test_stores_that_feed_each_other_terminate(tmp_path: Path) -> None:
    """Two middleware copying keys into each other (a cycle) and a self-update: the flow is
    found once and linking ends."""
    root = _write(tmp_path, {
        "app.js": (
            "const express = require('express');\n"
            "const { exec } = require('child_process');\n"
            "const app = express();\n"
            "app.use((req, res, next) => { res.locals.a = res.locals.b + req.query.a; next(); });\n"
            "app.use((req, res, next) => { res.locals.b = res.locals.a; res.locals.b = res.locals.b + '!'; next(); });\n"
            "app.get('/x', (req, res) => {\n"
            "  exec('run ' + res.locals.b);\n"
            "});\n"
        ),
    })
    found = {f for f in app_findings(scan_app(root)) if f[0] in FLOW_RULES}
    assert found == {("NW110", "app.js", 7)}
