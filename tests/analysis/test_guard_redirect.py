"""A session guard that redirects to the login page (instead of a 401) is authentication."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nodeward.cli import main

APP = """const express = require('express');
const session = require('express-session');
const app = express();
app.use(session({ secret: process.env.S, resave: false, saveUninitialized: false }));

function restrict(req, res, next) {
  if (req.session.user) {
    next();
  } else {
    res.redirect('/login');
  }
}

function banner(req, res, next) {
  if (req.query.lang) {
    res.redirect('/?lang=en');
  }
  next();
}

app.get('/restricted', restrict, (req, res) => res.send('ok'));
app.get('/open', banner, (req, res) => res.send('ok'));
module.exports = app;
"""


def test_redirecting_session_guard_counts_as_authentication(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "app.js").write_text(APP)
    assert main(["routes", str(tmp_path), "--format", "json", "--no-cache"]) == 0
    routes = {r["path"]: r for r in json.loads(capsys.readouterr().out)}
    assert routes["/restricted"]["line"] == 21
    assert routes["/restricted"]["protections"]["authentication"] is not None
    # redirecting without an auth check is not a guard
    assert routes["/open"]["protections"]["authentication"] is None
