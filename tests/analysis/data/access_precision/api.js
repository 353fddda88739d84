'use strict';
// The notes API router: throttled as a whole, authenticated route by route.
const express = require('express');
const rateLimit = require('express-rate-limit');
const notes = require('./notes');

function requireApiKey(req, res, next) {
  if (!notes.validKey(req.get('x-api-key'))) return res.status(401).end();
  next();
}

const api = express.Router();
api.use(rateLimit({ windowMs: 60 * 1000, limit: 600 }));
api.get('/notes', requireApiKey, (req, res) => res.json(notes.list()));
// The limiter throttles the whole API: this route simply lost its guard (medium).
// ruleid: NW511
api.post('/notes', (req, res) => res.status(201).json(notes.add(String(req.body.text))));

module.exports = api;
