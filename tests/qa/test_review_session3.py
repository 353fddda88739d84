"""QA review of the third session's changes (commits after 48a6d9a): reproductions of problems
found in code other engineers own.

Each test states the correct behaviour; each was marked `xfail(strict=True)` while its problem was
there, and all 18 problems are fixed now (the marks are gone), so these are regression tests.
Every project below is written here for the purpose (no public vulnerable app).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nodeward.config import Config
from nodeward.model import ScanResult, Severity
from nodeward.scanner import scan
from tests.qa.review_helpers import found, scan_project, write_project

_write = write_project
_scan = scan_project
_found = found


# --------------------------------------------------------------------------- static folders

_PLUGIN_HOST = """\
const express = require('express');
const fs = require('fs');
const path = require('path');
const helmet = require('helmet');
const app = express();
app.use(helmet());
const dir = path.join(__dirname, 'plugins');
for (const name of fs.readdirSync(dir)) {
  require(path.join(dir, name)).install(app);
}
app.use('/plugins', express.static(path.join(__dirname, 'plugins')));
app.listen(3000);
"""

_PLUGIN = """\
const { exec } = require('child_process');
function resize(file, done) {
  exec('convert ' + file + ' -resize 64x64 out.png', done);
}
exports.install = (app) => {
  app.post('/thumb', (req, res) => resize(app.locals.upload, () => res.sendFile('out.png')));
};
"""


def test_plugin_folder_control(tmp_path: Path) -> None:
    """Control: without the static mount the plugin's shell command is reported."""
    root = _write(tmp_path, {"server.js": _PLUGIN_HOST.replace("app.use('/plugins', express.static(path.join(__dirname, 'plugins')));\n", ""), "plugins/thumbs/index.js": _PLUGIN})
    assert ("NW102", "plugins/thumbs/index.js", 3) in _found(_scan(root))


def test_served_plugin_folder_loaded_by_computed_require_keeps_server_findings(tmp_path: Path) -> None:
    # Plugin hosts commonly serve each plugin's folder (icons, client scripts) and load its
    # index.js with `require(path.join(dir, name))`: the folder holds server code.
    root = _write(tmp_path, {"server.js": _PLUGIN_HOST, "plugins/thumbs/index.js": _PLUGIN})
    assert ("NW102", "plugins/thumbs/index.js", 3) in _found(_scan(root))


# --------------------------------------------------------------------------- listening servers

_SIMPLE_APP = """\
const express = require('express');
const app = express();
app.get('/', (req, res) => res.send('hi'));
app.use((err, req, res, next) => res.status(500).end());
module.exports = app;
"""


def _helmet_findings(result: ScanResult) -> list[tuple[str, int, Severity]]:
    return [(f.path, f.line, f.severity) for f in result.findings if f.rule_id == "NW401"]


def test_listen_with_port_number_control(tmp_path: Path) -> None:
    """Control: `app.listen(port)` in the entry module makes the app served (medium)."""
    root = _write(tmp_path, {"app.js": _SIMPLE_APP, "bin/www.js": "const app = require('../app');\nconst port = Number(process.env.PORT) || 3000;\napp.listen(port, () => console.log('up'));\n"})
    assert _helmet_findings(_scan(root)) == [("app.js", 2, Severity.MEDIUM)]


def test_listen_with_options_object_is_a_server_start(tmp_path: Path) -> None:
    root = _write(tmp_path, {"app.js": _SIMPLE_APP, "bin/www.js": "const app = require('../app');\nconst port = Number(process.env.PORT) || 3000;\napp.listen({ port, host: '0.0.0.0' }, () => console.log('up'));\n"})
    assert _helmet_findings(_scan(root)) == [("app.js", 2, Severity.MEDIUM)]


def test_starts_server_sees_listen_options_object() -> None:
    from nodeward.analysis.serving import starts_server

    source = b"const http = require('http');\nconst server = http.Server(require('./app'));\nserver.listen({ port: 8080, host: '0.0.0.0' });\n"
    assert starts_server(source, "javascript") == 3


