"""Taint bugs found by reviewing real Express code (each test failed before its fix):
promisified `exec`, request data parked in `res.locals`/`req.app.locals`, allow-list checks
as handler validation."""

from __future__ import annotations

from pathlib import Path

from tests.analysis.helpers import app_findings, scan_app


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


_HEAD = "const express = require('express');\nconst app = express();\n"


def test_promisified_exec_in_another_file_is_a_command_sink(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        "app.js": _HEAD + (
            "const { runReport } = require('./lib/report');\n"
            "const { safeReport } = require('./lib/safe');\n"
            "app.get('/report', async (req, res) => res.json(await runReport(req.query.target)));\n"
            "app.get('/safe', async (req, res) => res.json(await safeReport(req.query.target)));\n"
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
        "lib/safe.js": (
            "const { promisify } = require('node:util');\n"
            "const { execFile } = require('node:child_process');\n"
            "const run = promisify(execFile);\n"
            "exports.safeReport = async (target) => (await run('report', ['--target', target])).stdout;\n"
        ),
    })
    found = {f for f in app_findings(scan_app(root)) if f[0] == "NW110"}
    assert found == {("NW110", "lib/report.js", 4)}


def test_request_data_parked_in_res_locals_reaches_the_handler(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        "app.js": _HEAD + (
            "const fs = require('fs');\n"
            "const { exec } = require('child_process');\n"
            "app.post('/files', (req, res, next) => {\n"
            "  res.locals.file = req.body.file;\n"
            "  res.locals.owner = req.user.id;\n"
            "  next();\n"
            "}, (req, res) => {\n"
            "  fs.readFile(res.locals.owner + '.txt', () => res.end());\n"
            "  fs.readFile(res.locals.file, () => res.end());\n"
            "});\n"
            "app.post('/jobs', (req, res) => {\n"
            "  req.app.locals.cmd = req.body.cmd;\n"
            "  exec(req.app.locals.cmd);\n"
            "  exec(req.app.locals.other);\n"
            "  res.end();\n"
            "});\n"
        ),
    })
    found = {f for f in app_findings(scan_app(root)) if f[0] in ("NW110", "NW114")}
    assert found == {("NW114", "app.js", 11), ("NW110", "app.js", 15)}


def test_allow_list_check_in_the_handler_is_validation(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        "app.js": _HEAD + (
            "const KINDS = new Set(['daily', 'weekly']);\n"
            "app.post('/reports', (req, res) => {\n"
            "  if (!KINDS.has(req.body.kind)) return res.status(400).end();\n"
            "  res.json({ kind: req.body.kind });\n"
            "});\n"
            "app.post('/notes', (req, res) => {\n"
            "  res.json({ text: req.body.text });\n"
            "});\n"
        ),
    })
    found = {f for f in app_findings(scan_app(root)) if f[0] == "NW211"}
    assert found == {("NW211", "app.js", 8)}


_CONTROLLER = """import { Controller, Delete, Get, Param, ParseIntPipe, ParseUUIDPipe, Query, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { exec } from 'child_process';

@Controller('cats')
export class CatsController {
  @Get(':id')
  findOne(@Param('id', ParseIntPipe) id: number) {
    exec('cat /data/' + id);
  }

  @Get('by-uuid/:uuid')
  byUuid(@Param('uuid', new ParseUUIDPipe({ version: '4' })) uuid: string) {
    exec('cat /data/' + uuid);
  }

  @Get()
  search(@Query('q') q: string) {
    exec('grep ' + q + ' /data/cats');
  }

  @Delete(['', ':id'])
  @UseGuards(AuthGuard('jwt'))
  remove(@Param('id') id: string) {}
}
"""


def test_nest_scalar_pipes_end_flows_and_array_paths_give_one_route_each(tmp_path: Path) -> None:
    from tests.analysis.helpers import link

    root = _write(tmp_path, {"src/cats.controller.ts": _CONTROLLER})
    found = {f for f in app_findings(scan_app(root)) if f[0] == "NW110"}
    assert found == {("NW110", "src/cats.controller.ts", 19)}
    rows = {(r.method, r.path, r.line) for r in link(root).model.routes}
    assert rows == {
        ("GET", "/cats/:id", 8),
        ("GET", "/cats/by-uuid/:uuid", 13),
        ("GET", "/cats", 18),
        ("DELETE", "/cats", 24),
        ("DELETE", "/cats/:id", 24),
    }


