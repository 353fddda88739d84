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
