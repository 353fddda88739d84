'use strict';

const express = require('express');
const subscriptions = require('../lib/notes');

const router = express.Router();

router.post('/:account/portal', async (req, res) => {
  const found = await subscriptions.get(String(req.body.subscription_id));
  if (!found.authorEmail) {
    res.writeHead(404, { 'Content-Type': 'text/plain;charset=UTF-8' });
    // ok: NW210
    return res.end(`No subscription ${req.body.subscription_id}`);
  }
  return res.json({ url: '/portal' });
});

router.post('/:account/receipt', (req, res) => {
  res.writeHead(200, { 'Cache-Control': 'no-store' });
  // ruleid: NW210
  res.end(`<p>Receipt for ${req.body.name}</p>`);
});

module.exports = router;
