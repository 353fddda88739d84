const express = require('express');
const { exec } = require('child_process');
const db = require('../lib/db');
const { parseTarget, checkedTarget, pageTitle, recordSearch } = require('../middleware/target');

const router = express.Router();

router.get('/', (req, res) => {
  // ruleid: NW112
  db.query('SELECT id, name FROM reports ORDER BY ' + res.locals.sort, (err, rows) => res.json(rows));
});

router.get('/paged', (req, res) => {
  // ok: NW112
  db.query('SELECT id, name FROM reports LIMIT 20 OFFSET ' + (res.locals.page - 1) * 20, (err, rows) => res.json(rows));
});

router.get('/regional', (req, res) => {
  // ok: NW110
  exec('report-export --region ' + res.locals.region, () => res.end());
});

router.post('/ping', parseTarget, (req, res) => {
  // ruleid: NW110
  exec('ping -c 1 ' + res.locals.host, (err, stdout) => res.type('text').send(stdout));
});

router.post('/ping-checked', checkedTarget, (req, res) => {
  // ok: NW110
  exec('ping -c 1 ' + res.locals.host, () => res.end());
});

router.post('/ping-direct', (req, res) => {
  // ok: NW110
  exec('ping -c 1 ' + res.locals.host, () => res.end());
});

router.get('/titled', pageTitle, (req, res) => {
  // ok: NW210
  res.send('<h1>' + res.locals.title + '</h1>');
});

router.get('/titled/go', pageTitle, (req, res) => {
  // ruleid: NW116
  res.redirect(res.locals.title);
});

router.get('/search', recordSearch, (req, res) => {
  res.json({ ok: true });
});

router.get('/last-search', (req, res) => {
  // ruleid: NW210
  res.send('<p>Last search: ' + req.app.locals.lastSearch + '</p>');
});

module.exports = router;