_STATUS_LIBRARY = """\
const express = require('express');
function createStatusApp(options) {
  const app = express();
  app.get('/status', (req, res) => res.json({ ok: true, name: options.name }));
  app.use((err, req, res, next) => res.status(500).end());
  return app;
}
module.exports = { createStatusApp };
"""


def test_library_of_embeddable_apps_control(tmp_path: Path) -> None:
    """Control: nothing listens, the app is built for embedding (low)."""
    root = _write(tmp_path, {"lib/index.js": _STATUS_LIBRARY, "client/beacon.js": "export function reportPageView(update) { navigator.sendBeacon('/b', update.location.pathname); }\n"})
    assert _helmet_findings(_scan(root)) == [("lib/index.js", 3, Severity.LOW)]


def test_history_listener_named_report_is_no_server_start(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        "lib/index.js": _STATUS_LIBRARY,
        "client/beacon.js": "export function reportPageView(update) { navigator.sendBeacon('/b', update.location.pathname); }\n",
        "client/analytics.js": "import { createBrowserHistory } from 'history';\nimport { reportPageView } from './beacon';\nexport const history = createBrowserHistory();\nhistory.listen(reportPageView);\n",
    })
    assert _helmet_findings(_scan(root)) == [("lib/index.js", 3, Severity.LOW)]


# --------------------------------------------------------------------------- app trees (NW401)


def test_mounted_sub_app_that_also_listens_is_its_own_tree(tmp_path: Path) -> None:
    root = _write(tmp_path, {"server.js": """\
const express = require('express');
const helmet = require('helmet');
const app = express();
const admin = express();
app.use(helmet());
admin.get('/', (req, res) => res.send('<h1>admin</h1>'));
app.get('/', (req, res) => res.send('<h1>home</h1>'));
app.use('/admin', admin);
app.use((err, req, res, next) => res.status(500).end());
admin.use((err, req, res, next) => res.status(500).end());
app.listen(3000);
admin.listen(3001, '127.0.0.1');
"""})
    assert ("server.js", 4) in [(p, line) for p, line, _s in _helmet_findings(_scan(root))]


def test_helmet_registered_after_the_mount_does_not_cover_the_sub_app(tmp_path: Path) -> None:
    root = _write(tmp_path, {"server.js": """\
const express = require('express');
const helmet = require('helmet');
const app = express();
const admin = express();
admin.get('/', (req, res) => res.send('<h1>admin</h1>'));
app.use('/admin', admin);
app.use(helmet());
app.get('/', (req, res) => res.send('<h1>home</h1>'));
app.use((err, req, res, next) => res.status(500).end());
app.listen(3000);
"""})
    assert _helmet_findings(_scan(root))


def test_app_served_through_serverless_adapter_is_not_covered_by_another_apps_helmet(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        "server.js": """\
const express = require('express');
const helmet = require('helmet');
const app = express();
app.use(helmet());
app.get('/', (req, res) => res.send('<h1>shop</h1>'));
app.use((err, req, res, next) => res.status(500).end());
app.listen(3000);
""",
        "webhooks.js": """\
const express = require('express');
function createWebhookApp() {
  const hooks = express();
  hooks.post('/stripe', express.raw({ type: 'application/json' }), (req, res) => res.send('<p>ok</p>'));
  hooks.use((err, req, res, next) => res.status(500).end());
  return hooks;
}
module.exports = { createWebhookApp };
""",
        "lambda.js": "const serverless = require('serverless-http');\nconst { createWebhookApp } = require('./webhooks');\nmodule.exports.handler = serverless(createWebhookApp());\n",
    })
    assert ("webhooks.js", 3) in [(p, line) for p, line, _s in _helmet_findings(_scan(root))]


def test_app_with_routes_from_a_route_table_is_not_404_only(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        "server.js": """\
const express = require('express');
const routes = require('./routes');
const app = express();
for (const route of routes) {
  app[route.method](route.path, route.handler);
}
app.listen(3000);
""",
        "routes.js": """\
module.exports = [
  { method: 'get', path: '/', handler: (req, res) => res.send('<h1>home</h1>') },
  { method: 'post', path: '/orders', handler: (req, res) => res.status(201).end() },
];
""",
    })
    found = _found(_scan(root))
    assert ("NW451", "server.js", 3) in found
    assert ("NW401", "server.js", 3) in found


