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


# --------------------------------------------------------------------------- served folders holding server code

_HOST = """\
const express = require('express');
const fs = require('fs');
const path = require('path');
const app = express();
const extensionsDir = path.join(__dirname, 'extensions');
app.use('/extensions', express.static(extensionsDir));
app.use('/assets', express.static(path.join(__dirname, 'extensions')));
for (const entry of fs.readdirSync(extensionsDir)) {
  LOAD
}
app.listen(3000);
"""

_REPORT_EXTENSION = """\
module.exports = function register(app, settings) {
  app.locals.reportTotal = eval(settings.reportFormula);
  app.get('/reports', (req, res) => res.json({ total: app.locals.reportTotal }));
};
"""

_WIDGET = """\
define(function (require) {
  var fs = require('fs');
  return function render(el) {
    el.textContent = eval(el.dataset.formula || '0');
  };
});
"""


def _extensions(tmp_path: Path, load: str, files: dict[str, str]) -> set[tuple[str, str, int]]:
    root = _write(tmp_path, {"server.js": _HOST.replace("LOAD", load), **files})
    return {k for k in _found(scan_app(root)) if k[0].startswith("NW1")}


def test_a_served_extension_loaded_by_a_computed_require_is_server_code(tmp_path: Path) -> None:
    found = _extensions(tmp_path, "require(`./extensions/${entry}`)(app);", {"extensions/reports/index.js": _REPORT_EXTENSION, "extensions/reports/widget.js": _WIDGET})
    assert ("NW101", "extensions/reports/index.js", 2) in found
    # The AMD module beside it runs in the browser: its `require` is define()'s parameter.
    assert not {k for k in found if k[1] == "extensions/reports/widget.js"}


def test_a_computed_require_elsewhere_leaves_the_served_folder_browser_code(tmp_path: Path) -> None:
    found = _extensions(tmp_path, "require(path.join(__dirname, 'lib', entry))(app);", {"extensions/reports/index.js": _REPORT_EXTENSION, "lib/none.js": "module.exports = () => {};\n"})
    assert not {k for k in found if k[1].startswith("extensions/")}
    found = _extensions(tmp_path / "unknown-base", "require(process.env.EXTENSIONS + entry)(app);", {"extensions/reports/index.js": _REPORT_EXTENSION})
    assert not {k for k in found if k[1].startswith("extensions/")}


def test_a_served_module_using_node_only_builtins_is_server_code(tmp_path: Path) -> None:
    tool = "const { execSync } = require('node:child_process');\nmodule.exports = (file) => execSync('convert ' + file + ' out.png');\n"
    helper = "exports.total = (formula) => eval(formula);\n"
    uses_helper = "import { execFile } from 'child_process';\nimport { total } from './helper.js';\nexport const handle = (input) => ({ t: total(input.f), p: execFile('ls') });\n"
    found = _extensions(tmp_path, "", {"extensions/convert.js": tool, "extensions/calc/index.mjs": uses_helper, "extensions/calc/helper.js": helper})
    assert ("NW102", "extensions/convert.js", 2) in found
    # What server code imports from the folder runs in the server too.
    assert ("NW101", "extensions/calc/helper.js", 1) in found
    bundle = "(function (require, module) {\n  var cp = require('child_process');\n  module.exports = function (s) { return eval(s); };\n})(window.__req, {});\n"
    found = _extensions(tmp_path / "bundled", "", {"extensions/bundle.js": bundle})
    assert not found


# --------------------------------------------------------------------------- apps served elsewhere, 404-only apps

_SHOP = """\
const express = require('express');
const helmet = require('helmet');
const app = express();
app.use(helmet());
app.get('/', (req, res) => res.send('<h1>shop</h1>'));
app.use((err, req, res, next) => res.status(500).end());
app.listen(Number(process.env.PORT) || 3000);
"""

