"""Precision follow-ups on the taint rules (open redirects NW116, NoSQL receivers NW113).

Each case is a small project written for the purpose; positives and negatives assert rule id,
file and line.
"""

from __future__ import annotations

from pathlib import Path

from nodeward.config import Config
from nodeward.model import Confidence, Finding
from nodeward.scanner import scan


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def _findings(root: Path, rule: str) -> list[Finding]:
    result = scan(root, Config(use_cache=False, analyzers=("sast", "app"), jobs=1))
    return [f for f in result.findings if f.rule_id == rule]


def _keys(findings: list[Finding]) -> set[tuple[str, str, int]]:
    return {(f.rule_id, f.path, f.line) for f in findings}


# --------------------------------------------------------------------------- NW113 receivers

_MANIFEST = '{ "name": "billing", "version": "1.0.0", "dependencies": { "express": "^4.19.2", "mongoose": "^8.4.0", "sequelize": "^6.37.0", "mongodb": "^6.6.0" } }\n'

_ROUTES = """\
const express = require('express');
const models = require('./models');
const app = express();
app.use(express.json());
app.post('/invoices/search', async (req, res) => {
  const found = await models.{model}.findOne({ number: req.body.number });
  res.json({ found: Boolean(found) });
});
app.listen(3000);
"""

_SEQUELIZE_CONN = "const { Sequelize } = require('sequelize');\nmodule.exports = new Sequelize(process.env.SQL_URL);\n"
_SQL_MODEL = "const { DataTypes } = require('sequelize');\nconst db = require('./db');\nmodule.exports = db.define('Account', { number: DataTypes.STRING });\n"
_MONGO_MODEL = "const mongoose = require('mongoose');\nmodule.exports = mongoose.model('Invoice', new mongoose.Schema({ number: String }));\n"
_MONGO_CACHE = "const { MongoClient } = require('mongodb');\nconst client = new MongoClient(process.env.CACHE_URL);\nmodule.exports = client.db('cache').collection('pages');\n"


def test_member_re_exported_by_name_is_judged_by_its_own_module(tmp_path: Path) -> None:
    # The index builds a Sequelize connection of its own but passes the mongoose model on:
    # `exports.Invoice = require('./invoice')` says where the member comes from.
    root = _write(tmp_path, {
        "package.json": _MANIFEST,
        "app.js": _ROUTES.replace("{model}", "Invoice"),
        "models/db.js": _SEQUELIZE_CONN,
        "models/index.js": "const db = require('./db');\nexports.db = db;\nexports.Account = require('./account');\nexports.Invoice = require('./invoice');\n",
        "models/account.js": _SQL_MODEL,
        "models/invoice.js": _MONGO_MODEL,
    })
    found = _findings(root, "NW113")
    assert _keys(found) == {("NW113", "app.js", 6)}
    assert found[0].confidence == Confidence.HIGH


def test_es_re_export_of_a_mongoose_model_beside_sequelize(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        "package.json": _MANIFEST,
        "app.js": _ROUTES.replace("{model}", "Invoice"),
        "models/db.js": _SEQUELIZE_CONN,
        "models/index.js": "import { Sequelize } from 'sequelize';\nexport const audit = new Sequelize(process.env.AUDIT_URL);\nexport { default as Account } from './account';\nexport { default as Invoice } from './invoice';\n",
        "models/account.js": _SQL_MODEL,
        "models/invoice.js": _MONGO_MODEL,
    })
    assert _keys(_findings(root, "NW113")) == {("NW113", "app.js", 6)}


def test_sql_member_re_exported_by_name_stays_dropped(tmp_path: Path) -> None:
    # Negative: the member used is the Sequelize model; a MongoDB cache imported by the same
    # index does not make it a MongoDB model.
    root = _write(tmp_path, {
        "package.json": _MANIFEST,
        "app.js": _ROUTES.replace("{model}", "Account"),
        "models/db.js": _SEQUELIZE_CONN,
        "models/index.js": "exports.cache = require('./cache');\nexports.Account = require('./account');\n",
        "models/account.js": _SQL_MODEL,
        "models/cache.js": _MONGO_CACHE,
    })
    assert _findings(root, "NW113") == []