# --------------------------------------------------------------------------- open redirects (NW116)

_REDIRECT_HEAD = """\
const express = require('express');
const helmet = require('helmet');
const app = express();
app.use(helmet());
const SITE = 'https://shop.example.org/';
"""
_REDIRECT_TAIL = """\
app.use((err, req, res, next) => res.status(500).end());
app.listen(3000);
"""


def _redirects(tmp_path: Path, body: str) -> set[tuple[str, str, int]]:
    root = _write(tmp_path, {"app.js": _REDIRECT_HEAD + body + _REDIRECT_TAIL})
    return {k for k in _found(_scan(root)) if k[0] == "NW116"}


def test_startswith_site_pins_the_target_control(tmp_path: Path) -> None:
    """Control: one check against the site's origin pins the target; no check is reported."""
    found = _redirects(tmp_path, """\
app.get('/a', (req, res) => {
  const next = String(req.query.next || '');
  if (next.startsWith(SITE)) {
    return res.redirect(next);
  }
  res.redirect(next);
});
""")
    assert found == {("NW116", "app.js", 11)}


def test_startswith_or_another_check_does_not_pin(tmp_path: Path) -> None:
    found = _redirects(tmp_path, """\
app.get('/a', (req, res) => {
  const next = String(req.query.next || '');
  if (next.startsWith(SITE) || next.startsWith('/')) {
    return res.redirect(next);
  }
  res.redirect('/');
});
""")
    assert ("NW116", "app.js", 9) in found


def test_search_with_its_question_mark_cut_off_is_an_open_redirect(tmp_path: Path) -> None:
    found = _redirects(tmp_path, """\
app.use((req, res, next) => {
  const u = new URL(req.originalUrl, 'http://localhost');
  if (u.pathname === '/go') return res.redirect(u.search.slice(1));
  next();
});
""")
    assert ("NW116", "app.js", 8) in found


def test_search_params_in_middleware_control(tmp_path: Path) -> None:
    """Control: in a middleware, a query parameter read through `new URL(req.originalUrl)` is reported."""
    found = _redirects(tmp_path, """\
app.use((req, res, next) => {
  const u = new URL(req.originalUrl, 'http://localhost');
  if (u.pathname === '/out') return res.redirect(u.searchParams.get('to'));
  next();
});
""")
    assert ("NW116", "app.js", 8) in found


def test_search_params_of_own_url_in_a_literal_route_is_an_open_redirect(tmp_path: Path) -> None:
    found = _redirects(tmp_path, """\
app.get('/login/done', (req, res) => {
  const u = new URL(req.originalUrl, 'http://localhost');
  res.redirect(u.searchParams.get('next'));
});
""")
    assert ("NW116", "app.js", 8) in found


# --------------------------------------------------------------------------- secrets: local infrastructure


class _TooManyVisits(Exception):
    pass


