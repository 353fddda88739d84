'use strict';
// A Webmention receiver (W3C): other sites post `source` and `target`, unauthenticated by
// protocol; the router throttles it, as public endpoints are.
const express = require('express');
const rateLimit = require('express-rate-limit');
const store = require('./notes');

const router = express.Router();
router.use(rateLimit({ windowMs: 60 * 1000, limit: 30 }));

// ruleid: NW511
router.post('/receive', express.urlencoded({ extended: false }), (req, res) => {
  store.queueMention(String(req.body.source), String(req.body.target));
  res.status(202).end();
});

module.exports = router;
