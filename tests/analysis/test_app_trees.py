"""Express app trees: NW401 once per served tree, on its root; mounts through vhost()-style
helpers and the project's own mount functions; libraries of embeddable apps; servers started
where the walker sees no app (`bin/www`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nodeward.analysis.serving import starts_server
from nodeward.model import Confidence, Severity
from tests.analysis.helpers import annotated_lines, link, scan_app

DATA = Path(__file__).resolve().parent / "data" / "app_trees"


def _helmet(root: Path) -> tuple[set[tuple[str, str, int]], set[tuple[str, str, int]]]:
    expected, forbidden = annotated_lines(root)
    return {e for e in expected if e[0] == "NW401"}, {e for e in forbidden if e[0] == "NW401"}


@pytest.mark.parametrize("app", ["served", "embeddable", "plugins"])
def test_one_helmet_finding_per_tree(app: str) -> None:
    expected, forbidden = _helmet(DATA / app)
    assert expected and forbidden
    found = {(f.rule_id, f.path, f.line) for f in scan_app(DATA / app).findings if f.rule_id == "NW401"}
    assert found == expected
    assert not found & forbidden


def test_server_started_from_bin_www_is_served_not_embeddable() -> None:
    (f,) = [f for f in scan_app(DATA / "served").findings if f.rule_id == "NW401"]
    assert (f.path, f.line, f.severity, f.confidence) == ("app.js", 13, Severity.MEDIUM, Confidence.MEDIUM)
    assert "embedding" not in f.message


def test_vhost_and_helper_mounted_apps_get_the_parents_middleware() -> None:
    routes = {(r.method, r.file, r.line): r for r in link(DATA / "served").model.routes}
    orders = routes[("DELETE", "app.js", 22)]  # admin app mounted with vhost() behind requireStaff
    payment = routes[("POST", "web/hooks.js", 11)]  # mounted by lib/mount.js's mountAt(parent, path, child)
    for r in (orders, payment):
        assert r.app == "app.js:13"
        assert "requireStaff" in [m.name for m in r.middleware]
        assert r.protections["authentication"] is not None
    assert orders.path == "/orders/:id"


def test_library_of_embeddable_apps_is_one_low_finding() -> None:
    (f,) = [f for f in scan_app(DATA / "embeddable").findings if f.rule_id == "NW401"]
    assert (f.path, f.line) == ("lib/index.js", 10)
    assert (f.severity, f.confidence) == (Severity.LOW, Confidence.LOW)
    assert "embedding" in f.message and "lib/index.js:18" in f.message


def test_error_handler_judged_on_the_tree_root_only() -> None:
    found = {(f.rule_id, f.path, f.line) for f in scan_app(DATA / "embeddable").findings if f.rule_id == "NW450"}
    # The health app's errors go to whatever server embeds it, like the status page's.
    assert found == {("NW450", "lib/index.js", 10)}


def test_plugin_apps_are_covered_by_the_listening_root(tmp_path: Path) -> None:
    result = scan_app(DATA / "plugins")
    (f,) = [f for f in result.findings if f.rule_id == "NW401"]
    assert (f.path, f.line) == ("server.js", 10)
    assert "plugins/search.js:7" in f.message
    # The plugin's errors reach the server's error handler: no NW450 on it.
    assert not [g for g in result.findings if g.rule_id == "NW450"]
    copy = tmp_path / "plugins"
    shutil.copytree(DATA / "plugins", copy)
    server = copy / "server.js"
    server.write_text(server.read_text().replace("app.disable('x-powered-by');\n", "app.use(require('helmet')());\n"))
    assert not [g for g in scan_app(copy).findings if g.rule_id == "NW401"]


def test_apps_handed_to_other_code_are_embeddable_when_nothing_listens(tmp_path: Path) -> None:
    copy = tmp_path / "plugins"
    shutil.copytree(DATA / "plugins", copy)
    (copy / "lib" / "start.js").write_text("'use strict';\n\nmodule.exports = function start(server) {\n  return server;\n};\n")
    (f,) = [f for f in scan_app(copy).findings if f.rule_id == "NW401"]
    assert (f.path, f.line, f.severity) == ("server.js", 10, Severity.LOW)
    assert "plugins/search.js:7" in f.message
    assert not [g for g in scan_app(copy).findings if g.rule_id == "NW450"]


_WS = """'use strict';
const http = require('http');
const express = require('express');
const helmet = require('helmet');