def test_compose_file_with_nested_aliases_is_read_in_bounded_time(monkeypatch: pytest.MonkeyPatch) -> None:
    from nodeward.secrets import local_infra

    lines = ["services:", "  db:", "    image: postgres:16", "    environment:", "      POSTGRES_PASSWORD: Zq8vRt2pXw9kLm4"]
    lines.append("    x-l0: &l0 [" + ", ".join(['"lol"'] * 10) + "]")
    lines.extend(f"    x-l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, 9))
    data = ("\n".join(lines) + "\n").encode()
    visits = [0]
    original = local_infra._last_scalar_line

    def counting(node: object, depth: int = 0) -> int:
        visits[0] += 1
        if visits[0] > 100_000:  # a 14-line file has a few hundred nodes
            raise _TooManyVisits
        return original(node, depth)

    monkeypatch.setattr(local_infra, "_last_scalar_line", counting)
    images = local_infra.container_images("docker-compose.yml", data)
    assert images[5] == "postgres:16"


# --------------------------------------------------------------------------- deps: overrides (NW703)

_NPM_LOCK = """\
{
  "name": "orders-api",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "orders-api",
      "version": "1.0.0",
      "dependencies": {
        "ms": "2.1.3"
      }
    },
    "node_modules/ms": {
      "version": "2.1.3",
      "resolved": "https://registry.npmjs.org/ms/-/ms-2.1.3.tgz",
      "integrity": "sha512-6FlzubTLZG3J2a/NVCAleEhjzq5oxgHyaCU9yYXvcLsvoVaHJq/s5xXI6/XXP6tz7R9xAOtHnSO/tXtF3WRTlA=="
    }
  }
}
"""


def _npm_project(root: Path, extra: str) -> list[tuple[str, int]]:
    from tests.deps.helpers import audit

    _write(root, {
        "package.json": '{\n  "name": "orders-api",\n  "version": "1.0.0",\n  "dependencies": {\n    "ms": "2.0.0"\n  }' + extra + "\n}\n",
        "package-lock.json": _NPM_LOCK,
    })
    out = audit(root)
    return [(f.path, f.line) for f in out.findings if f.rule_id == "NW703"]


def test_npm_lockfile_out_of_sync_control(tmp_path: Path) -> None:
    """Control: declared 2.0.0, locked 2.1.3, nothing overridden."""
    assert _npm_project(tmp_path, "") == [("package.json", 5)]


def test_yarn_resolutions_do_not_excuse_an_npm_lockfile(tmp_path: Path) -> None:
    assert _npm_project(tmp_path, ',\n  "resolutions": {\n    "ms": "2.1.3"\n  }') == [("package.json", 5)]


def test_npm_override_of_a_direct_dependency_does_not_excuse_it(tmp_path: Path) -> None:
    assert _npm_project(tmp_path, ',\n  "overrides": {\n    "ms": "2.1.3"\n  }') == [("package.json", 5)]


# --------------------------------------------------------------------------- route access rules (NW513)


def test_acting_principal_passed_beside_the_record_id_is_not_an_own_resource_delete(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        "app.js": """\
const express = require('express');
const helmet = require('helmet');
const passport = require('passport');
const userService = require('./user-service');
const app = express();
app.use(helmet());
app.use(express.json());
app.use(passport.authenticate('jwt', { session: false }));
app.delete('/admin/users/:id', async (req, res) => {
  await userService.deleteUser(req.params.id, req.user.id);
  res.status(204).end();
});
app.delete('/admin/teams/:id', async (req, res) => {
  await userService.deleteTeam(req.params.id);
  res.status(204).end();
});
app.use((err, req, res, next) => res.status(500).end());
app.listen(3000);
""",
        "user-service.js": "exports.deleteUser = async (id, actorId) => null;\nexports.deleteTeam = async (id) => null;\n",
    })
    found = {k for k in _found(_scan(root)) if k[0] == "NW513"}
    assert found == {("NW513", "app.js", 9), ("NW513", "app.js", 13)}


# --------------------------------------------------------------------------- NoSQL injection by ORM identity (NW113)


def test_mongoose_model_re_exported_beside_a_sql_model_keeps_nw113(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        "package.json": '{ "name": "accounts", "version": "1.0.0", "dependencies": { "express": "^4.19.2", "helmet": "^7.1.0", "mongoose": "^8.4.0", "sequelize": "^6.37.0" } }\n',
        "app.js": """\
const express = require('express');
const helmet = require('helmet');
const models = require('./models');
const app = express();
app.use(helmet());
app.use(express.json());
app.post('/users/lookup', async (req, res) => {
  const user = await models.User.findOne({ email: req.body.email });
  res.json({ found: Boolean(user) });
});
app.use((err, req, res, next) => res.status(500).end());
app.listen(3000);
""",
        "models/index.js": """\
const { Sequelize } = require('sequelize');
const sequelize = new Sequelize(process.env.AUDIT_DB_URL);
const AuditLog = require('./audit-log')(sequelize);
const User = require('./user');
module.exports = { sequelize, AuditLog, User };
""",
        "models/user.js": "const mongoose = require('mongoose');\nconst schema = new mongoose.Schema({ email: String, name: String });\nmodule.exports = mongoose.model('User', schema);\n",
        "models/audit-log.js": "const { DataTypes } = require('sequelize');\nmodule.exports = (sequelize) => sequelize.define('AuditLog', { action: DataTypes.STRING });\n",
    })
    assert ("NW113", "app.js", 8) in _found(_scan(root))


