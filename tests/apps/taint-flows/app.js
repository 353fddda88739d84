// Taint fixtures: `// ruleid: NWxxx` marks the next line as a finding, `// ok: NWxxx` as none.
const express = require('express');
const axios = require('axios');
const escapeHtml = require('escape-html');
const validator = require('validator');
const { exec } = require('child_process');
const { searchNotes } = require('./services/search');
const FileService = require('./services/file-service');
const { lookupTarget } = require('./lib/targets');

const app = express();
app.use(express.json());

// Through 3 files and a helper: app.js -> services/search.js -> lib/db.js (finding at the sink).
app.get('/search', (req, res) => {
  searchNotes(req.query.term).then((rows) => res.json(rows));
});

// Destructuring.
app.get('/fetch', async (req, res) => {
  const { host, port } = req.query;
  // ruleid: NW115
  const page = await axios.get(`http://${host}:${port}/status`);
  res.json(page.data);
});

// Template literal into a shell command.
app.get('/ls', (req, res) => {
  const dir = req.query.dir;
  // ruleid: NW110
  exec(`ls -la ${dir}`, (err, out) => res.json({ out }));
});

// A .then callback receives the tainted value.
app.get('/echo', (req, res) => {
  Promise.resolve(req.query.msg).then((msg) => {
    // ruleid: NW210
    res.send('<p>' + msg + '</p>');
  });
});

// A class method in another file.
app.get('/files/:name', (req, res) => {
  const files = new FileService('/srv/files');
  files.read(req.params.name, (err, data) => res.end(data));
});

// One sanitizer, two sinks: escaped for HTML, still dangerous in a shell.
app.get('/grep', (req, res) => {
  const pattern = escapeHtml(req.query.q);
  // ok: NW210
  res.send('<pre>' + pattern + '</pre>');
  // ruleid: NW110
  exec('grep -r ' + pattern + ' /srv/logs');
});

// Object property one level deep.
app.post('/run', (req, res) => {
  const job = {};
  job.command = req.body.command;
  // ruleid: NW110
  exec(job.command);
  res.end();
});

// async/await through an imported helper that returns its argument.
app.get('/out', async (req, res) => {
  const target = await lookupTarget(req.query.to);
  // ruleid: NW116
  res.redirect(target);
});

// Flows that must not be reported.
app.get('/safe/constant', (req, res) => {
  // ok: NW110
  exec('ls /tmp', () => res.end());
});

app.get('/safe/int', (req, res) => {
  const pid = parseInt(req.query.pid, 10);
  // ok: NW110
  exec('kill ' + pid, () => res.end());
});

app.get('/safe/validated', (req, res) => {
  const name = req.query.name;
  if (!validator.isAlphanumeric(name)) {
    return res.status(400).end();
  }
  // ok: NW110
  exec('id ' + name, () => res.end());
});

app.get('/safe/nosql', async (req, res) => {
  const Note = require('./lib/note-model');
  // ok: NW113
  res.json(await Note.find({ owner: String(req.query.owner) }));
});

app.get('/safe/params', async (req, res) => {
  const Note = require('./lib/note-model');
  // ok: NW113
  res.json(await Note.findOne({ _id: req.params.id }));
});

module.exports = app;

// Dynamic require, fork and template names chosen by the request.
app.get('/plugin', (req, res) => {
  // ruleid: NW111
  const plugin = require(`./plugins/${req.query.name}`);
  res.json(plugin.describe());
});

app.get('/page', (req, res) => {
  // ruleid: NW114
  res.render(req.query.page);
});

app.get('/page/safe', (req, res) => {
  // ok: NW114
  res.render('page', { title: req.query.title });
});
