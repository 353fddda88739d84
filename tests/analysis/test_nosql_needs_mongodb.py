"""NW113 needs a MongoDB-style query engine: `findOne({ secret: key })` on Bookshelf or Sequelize
cannot take `$ne` operators from a request object."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.analysis.helpers import app_findings, scan_app

HANDLER = """\
const express = require('express');
const models = require('./models');
const app = express();
app.get('/content', async (req, res) => {
  const key = req.query.key;
  const found = await models.ApiKey.findOne({ secret: key });
  res.json(found);
});
module.exports = app;
"""


def _project(tmp: Path, deps: dict[str, str] | None, models: str) -> Path:
    if deps is not None:
        (tmp / "package.json").write_text(json.dumps({"name": "svc", "dependencies": {"express": "^4.21.2", **deps}}))
    (tmp / "app.js").write_text(HANDLER)
    (tmp / "models.js").write_text(models)
    return tmp


BOOKSHELF = "const bookshelf = require('bookshelf')(require('knex')({ client: 'mysql' }));\nexports.ApiKey = bookshelf.model('ApiKey', { tableName: 'api_keys' });\n"
MONGOOSE = "const mongoose = require('mongoose');\nexports.ApiKey = mongoose.model('ApiKey', new mongoose.Schema({ secret: String }));\n"
UNKNOWN = "exports.ApiKey = require('./db-client').model('ApiKey');\n"


@pytest.mark.parametrize(
    ("deps", "models", "expected"),
    [
        ({"bookshelf": "^1.2.0", "knex": "^3.1.0"}, BOOKSHELF, set()),
        ({"mongoose": "^8.9.0"}, MONGOOSE, {("NW113", "app.js", 6)}),
        # Declared but used through a wrapper the scan cannot see: still reported.
        ({"mongodb": "^6.12.0"}, UNKNOWN, {("NW113", "app.js", 6)}),
        # No manifest at all: nothing says which database this is, so the flow is kept.
        (None, UNKNOWN, {("NW113", "app.js", 6)}),
    ],
)
def test_nosql_injection_only_where_a_mongodb_client_is_used(tmp_path: Path, deps: dict[str, str] | None, models: str, expected: set[tuple[str, str, int]]) -> None:
    result = scan_app(_project(tmp_path, deps, models))
    assert {f for f in app_findings(result) if f[0] == "NW113"} == expected