def test_typescript_controller_class_fields_and_bound_methods(tmp_path: Path) -> None:
    from tests.analysis.helpers import link

    root = _write(tmp_path, {
        "src/routes.ts": (
            "import { Router } from 'express';\n"
            "import { UserController } from './user.controller';\n"
            "const router = Router();\n"
            "const controller = new UserController();\n"
            "router.get('/', controller.list);\n"
            "router.get('/:id', controller.getById.bind(controller));\n"
            "router.get('/:id/raw', (req, res) => controller.getById(req, res));\n"
            "export default router;\n"
        ),
        "src/user.controller.ts": (
            "import { Request, Response } from 'express';\n"
            "import { exec } from 'child_process';\n"
            "export class UserController {\n"
            "  list = async (req: Request, res: Response): Promise<void> => {\n"
            "    exec('ls ' + req.query.dir);\n"
            "    res.json([]);\n"
            "  };\n"
            "  private readonly limit = 10;\n"
            "  async getById(req: Request, res: Response) {\n"
            "    res.json({ id: Number(req.params.id) });\n"
            "  }\n"
            "}\n"
        ),
    })
    found = {f for f in app_findings(scan_app(root)) if f[0] == "NW110"}
    assert found == {("NW110", "src/user.controller.ts", 5)}
    rows = {(r.method, r.path, r.file, r.line) for r in link(root).model.routes}
    assert rows == {
        ("GET", "/", "src/user.controller.ts", 4),
        ("GET", "/:id", "src/user.controller.ts", 9),
        ("GET", "/:id/raw", "src/routes.ts", 7),
    }


def test_download_with_root_is_safe_and_api_key_middleware_is_authentication(tmp_path: Path) -> None:
    from tests.analysis.helpers import link

    root = _write(tmp_path, {
        "app.js": _HEAD + (
            "const path = require('path');\n"
            "const FILES = path.join(__dirname, 'files');\n"
            "const KEYS = ['k1', 'k2'];\n"
            "app.use('/api', function (req, res, next) {\n"
            "  const key = req.query['api-key'];\n"
            "  if (!key) return next(new Error('api key required'));\n"
            "  if (KEYS.indexOf(key) === -1) return res.sendStatus(401);\n"
            "  next();\n"
            "});\n"
            "app.get('/api/files/:file', (req, res) => res.download(req.params.file, { root: FILES }));\n"
            "app.get('/api/named/:file', (req, res) => res.download(req.params.file, 'report.txt', { root: FILES }));\n"
            "app.delete('/api/raw/:file', (req, res) => res.download(path.join(FILES, req.params.file)));\n"
            "app.post('/open/:kind', (req, res) => {\n"
            "  if (!['a', 'b'].includes(req.params.kind)) return res.sendStatus(400);\n"
            "  res.end();\n"
            "});\n"
        ),
    })
    found = {f for f in app_findings(scan_app(root)) if f[0] == "NW114"}
    assert found == {("NW114", "app.js", 14)}
    prot = {}
    for r in link(root).model.routes:
        a, v = r.protections.get("authentication"), r.protections.get("validation")
        prot[(r.method, r.path)] = (a is not None, v is not None)
    assert prot == {
        ("GET", "/api/files/:file"): (True, False),
        ("GET", "/api/named/:file"): (True, False),
        ("DELETE", "/api/raw/:file"): (True, False),
        ("POST", "/open/:kind"): (False, True),
    }


def test_redirect_to_the_matched_url_is_same_site_unless_the_route_is_a_catch_all(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        "app.js": _HEAD + (
            "const user = require('./user');\n"
            "app.put('/user/:id/edit', user.update);\n"
            "app.use((req, res, next) => {\n"
            "  if (req.originalUrl.endsWith('/')) return res.redirect(301, req.originalUrl.slice(0, -1));\n"
            "  next();\n"
            "});\n"
            "app.get('/:lang/home', (req, res) => res.redirect(req.originalUrl + '/'));\n"
            "app.get('/docs/*splat', user.again);\n"
            "app.get('/*splat', user.again);\n"
        ),
        "user.js": (
            "exports.update = function (req, res) {\n"
            "  res.redirect(req.url.replace('/edit', '') || '/');\n"
            "};\n"
            "exports.again = function (req, res) {\n"
            "  res.redirect(req.originalUrl.toLowerCase());\n"
            "};\n"
        ),
    })
    found = {f for f in app_findings(scan_app(root)) if f[0] == "NW116"}
    assert found == {("NW116", "app.js", 6), ("NW116", "app.js", 9), ("NW116", "user.js", 5)}


