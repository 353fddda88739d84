"""`nodeward routes`: the text table, the JSON shape from the issue, and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nodeward.cli import main
from tests.conftest import ROOT

APP = ROOT / "tests" / "apps" / "routes-express"


def test_text_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["routes", str(APP), "--no-cache"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["METHOD", "PATH", "HANDLER", "AUTHN", "AUTHZ", "VALIDATION", "RATE", "LIMIT", "CSRF"]
    row = next(line for line in lines if line.startswith("DELETE"))
    assert row.split()[:3] == ["DELETE", "/api/admin/users/:id", "routes/admin.js:8"]
    assert "yes: requireUser" in row and "yes: requireRole('admin')" in row
    # `POST /login` is public by purpose (as NW511 judges it): one forgotten route, not two.
    assert "8 routes; 1 state-changing route without authentication." in out


def test_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["routes", str(APP), "--format", "json", "--no-cache"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data) == 8
    login = next(r for r in data if r["path"] == "/api/login")
    assert {"method", "path", "file", "line", "handler", "middleware", "protections"} <= set(login)
    assert set(login["protections"]) == {"authentication", "authorization", "validation", "rate_limit", "csrf"}
    assert login["protections"]["authentication"] is None
    assert login["protections"]["rate_limit"]["name"] == "loginLimiter"
    assert login["protections"]["rate_limit"]["file"] == "routes/index.js"
    assert (login["file"], login["line"], login["handler"]) == ("lib/auth-controller.js", 1, "login")


def test_output_file(tmp_path: Path) -> None:
    out = tmp_path / "routes.json"
    assert main(["routes", str(APP), "-f", "json", "-o", str(out), "--no-cache", "-q"]) == 0
    assert json.loads(out.read_text())[0]["method"]


def test_missing_path_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["routes", "/no/such/folder"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_strict_exit_on_unparsable_file() -> None:
    bad = ROOT / "tests" / "apps" / "taint-bad"
    assert main(["routes", str(bad), "--no-cache", "-q", "-o", "/dev/null"]) == 0
    assert main(["routes", str(bad), "--no-cache", "-q", "--strict", "-o", "/dev/null"]) == 3


def test_empty_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "index.js").write_text("console.log('hi');\n")
    assert main(["routes", str(tmp_path), "--no-cache"]) == 0
    assert capsys.readouterr().out.strip() == "No routes found."


def test_missing_filter_and_verbose_chain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["routes", str(APP), "--no-cache", "--missing", "authentication", "--missing", "csrf", "-f", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["routes", str(APP), "--no-cache", "--missing", "authentication", "-f", "json"]) == 0
    paths = sorted((r["method"], r["path"]) for r in json.loads(capsys.readouterr().out))
    assert paths == [("GET", "/api/users"), ("GET", "/healthz"), ("POST", "/api/login"), ("POST", "/metrics/flush")]
    assert main(["routes", str(APP), "--no-cache", "-v", "--missing", "rate_limit", "--missing", "validation"]) == 0
    out = capsys.readouterr().out
    assert "    router  requireUser  [authentication]  routes/admin.js:6  (custom middleware requireUser (checks `session.user`))" in out


def test_app_column_with_several_apps(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "api.js").write_text("const express = require('express');\nconst app = express();\napp.get('/a', (req, res) => res.end());\n")
    (tmp_path / "admin.js").write_text("const express = require('express');\nconst admin = express();\nadmin.get('/b', (req, res) => res.end());\n")
    assert main(["routes", str(tmp_path), "--no-cache"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:4] == ["APP", "METHOD", "PATH", "HANDLER"]
    assert lines[1].split()[:3] == ["admin.js:2", "GET", "/b"]
    assert lines[2].split()[:3] == ["api.js:2", "GET", "/a"]
    assert main(["routes", str(tmp_path), "--no-cache", "-f", "json"]) == 0
    assert [r["app"] for r in json.loads(capsys.readouterr().out)] == ["admin.js:2", "api.js:2"]