def test_unnamed_re_export_beside_a_mongo_module_is_unknown_not_sql(tmp_path: Path) -> None:
    # `module.exports = { Account, Invoice }` does not say which module a member comes from:
    # with a mongoose module among the imports, the SQL verdict of the index is not enough.
    root = _write(tmp_path, {
        "package.json": _MANIFEST,
        "app.js": _ROUTES.replace("{model}", "Invoice"),
        "models/index.js": "const { Sequelize } = require('sequelize');\nconst db = new Sequelize(process.env.SQL_URL);\nconst Account = require('./account')(db);\nconst Invoice = require('./invoice');\nmodule.exports = { db, Account, Invoice };\n",
        "models/account.js": "const { DataTypes } = require('sequelize');\nmodule.exports = (db) => db.define('Account', { number: DataTypes.STRING });\n",
        "models/invoice.js": _MONGO_MODEL,
    })
    assert _keys(_findings(root, "NW113")) == {("NW113", "app.js", 6)}


def test_sql_only_index_stays_dropped(tmp_path: Path) -> None:
    # Negative: every module below the index is built on Sequelize.
    root = _write(tmp_path, {
        "package.json": _MANIFEST,
        "app.js": _ROUTES.replace("{model}", "Account"),
        "models/index.js": "const { Sequelize } = require('sequelize');\nconst db = new Sequelize(process.env.SQL_URL);\nconst Account = require('./account')(db);\nmodule.exports = { db, Account };\n",
        "models/account.js": "const { DataTypes } = require('sequelize');\nmodule.exports = (db) => db.define('Account', { number: DataTypes.STRING });\n",
    })
    assert _findings(root, "NW113") == []


# --------------------------------------------------------------------------- NW116 redirects

_HEAD = """\
const express = require('express');
const app = express();
const HOME = 'https://portal.example.net/';
"""


def _redirects(root: Path, body: str) -> set[tuple[str, str, int]]:
    _write(root, {"server.js": _HEAD + body + "app.listen(8080);\n"})
    return _keys(_findings(root, "NW116"))


def test_either_of_two_checks_does_not_pin_when_one_allows_any_host(tmp_path: Path) -> None:
    # `//evil.example` passes `startsWith('/')`: the `||` proves neither check.
    found = _redirects(tmp_path, """\
app.get('/continue', (req, res) => {
  const target = req.query.target || '';
  if (target.startsWith(HOME) || target.startsWith('/')) {
    res.redirect(target);
  } else {
    res.redirect('/');
  }
});
""")
    assert found == {("NW116", "server.js", 7)}


def test_negated_and_of_checks_lets_the_unchecked_side_through(tmp_path: Path) -> None:
    # `!(a && b)` failing proves both; `!a && !b` failing (the mirror of `||`) proves neither.
    found = _redirects(tmp_path, """\
app.get('/continue', (req, res) => {
  const target = String(req.query.target);
  if (!target.startsWith(HOME) && !target.includes('.')) return res.redirect('/');
  res.redirect(target);
});
""")
    assert found == {("NW116", "server.js", 7)}


def test_every_side_of_or_pins_the_target(tmp_path: Path) -> None:
    # Negative: both sides fix the host (the site itself or one path segment).
    found = _redirects(tmp_path, """\
app.get('/continue', (req, res) => {
  const target = String(req.query.target);
  if (target.startsWith(HOME) || target.startsWith('/account/')) {
    return res.redirect(target);
  }
  if (!(req.query.back.startsWith(HOME) || req.query.back.startsWith('/help/'))) return res.redirect('/');
  res.redirect(req.query.back);
});
""")
    assert found == set()


def test_and_of_checks_pins_in_its_branch(tmp_path: Path) -> None:
    # Negative: `a && b` true proves a; the failing branch leaving pins after the `if`.
    found = _redirects(tmp_path, """\
app.get('/continue', (req, res) => {
  const target = String(req.query.target);
  if (target.length < 200 && target.startsWith(HOME)) {
    return res.redirect(target);
  }
  if (!target.startsWith(HOME) || target.includes('\\\\')) return res.redirect('/');
  res.redirect(target);
});
""")
    assert found == set()


def test_fragment_decoded_after_cutting_the_hash_is_an_open_redirect(tmp_path: Path) -> None:
    found = _redirects(tmp_path, """\
app.use((req, res, next) => {
  const { pathname, search } = new URL(req.originalUrl, 'http://localhost');
  if (pathname === '/bounce') return res.redirect(decodeURIComponent(search.substring(1)));
  next();
});
""")
    assert found == {("NW116", "server.js", 6)}


