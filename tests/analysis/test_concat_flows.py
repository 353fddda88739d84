"""Request data carried through `[].concat(...)` (a common way to accept one value or many)."""

from __future__ import annotations

from pathlib import Path

from tests.analysis.helpers import app_findings, scan_app

APP = """\
const express = require('express');
const app = express();
app.get('/search', (req, res) => {
  const terms = [].concat(req.query.term);
  const hits = terms.map(function (term) {
    return new RegExp(term, 'i').test('catalogue');
  });
  res.json(hits);
});
app.get('/filter', (req, res) => {
  Object.keys(req.query).forEach((key) => {
    [].concat(req.query[key]).forEach((v) => new RegExp(v));
  });
  res.end();
});
app.get('/fixed', (req, res) => {
  const terms = [].concat('alpha', 'beta');
  res.json(terms.map((t) => new RegExp(t).test(req.query.name)));
});
app.get('/greeting', (req, res) => {
  res.send('<p>'.concat(req.query.name, '</p>'));
});
app.listen(3000);
"""


def test_concat_carries_request_data_into_its_result(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_text(APP)
    found = app_findings(scan_app(tmp_path))
    assert {f for f in found if f[0] in ("NW651", "NW210")} == {
        ("NW651", "app.js", 6),
        ("NW651", "app.js", 12),
        ("NW210", "app.js", 21),
    }
