"""`spawn('sh', ['-c', cmd])` and friends run a whole shell command: request data there is
command injection, as with `exec`; a program run with plain arguments is not."""

from __future__ import annotations

from pathlib import Path

from tests.analysis.helpers import app_findings, scan_app

APP = """\
const express = require('express');
const { spawn, execFile, spawnSync } = require('child_process');
const app = express();
app.get('/a', (req, res) => spawn('sh', ['-c', req.query.cmd]).stdout.pipe(res));
app.get('/b', (req, res) => execFile('/bin/bash', ['-lc', `du -sh ${req.query.dir}`], (e, out) => res.send(out)));
app.get('/c', (req, res) => res.json(spawnSync('cmd.exe', ['/c', req.query.cmd])));
app.get('/d', (req, res) => spawn('ls', ['-la', req.query.dir]).stdout.pipe(res));
app.get('/e', (req, res) => spawn('sh', ['./report.sh', req.query.name]).stdout.pipe(res));
module.exports = app;
"""


def test_shell_with_a_command_string_is_a_command_sink(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_text(APP)
    found = {f for f in app_findings(scan_app(tmp_path)) if f[0] == "NW110"}
    assert found == {("NW110", "app.js", 4), ("NW110", "app.js", 5), ("NW110", "app.js", 6)}