# --------------------------------------------------------------------------- route access rules (NW511)


def test_sso_settings_route_without_guard_is_still_nw511(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        "app.js": """\
const express = require('express');
const helmet = require('helmet');
const { requireUser } = require('./auth');
const settings = require('./settings');
const app = express();
app.use(helmet());
app.use(express.json());
app.post('/api/projects', requireUser, (req, res) => res.status(201).json(settings.createProject(req.body.name)));
app.put('/api/projects/:id', requireUser, (req, res) => res.json(settings.renameProject(req.params.id, req.body.name)));
app.put('/api/settings/sso', (req, res) => {
  settings.saveSso({ entryPoint: String(req.body.entryPoint), cert: String(req.body.cert) });
  res.status(204).end();
});
app.put('/api/settings/smtp', (req, res) => {
  settings.saveSmtp({ host: String(req.body.host) });
  res.status(204).end();
});
app.use((err, req, res, next) => res.status(500).end());
app.listen(3000);
""",
        "auth.js": "exports.requireUser = (req, res, next) => {\n  if (!req.session || !req.session.userId) return res.status(401).end();\n  next();\n};\n",
        "settings.js": "exports.createProject = (n) => ({ n });\nexports.renameProject = (i, n) => ({ i, n });\nexports.saveSso = () => {};\nexports.saveSmtp = () => {};\n",
    })
    found = {k for k in _found(_scan(root)) if k[0] == "NW511"}
    assert found == {("NW511", "app.js", 10), ("NW511", "app.js", 14)}


def test_refreshing_the_session_user_after_an_update_is_not_a_sign_in(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        "app.js": """\
const express = require('express');
const helmet = require('helmet');
const { requireUser } = require('./auth');
const settings = require('./settings');
const app = express();
app.use(helmet());
app.use(express.json());
app.post('/api/projects', requireUser, (req, res) => res.status(201).json(settings.createProject(req.body.name)));
app.put('/api/projects/:id', requireUser, (req, res) => res.json(settings.renameProject(req.params.id, req.body.name)));
app.put('/api/profile/:id', async (req, res) => {
  const user = await settings.updateUser(req.params.id, { displayName: String(req.body.displayName) });
  req.session.user = user;
  res.json(user);
});
app.use((err, req, res, next) => res.status(500).end());
app.listen(3000);
""",
        "auth.js": "exports.requireUser = (req, res, next) => {\n  if (!req.session || !req.session.userId) return res.status(401).end();\n  next();\n};\n",
        "settings.js": "exports.createProject = (n) => ({ n });\nexports.renameProject = (i, n) => ({ i, n });\nexports.updateUser = async (i, p) => ({ i, ...p });\n",
    })
    assert ("NW511", "app.js", 10) in _found(_scan(root))


# --------------------------------------------------------------------------- docs that say what the code does not


def test_architecture_claim_about_include_node_modules_holds(tmp_path: Path) -> None:
    from tests.conftest import ROOT

    claim = "without changing the route table"
    doc = " ".join((ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8").split())
    _write(tmp_path, {
        "server.js": "const express = require('express');\nconst helmet = require('helmet');\nconst app = express();\napp.use(helmet());\napp.get('/', (req, res) => res.send('<h1>home</h1>'));\napp.use((err, req, res, next) => res.status(500).end());\napp.listen(3000);\n",
        "node_modules/tiny-admin/package.json": '{"name":"tiny-admin","version":"1.0.0","main":"index.js"}\n',
        "node_modules/tiny-admin/index.js": "const express = require('express');\nconst admin = express();\nadmin.post('/reset', (req, res) => res.json({ ok: true }));\nadmin.listen(9000);\nmodule.exports = admin;\n",
    })
    plain = scan(tmp_path, Config(use_cache=False, analyzers=("app",), jobs=1))
    flagged = scan(tmp_path, Config(use_cache=False, analyzers=("app",), jobs=1, include_node_modules=True))
    if claim in doc:
        assert flagged.stats.counts["routes"] == plain.stats.counts["routes"]
    else:  # the sentence was corrected: nothing left to check
        assert claim not in doc
