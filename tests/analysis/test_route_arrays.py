"""`app.get(['/a', '/b'], ...)` registers one route per path, each with the whole chain."""

from __future__ import annotations

from pathlib import Path

from tests.analysis.helpers import link


def test_path_arrays_give_one_route_each(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_text(
        "const express = require('express');\n"
        "const app = express();\n"
        "const auth = require('./auth');\n"
        "app.get(['/a', '/b'], auth, (req, res) => res.send('ok'));\n"
        "app.post(['/x'], (req, res) => res.json(req.body));\n"
        "app.get([`/t`, someVariable], (req, res) => res.send('mixed'));\n"
        "app.listen(3000);\n"
    )
    (tmp_path / "auth.js").write_text("module.exports = (req, res, next) => (req.user ? next() : res.sendStatus(401));\n")
    routes = link(tmp_path).model.routes
    rows = sorted((r.method, r.path, r.line, r.protections["authentication"] is not None) for r in routes)
    assert rows == [
        ("GET", "/a", 4, True),
        ("GET", "/b", 4, True),
        ("GET", "[`/t`, someVariable]", 6, False),
        ("POST", "/x", 5, False),
    ]