def test_fastify_schema_restricted_fields_end_flows_in_that_handler(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        "server.js": (
            "const fastify = require('fastify')();\n"
            "const { exec } = require('node:child_process');\n"
            "const body = (name) => ({ body: { type: 'object', properties: { name } } });\n"
            "fastify.post('/a', { schema: { body: { type: 'object', properties: { name: { type: 'string', pattern: '^[a-z]+$' } } } } }, async (request) => {\n"
            "  exec('greet ' + request.body.name);\n"
            "});\n"
            "fastify.post('/b', { schema: { body: { type: 'object', properties: { name: { type: 'string' } } } } }, async (request) => {\n"
            "  exec('greet ' + request.body.name);\n"
            "});\n"
            "fastify.post('/c', { schema: { body: { type: 'object', properties: { name: { type: 'string', pattern: '^[^;]+$' } } } } }, async (request) => {\n"
            "  exec('greet ' + request.body.name);\n"
            "});\n"
            "fastify.route({ method: 'POST', url: '/d', schema: { querystring: { type: 'object', properties: { kind: { enum: ['x', 'y'] }, email: { type: 'string', format: 'email' } } } },\n"
            "  handler: async (request) => {\n"
            "    exec('report ' + request.query.kind);\n"
            "    exec('mail ' + request.query.email);\n"
            "  } });\n"
            "fastify.get('/e/:id', { schema: { params: { type: 'object', properties: { id: { type: 'integer' } } } } }, async (request) => {\n"
            "  exec('show ' + request.params.id);\n"
            "});\n"
        ),
    })
    found = {f for f in app_findings(scan_app(root)) if f[0] == "NW110"}
    assert found == {("NW110", "server.js", 8), ("NW110", "server.js", 11), ("NW110", "server.js", 16)}


def test_nest_app_guard_providers_and_public_routes(tmp_path: Path) -> None:
    from tests.analysis.helpers import link

    root = _write(tmp_path, {
        "src/app.module.ts": (
            "import { Module, ValidationPipe } from '@nestjs/common';\n"
            "import { APP_GUARD, APP_PIPE } from '@nestjs/core';\n"
            "import { ThrottlerGuard } from '@nestjs/throttler';\n"
            "import { JwtAuthGuard } from './auth/jwt-auth.guard';\n"
            "import { CatsController } from './cats.controller';\n"
            "@Module({\n"
            "  controllers: [CatsController],\n"
            "  providers: [\n"
            "    { provide: APP_GUARD, useClass: JwtAuthGuard },\n"
            "    { provide: APP_GUARD, useClass: ThrottlerGuard },\n"
            "    { provide: APP_PIPE, useValue: new ValidationPipe({ whitelist: true }) },\n"
            "    { provide: 'CONFIG', useValue: {} },\n"
            "  ],\n"
            "})\n"
            "export class AppModule {}\n"
        ),
        "src/cats.controller.ts": (
            "import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';\n"
            "import { Public } from './auth/public.decorator';\n"
            "@Controller('cats')\n"
            "export class CatsController {\n"
            "  @Public()\n"
            "  @Get()\n"
            "  findAll() { return []; }\n"
            "  @Post()\n"
            "  create(@Body() dto: unknown) { return dto; }\n"
            "  @Delete(':id')\n"
            "  remove(@Param('id') id: string) { return id; }\n"
            "}\n"
        ),
    })
    rows = {}
    for r in link(root).model.routes:
        rows[(r.method, r.path)] = tuple(sorted(k for k, v in r.protections.items() if v is not None))
    assert rows == {
        ("GET", "/cats"): ("rate_limit", "validation"),
        ("POST", "/cats"): ("authentication", "rate_limit", "validation"),
        ("DELETE", "/cats/:id"): ("authentication", "rate_limit", "validation"),
    }
