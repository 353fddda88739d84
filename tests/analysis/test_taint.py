"""Taint flows: across files and helpers, destructuring, templates, .then, class methods,
per-kind sanitizers, and flows that must not be reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from nodeward.model import ScanResult
from tests.analysis.helpers import APP_RULES, annotated_lines, app_findings, scan_app
from tests.conftest import ROOT

APPS = ROOT / "tests" / "apps"
TAINT_RULES = {r for r in APP_RULES if r.startswith(("NW11", "NW21", "NW65")) and r != "NW211"}


@pytest.fixture(scope="module")
def flows_result() -> ScanResult:
    return scan_app(APPS / "taint-flows")


def test_annotated_flows_are_exactly_reported(flows_result: ScanResult) -> None:
    expected, forbidden = annotated_lines(APPS / "taint-flows")
    found = {f for f in app_findings(flows_result) if f[0] in TAINT_RULES}
    assert found == expected
    assert not (found & forbidden)
    assert len(expected) == 21 and len(forbidden) == 14


def test_three_file_flow_has_a_full_trace(flows_result: ScanResult) -> None:
    (f,) = [f for f in flows_result.findings if f.rule_id == "NW112" and f.path == "lib/db.js"]
    assert (f.path, f.line) == ("lib/db.js", 8)
    where = [(s.path, s.line) for s in f.trace]
    assert where[0] == ("app.js", 16)  # source: req.query.term
    assert where[-1] == ("lib/db.js", 8)  # sink
    assert {"app.js", "services/search.js", "lib/db.js"} <= {p for p, _ in where}
    assert ("services/search.js", 9) in where  # the helper call
    assert "req.query.term" in f.message


def test_class_method_flow_crosses_files(flows_result: ScanResult) -> None:
    (f,) = [f for f in flows_result.findings if f.rule_id == "NW114" and f.path.startswith("services")]
    assert (f.path, f.line) == ("services/file-service.js", 11)
    assert (f.trace[0].path, f.trace[0].line) == ("app.js", 45)


def test_sanitizer_is_per_sink_kind(flows_result: ScanResult) -> None:
    hits = app_findings(flows_result)
    assert ("NW110", "app.js", 54) in hits  # escapeHtml does not make a shell command safe
    assert ("NW210", "app.js", 52) not in hits  # ... but does make the HTML safe


def test_taint_supersedes_pattern_rule(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_text(
        "const express = require('express');\n"
        "const { exec } = require('child_process');\n"
        "const app = express();\n"
        "app.get('/x', (req, res) => {\n"
        "  exec('ls ' + req.query.dir);\n"
        "});\n"
    )
    result = scan_app(tmp_path)
    at5 = {f.rule_id for f in result.findings if f.line == 5}
    assert "NW110" in at5 and "NW102" not in at5


def test_process_argv_and_nest_body_are_sources() -> None:
    result = scan_app(APPS / "routes-nest")
    assert ("NW110", "src/users/users.service.ts", 13) in app_findings(result)
    (f,) = [f for f in result.findings if f.rule_id == "NW110"]
    assert f.trace[0].path == "src/users/users.controller.ts"


def test_bad_input_does_not_crash_and_is_reported() -> None:
    result = scan_app(APPS / "taint-bad")
    # A flow through a circular import is still found.
    assert ("NW110", "cycle-b.js", 5) in app_findings(result)
    kinds = {(e.kind, e.path, e.line) for e in result.errors}
    assert ("parse", "broken.js", 1) in kinds
    assert ("resolve", "app.js", 9) in kinds  # require(name)
    assert not any(e.kind == "internal" for e in result.errors)


def test_typescript_layers_controller_to_service() -> None:
    result = scan_app(APPS / "routes-ts")
    found = {f for f in app_findings(result) if f[0] in TAINT_RULES}
    assert found == {
        ("NW112", "src/services/user-service.ts", 8),  # service.search(req.query.q) via tsconfig paths
        ("NW110", "src/services/user-service.ts", 13),  # service.create(req.body) -> data.name
        ("NW210", "src/controllers/users.ts", 12),  # `${id}` from req.params into res.send
    }


def test_global_mongo_sanitize_removes_nosql_flows(tmp_path: Path) -> None:
    body = (
        "const Note = require('./note');\n"
        "app.get('/notes', async (req, res) => res.json(await Note.find({ owner: req.query.owner })));\n"
    )
    head = "const express = require('express');\nconst mongoSanitize = require('express-mongo-sanitize');\nconst app = express();\n"
    (tmp_path / "app.js").write_text(head + body)
    assert ("NW113", "app.js", 5) in app_findings(scan_app(tmp_path))
    (tmp_path / "app.js").write_text(head + "app.use(mongoSanitize());\n" + body)
    assert not any(f[0] == "NW113" for f in app_findings(scan_app(tmp_path)))


def test_process_argv_only_reaches_command_and_code(tmp_path: Path) -> None:
    (tmp_path / "cli.js").write_text(
        "const fs = require('fs');\n"
        "const { exec, spawn } = require('child_process');\n"
        "fs.readFileSync(process.argv[2]);\n"
        "spawn(process.argv[0], ['--version']);\n"
        "exec('git log ' + process.argv[2]);\n"
    )
    result = scan_app(tmp_path)
    hits = [f for f in result.findings if f.rule_id in TAINT_RULES]
    assert [(f.rule_id, f.line) for f in hits] == [("NW110", 5)]
    assert str(hits[0].confidence) == "low" and hits[0].message.startswith("Command-line argument")


def test_secrets_in_trace_snippets_are_redacted(tmp_path: Path) -> None:
    key = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"
    (tmp_path / "app.js").write_text(
        "const express = require('express');\n"
        "const { exec } = require('child_process');\n"
        "const app = express();\n"
        "app.get('/x', (req, res) => {\n"
        "  const base = req.query.c;\n"
        f"  const cmd = base + ' --key {key}';\n"
        "  exec(cmd);\n"
        "});\n"
    )
    result = scan_app(tmp_path)
    (f,) = [f for f in result.findings if f.rule_id == "NW110"]
    texts = [s.snippet for s in f.trace] + [f.location.snippet, f.message]  # type: ignore[union-attr]
    assert any("--key" in t for t in texts)
    assert not any(key in t for t in texts)


def test_validation_vouches_for_request_objects(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_text(
        "const express = require('express');\n"
        "const Joi = require('joi');\n"
        "const { body } = require('express-validator');\n"
        "const User = require('./user');\n"
        "const app = express();\n"
        "const schema = Joi.object({ email: Joi.string().email() });\n"
        "app.post('/a', async (req, res) => {\n"
        "  const { error } = schema.validate(req.body);\n"
        "  if (error) return res.status(400).end();\n"
        "  res.json(await User.findOne({ email: req.body.email }));\n"
        "});\n"
        "app.post('/b', body('email').isEmail(), async (req, res) => {\n"
        "  res.json(await User.findOne({ email: req.body.email }));\n"
        "});\n"
        "app.post('/c', async (req, res) => {\n"
        "  res.json(await User.findOne({ email: req.body.email }));\n"
        "});\n"
    )
    hits = {f[2] for f in app_findings(scan_app(tmp_path)) if f[0] == "NW113"}
    assert hits == {16}


def test_project_validator_in_condition_cleans_its_argument(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_text(
        "const express = require('express');\n"
        "const { exec } = require('child_process');\n"
        "const { isSafeName } = require('./checks');\n"
        "const app = express();\n"
        "app.get('/a', (req, res) => {\n"
        "  const name = req.query.name;\n"
        "  if (!isSafeName(name)) return res.status(400).end();\n"
        "  exec('id ' + name);\n"
        "});\n"
        "app.get('/b', (req, res) => {\n"
        "  const name = req.query.name;\n"
        "  exec('id ' + name);\n"
        "});\n"
    )
    (tmp_path / "checks.js").write_text("exports.isSafeName = (s) => /^[a-z]+$/.test(s);\n")
    assert {f[2] for f in app_findings(scan_app(tmp_path)) if f[0] == "NW110"} == {12}


def test_whole_request_objects_are_sent_as_json(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_text(
        "const express = require('express');\n"
        "const app = express();\n"
        "app.get('/echo', (req, res) => res.send(req.query));\n"
        "app.get('/name', (req, res) => res.send(req.query.name));\n"
        "app.get('/obj', (req, res) => res.send({ name: req.query.name }));\n"
    )
    assert {f[2] for f in app_findings(scan_app(tmp_path)) if f[0] == "NW210"} == {4}


def test_explicit_non_html_content_type_is_not_xss(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_text(
        "const express = require('express');\n"
        "const app = express();\n"
        "app.get('/t', (req, res) => res.type('text/plain').send('Hi ' + req.query.n));\n"
        "app.get('/h', (req, res) => res.type('html').send('Hi ' + req.query.n));\n"
        "app.get('/s', (req, res) => { res.set('Content-Type', 'application/json'); res.send('\"' + req.query.n + '\"'); });\n"
    )
    assert {f[2] for f in app_findings(scan_app(tmp_path)) if f[0] == "NW210"} == {4}


def test_spawn_arguments_are_a_sink_only_with_a_shell(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_text(
        "const express = require('express');\n"
        "const { spawn, execFile } = require('child_process');\n"
        "const app = express();\n"
        "app.get('/x', (req, res) => {\n"
        "  spawn('grep', ['-r', req.query.q, 'logs'], { shell: false });\n"
        "  spawn('grep', ['-r', req.query.q, 'logs']);\n"
        "  spawn('sh', ['-c', req.query.script], { shell: true });\n"
        "  execFile('find', [req.query.dir], { shell: '/bin/bash' });\n"
        "});\n"
    )
    assert {f[2] for f in app_findings(scan_app(tmp_path)) if f[0] == "NW110"} == {7, 8}


def test_raw_http_server_body_stream(tmp_path: Path) -> None:
    (tmp_path / "server.js").write_text(
        "const http = require('http');\n"
        "const { exec } = require('child_process');\n"
        "http.createServer((req, res) => {\n"
        "  let body = '';\n"
        "  req.on('data', (chunk) => { body += chunk; });\n"
        "  req.on('end', () => {\n"
        "    exec('convert ' + body);\n"
        "    res.end();\n"
        "  });\n"
        "}).listen(8080);\n"
    )
    hits = [f for f in scan_app(tmp_path).findings if f.rule_id == "NW110"]
    assert [(f.path, f.line) for f in hits] == [("server.js", 7)]
    assert hits[0].trace[0].line == 5