def test_search_kept_whole_stays_on_the_site(tmp_path: Path) -> None:
    # Negative: `?x=1` / `#top` as they are cannot leave the site, alone or after a path.
    found = _redirects(tmp_path, """\
app.use((req, res, next) => {
  const u = new URL(req.originalUrl, 'http://localhost');
  if (u.pathname === '/old-search') return res.redirect('/search' + u.search);
  if (u.pathname === '/anchor') return res.redirect(u.hash);
  next();
});
""")
    assert found == set()


def test_query_string_of_own_url_in_literal_route_is_an_open_redirect(tmp_path: Path) -> None:
    found = _redirects(tmp_path, """\
app.get('/sso/finish', (req, res) => {
  const [, query] = req.originalUrl.split('?');
  res.redirect(new URLSearchParams(query).get('return'));
});
app.get('/sso/back', (req, res) => {
  res.redirect(req.url.split('?')[1].replace('return=', ''));
});
""")
    assert found == {("NW116", "server.js", 6), ("NW116", "server.js", 9)}


def test_path_of_own_url_in_literal_route_stays_dropped(tmp_path: Path) -> None:
    # Negative: the route match fixes where the path starts (`/docs/...`).
    found = _redirects(tmp_path, """\
app.get('/docs/:page', (req, res) => {
  const [path] = req.originalUrl.split('?');
  if (!path.endsWith('/')) return res.redirect(path + '/');
  res.redirect(req.url.split('?')[0].replace('/docs', '/manual'));
});
""")
    assert found == set()


def test_parameter_read_from_url_search_params_is_an_open_redirect(tmp_path: Path) -> None:
    found = _redirects(tmp_path, """\
app.post('/relay', express.urlencoded({ extended: false }), (req, res) => {
  const form = new URLSearchParams(req.body);
  res.redirect(form.get('continue'));
});
""")
    assert found == {("NW116", "server.js", 6)}


def test_serialized_url_search_params_stay_on_the_site(tmp_path: Path) -> None:
    # Negative: the serialized form percent-encodes `/` and `:`; a relative target keeps the host.
    found = _redirects(tmp_path, """\
app.post('/relay', express.urlencoded({ extended: false }), (req, res) => {
  res.redirect(303, `./relay/done?${new URLSearchParams(req.body)}`);
});
app.post('/relay2', express.urlencoded({ extended: false }), (req, res) => {
  res.redirect('./relay/done?' + new URLSearchParams(req.body).toString());
});
""")
    assert found == set()


def test_empty_target_or_pinned_target_stays_on_the_site(tmp_path: Path) -> None:
    # Negative: after `if (next && !next.startsWith(HOME)) return`, `next` is empty or pinned.
    found = _redirects(tmp_path, """\
app.get('/continue', (req, res) => {
  const next = req.query.next;
  if (next && !next.startsWith(HOME)) return res.status(400).end();
  res.redirect(next || '/');
});
app.get('/again', (req, res) => {
  const next = req.query.next;
  if (!next || next.startsWith(HOME)) {
    return res.redirect(next || '/');
  }
  res.redirect('/');
});
""")
    assert found == set()


def test_truthiness_alone_does_not_pin(tmp_path: Path) -> None:
    # `if (next || next.startsWith(HOME))` true proves nothing about where `next` goes.
    found = _redirects(tmp_path, """\
app.get('/continue', (req, res) => {
  const next = req.query.next;
  if (next || next.startsWith(HOME)) {
    return res.redirect(next);
  }
  res.redirect('/');
});
""")
    assert found == {("NW116", "server.js", 7)}


def test_query_parameter_beside_the_path_in_one_target_is_reported(tmp_path: Path) -> None:
    # The path and a query parameter reach the same redirect: the query one is the flow kept.
    found = _redirects(tmp_path, """\
app.get('/sso/pick', (req, res) => {
  const [path, query] = req.originalUrl.split('?');
  const params = new URLSearchParams(query);
  res.redirect(params.has('next') ? params.get('next') : path + '/');
});
""")
    assert found == {("NW116", "server.js", 7)}


def test_query_string_appended_after_the_path_stays_dropped(tmp_path: Path) -> None:
    # Negative: the trailing-slash idiom puts the query string back after the route's path.
    found = _redirects(tmp_path, """\
app.get('/guides/:slug', (req, res) => {
  const [path, query] = req.originalUrl.split('?');
  if (!path.endsWith('/')) return res.redirect(path + '/' + (query ? '?' + query : ''));
  res.redirect(`${path}index.html?${query}`);
});
""")
    assert found == set()
