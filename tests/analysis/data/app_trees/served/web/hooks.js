'use strict';

const express = require('express');
const mountAt = require('../lib/mount');

// Payment-provider callbacks: a sub-app of their own, mounted by the project's helper.
module.exports = function mountHooks(parent) {
  // ok: NW401
  const hooksApp = express();
  hooksApp.disable('x-powered-by');
  hooksApp.post('/payment', (req, res) => res.status(202).end());
  mountAt(parent, '/hooks', hooksApp);
};
