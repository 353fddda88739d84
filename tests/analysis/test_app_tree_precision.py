"""Precision of the app-tree evidence: what counts as a server start (`serving.py`), which
served folders hold browser code (`static_roots.py`) and how apps group into trees for NW401
(`rules/app_config.py`).  Every project here is written for the purpose."""

from __future__ import annotations

from pathlib import Path

import pytest

from nodeward.analysis.serving import starts_server
from nodeward.model import ScanResult, Severity
from tests.analysis.helpers import scan_app


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def _found(result: ScanResult, rule: str = "") -> set[tuple[str, str, int]]:
    return {(f.rule_id, f.path, f.line) for f in result.findings if not rule or f.rule_id == rule}


# --------------------------------------------------------------------------- server starts


@pytest.mark.parametrize(
    ("code", "line"),
    [
        ("server.listen({ port: 8080 });\n", 1),
        ("app.listen({ port, host: '0.0.0.0' }, ready);\n", 1),
        ("app.listen({ 'port': Number(process.env.PORT) });\n", 1),
        ("app.listen(httpPort);\n", 1),
        ("app.listen(HTTP_PORT, '127.0.0.1');\n", 1),
        ("app.listen(ports[0]);\n", 1),
        ("server.listen({ path: '/run/app.sock' });\n", 0),
        ("history.listen(reportPageView);\n", 0),
        ("bus.listen(transport);\n", 0),
        ("store.listen(exportState);\n", 0),
        ("router.listen(supportChat.open);\n", 0),
    ],
)
def test_server_start_shapes(code: str, line: int) -> None:
    assert starts_server(code.encode(), "javascript") == line


_LIBRARY = """\
const express = require('express');
function createReportsApp(options) {
  const reports = express();
  reports.get('/reports', (req, res) => res.json({ owner: options.owner }));
  reports.use((err, req, res, next) => res.status(500).end());
  return reports;
}
module.exports = { createReportsApp };
"""


def test_a_browser_listener_named_after_a_report_leaves_a_library_embeddable(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        "lib/index.js": _LIBRARY,
        "web/tracking.js": "import { createHashHistory } from 'history';\nimport { reportView } from './views';\nconst history = createHashHistory();\nhistory.listen(reportView);\n",
        "web/views.js": "export function reportView(update) { window.dataLayer.push(update.location.pathname); }\n",
    })
    found = [(f.path, f.line, f.severity) for f in scan_app(root).findings if f.rule_id == "NW401"]
    assert found == [("lib/index.js", 3, Severity.LOW)]


def test_a_listen_options_object_serves_the_library_app(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        "lib/index.js": _LIBRARY,
        "server.js": "const http = require('http');\nconst { createReportsApp } = require('./lib');\nconst server = new http.Server(createReportsApp({ owner: 'ops' }));\nserver.listen({ port: Number(process.env.PORT), host: '0.0.0.0' });\n",
    })
    found = [(f.path, f.line, f.severity) for f in scan_app(root).findings if f.rule_id == "NW401"]
    assert found == [("lib/index.js", 3, Severity.MEDIUM)]


# --------------------------------------------------------------------------- app trees (NW401, NW450)

_ADMIN = """\
const express = require('express');
const helmet = require('helmet');
const app = express();
const admin = express();
app.use(helmet());
admin.get('/', (req, res) => res.send('<h1>admin</h1>'));
app.get('/', (req, res) => res.send('<h1>home</h1>'));
app.use('/admin', admin);
app.use((err, req, res, next) => res.status(500).end());
app.listen(3000);
"""


def test_a_mounted_sub_app_is_judged_through_its_parent(tmp_path: Path) -> None:
    root = _write(tmp_path, {"server.js": _ADMIN})
    assert not _found(scan_app(root), "NW401")


def test_a_mounted_sub_app_on_a_port_of_its_own_is_a_tree_of_its_own(tmp_path: Path) -> None:
    root = _write(tmp_path, {"server.js": _ADMIN + "admin.listen(3001, '127.0.0.1');\n"})
    found = _found(scan_app(root))
    assert ("NW401", "server.js", 4) in found
    assert ("NW401", "server.js", 3) not in found
    # Its errors reach no parent on that port: Express's default handler answers them.
    assert ("NW450", "server.js", 4) in found
    guarded = _ADMIN.replace("app.use('/admin', admin);\n", "admin.use(helmet());\nadmin.use((err, req, res, next) => res.status(500).end());\napp.use('/admin', admin);\n")
    root = _write(tmp_path, {"server.js": guarded + "admin.listen(3001, '127.0.0.1');\n"})
    found = _found(scan_app(root))
    assert not {k for k in found if k[0] in ("NW401", "NW450")}


def test_helmet_registered_after_a_route_of_the_root(tmp_path: Path) -> None:
    late = _ADMIN.replace("app.use(helmet());\n", "").replace("app.use('/admin', admin);\n", "app.use('/admin', admin);\napp.use(helmet());\n")
    root = _write(tmp_path, {"server.js": late})
    (f,) = [f for f in scan_app(root).findings if f.rule_id == "NW401"]
    assert (f.path, f.line) == ("server.js", 3)
    assert "GET / (server.js:6)" in f.message and "GET /admin" in f.message
    # Registered before the routes and the mount, it covers them all.
    early = _ADMIN.replace("app.use(helmet());\n", "").replace("const admin = express();\n", "const admin = express();\napp.use(helmet());\n")
    root = _write(tmp_path, {"server.js": early})
    assert not _found(scan_app(root), "NW401")
