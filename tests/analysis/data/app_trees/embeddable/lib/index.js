'use strict';

// A library: the embedding server mounts these apps (`app.use('/status', statusPage())`) and
// its own middleware sets the headers.  Nothing here listens.
const express = require('express');
const createAdminApi = require('./admin-api');

function statusPage(options = {}) {
  // ruleid: NW401
  const page = express();
  page.get('/', (req, res) => res.type('html').send(`<h1>${options.title || 'Status'}</h1>`));
  page.use('/admin', createAdminApi(options));
  return page;
}

function healthApp() {
  // ok: NW401
  const health = express();
  health.get('/healthz', (req, res) => res.json({ ok: true }));
  return health;
}

module.exports = { statusPage, healthApp };