_EXPORTS_APP = """\
const express = require('express');
exports.buildExportsApp = () => {
  const exportsApp = express();
  exportsApp.get('/exports/:id', (req, res) => res.send(`<a href="/files/${Number(req.params.id)}">download</a>`));
  exportsApp.use((err, req, res, next) => res.status(500).end());
  return exportsApp;
};
"""


@pytest.mark.parametrize(
    ("code", "line"),
    [
        ("const { onRequest } = require('firebase-functions/v2/https');\nexports.api = onRequest({ region: 'europe-west1' }, app);\n", 2),
        ("import * as functions from 'firebase-functions';\nexport const api = functions.https.onRequest(app);\n", 2),
        ("const awsServerlessExpress = require('aws-serverless-express');\nconst server = awsServerlessExpress.createServer(app);\n", 2),
        ("module.exports.handler = require('serverless-http')(app);\n", 1),
        ("import serverlessExpress from '@codegenie/serverless-express';\nexport const handler = serverlessExpress({ app });\n", 2),
        ("const functions = require('firebase-functions');\nexports.nightly = functions.pubsub.schedule('every 24 hours').onRun(cleanup);\n", 0),
        ("const { logger } = require('firebase-functions');\nlogger.info('ready', app);\n", 0),
    ],
)
def test_serverless_adapters_start_a_server(code: str, line: int) -> None:
    assert starts_server(code.encode(), "javascript") == line


def test_an_app_served_as_a_cloud_function_is_not_covered_by_another_apps_helmet(tmp_path: Path) -> None:
    files = {"server.js": _SHOP, "exports-app.js": _EXPORTS_APP}
    function = "const { onRequest } = require('firebase-functions/v2/https');\nconst { buildExportsApp } = require('./exports-app');\nexports.exportsApi = onRequest(buildExportsApp());\n"
    found = _found(scan_app(_write(tmp_path / "function", {**files, "functions.js": function})), "NW401")
    assert found == {("NW401", "exports-app.js", 3)}
    # Without the function, the factory's app is placed by code the model cannot follow: it
    # belongs to the tree the project serves, whose helmet covers it.
    assert not _found(scan_app(_write(tmp_path / "plain", files)), "NW401")


def test_an_app_filled_by_computed_registrations_is_not_404_only(tmp_path: Path) -> None:
    server = """\
const express = require('express');
const handlers = require('./handlers');
const app = express();
for (const [verb, handler] of Object.entries(handlers)) {
  app[verb.toLowerCase()]('/items', handler);
}
app.listen(Number(process.env.PORT) || 8080);
"""
    handlers = "module.exports = {\n  get: (req, res) => res.send('<ul></ul>'),\n  post: (req, res) => res.status(201).end(),\n};\n"
    assert ("NW401", "server.js", 3) in _found(scan_app(_write(tmp_path / "table", {"server.js": server, "handlers.js": handlers})))
    upgrades = """\
const https = require('https');
const fs = require('fs');
const express = require('express');
const { WebSocketServer } = require('ws');
const app = express();
const server = https.createServer({ key: fs.readFileSync('key.pem'), cert: fs.readFileSync('cert.pem') }, app);
const wss = new WebSocketServer({ server });
wss.on('connection', (socket) => socket.send('hello'));
server.listen(8443);
"""
    assert not _found(scan_app(_write(tmp_path / "ws", {"server.js": upgrades})), "NW401")


def test_a_cloud_function_beside_a_listening_app_in_one_module(tmp_path: Path) -> None:
    shop = _SHOP.replace("const app = express();\n", "const app = express();\nconst serverless = require('serverless-http');\nconst { buildExportsApp } = require('./exports-app');\nmodule.exports.exportsHandler = serverless(buildExportsApp());\n")
    found = _found(scan_app(_write(tmp_path, {"server.js": shop, "exports-app.js": _EXPORTS_APP})), "NW401")
    assert found == {("NW401", "exports-app.js", 3)}