const app = express();
app.use(helmet());
app.get('/', (req, res) => res.send('ok'));
app.use((err, req, res, next) => res.status(500).end());
app.listen(3000);

// The WebSocket server's HTTP side: upgrades only.
const upgrades = express();
const server = http.createServer(upgrades);
server.listen(3001);
"""


def test_an_app_that_serves_nothing_needs_no_headers(tmp_path: Path) -> None:
    (tmp_path / "server.js").write_text(_WS)
    assert not [f for f in scan_app(tmp_path).findings if f.rule_id == "NW401"]
    (tmp_path / "server.js").write_text(_WS.replace("server.listen(3001);", "upgrades.get('/info', (req, res) => res.json({}));\nserver.listen(3001);"))
    found = {(f.rule_id, f.path, f.line) for f in scan_app(tmp_path).findings if f.rule_id == "NW401"}
    assert found == {("NW401", "server.js", 13)}


@pytest.mark.parametrize(
    ("code", "line"),
    [
        ("const server = http.createServer(app);\n", 1),
        ("const s = require('node:https').createServer(opts, app);\n", 1),
        ("app.listen(8080);\n", 1),
        ("\nserver.listen(config.get('port'), host);\n", 2),
        ("server.listen(process.env.PORT || 3000);\n", 1),
        ("history.listen((location) => track(location));\n", 0),
        ("emitter.listen();\n", 0),
        ("ipc.listen(socketPath);\n", 0),
        ("const s = net.createServer(onConnection);\n", 0),
    ],
)
def test_server_start_shapes(code: str, line: int) -> None:
    assert starts_server(code.encode(), "javascript") == line


def test_a_listen_callback_is_not_a_request_handler(tmp_path: Path) -> None:
    # Bound like a handler, `(err)` would be `req` and `err.query` request data (NW110).
    (tmp_path / "server.js").write_text(
        "const express = require('express');\n"
        "const { exec } = require('child_process');\n"
        "const app = express();\n"
        "app.get('/', (req, res) => res.send('ok'));\n"
        "app.listen(3000, (err) => {\n"
        "  if (err) exec(`logger --tag web listen failed: ${err.query}`);\n"
        "});\n"
    )
    found = {(f.rule_id, f.path, f.line) for f in scan_app(tmp_path).findings}
    assert ("NW401", "server.js", 3) in found
    assert not [f for f in found if f[0] == "NW110"]
    assert ("NW102", "server.js", 6) in found


def test_sub_apps_mounted_from_a_require_call_or_an_exported_app(tmp_path: Path) -> None:
    (tmp_path / "server.js").write_text(
        "const express = require('express');\n"
        "const app = express();\n"
        "app.use('/billing', require('./billing')({ currency: 'EUR' }));\n"
        "app.use('/docs', require('./docs'));\n"
        "app.listen(8080);\n"
    )
    (tmp_path / "billing.js").write_text(
        "const express = require('express');\n"
        "module.exports = (options) => {\n"
        "  const billing = express();\n"
        "  billing.get('/invoices', (req, res) => res.json({ currency: options.currency }));\n"
        "  return billing;\n"
        "};\n"
    )
    (tmp_path / "docs.js").write_text(
        "const express = require('express');\n"
        "const docs = express();\n"
        "docs.get('/', (req, res) => res.send('docs'));\n"
        "module.exports = docs;\n"
    )
    (f,) = [f for f in scan_app(tmp_path).findings if f.rule_id == "NW401"]
    assert (f.path, f.line, f.severity) == ("server.js", 2, Severity.MEDIUM)
