'use strict';

const express = require('express');

module.exports = function createSearch() {
  // ok: NW401
  const search = express();
  search.disable('x-powered-by');
  search.get('/', (req, res) => res.json({ hits: [] }));
  return search;
};
