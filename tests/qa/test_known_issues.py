"""QA reproductions of bugs found in code other engineers owned (taint rules, route rules, deps).

Each was first marked `xfail(strict=True)` so that its fix could not go unnoticed; all four are
fixed now and the tests stay as regression tests.  A new reproduction for someone else's code
goes here the same way.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nodeward.cli import main


def _scan(tmp_path: Path, files: dict[str, str], capsys: pytest.CaptureFixture[str], command: str = "scan") -> list[tuple[str, str, int]]:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    main([command, str(tmp_path), "--no-cache", "-f", "json", "--min-severity", "info"])
    return sorted((f["rule_id"], f["path"], f["line"]) for f in json.loads(capsys.readouterr().out)["findings"])


def test_spawn_sh_dash_c_with_request_data_is_command_injection(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    found = _scan(tmp_path, {"app.js": (
        "const express = require('express');\nconst { spawn } = require('child_process');\nconst app = express();\n"
        "app.get('/d', (req, res) => spawn('sh', ['-c', req.query.cmd]).stdout.pipe(res));\n"
        "module.exports = app;\n"
    )}, capsys)
    assert ("NW110", "app.js", 4) in found


def test_xxe_from_request_is_reported_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    found = _scan(tmp_path, {"app.js": (
        "const express = require('express');\nconst libxmljs = require('libxmljs');\nconst app = express();\n"
        "app.use(express.text());\n"
        "app.post('/i', (req, res) => res.send(libxmljs.parseXml(req.body, { noent: true }).toString()));\n"
        "module.exports = app;\n"
    )}, capsys)
    at_call = [k for k in found if k[2] == 5 and k[0] in ("NW602", "NW653")]
    assert at_call == [("NW653", "app.js", 5)]


def test_fastify_html_reply_with_request_data_is_xss(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    found = _scan(tmp_path, {"server.js": (
        "const fastify = require('fastify')();\n"
        "fastify.get('/hello', async (request, reply) => {\n"
        "  reply.type('text/html');\n"
        "  return `<p>${request.query.name}</p>`;\n"
        "});\n"
        "fastify.listen({ port: 3000 });\n"
    )}, capsys)
    assert any(k[0] == "NW210" and k[2] == 4 for k in found)


def test_package_json_syntax_error_is_called_invalid_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "package.json").write_text('{"name": "x", "dependencies": {"express": "4.17.1",}\n')
    main(["deps", str(tmp_path), "--no-cache", "-f", "json"])
    errors = json.loads(capsys.readouterr().out)["errors"]
    messages = [e["message"] for e in errors if e["path"] == "package.json"]
    assert messages and "invalid JSON" in messages[0]
