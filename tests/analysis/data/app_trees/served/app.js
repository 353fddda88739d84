'use strict';

// The shop's root app: bin/www.js serves it.  Every other app of the project is mounted below
// it, directly, through vhost() or through the project's own mount helper, so the missing
// security headers are one gap, reported once, here.
const express = require('express');
const vhost = require('vhost');
const { requireStaff } = require('./lib/guards');
const createShop = require('./web/shop');
const mountHooks = require('./web/hooks');

// ruleid: NW401
const app = express();
app.disable('x-powered-by');
app.use(express.json({ limit: '100kb' }));

// The back office answers on its own host name, behind the staff check.
// ok: NW401
const admin = express();
admin.disable('x-powered-by');
admin.get('/orders', (req, res) => res.json([]));
admin.delete('/orders/:id', (req, res) => res.status(204).end());
app.use(requireStaff, vhost('admin.shop.test', admin));

app.use('/shop', createShop());
mountHooks(app);

app.use((err, req, res, next) => {
  res.status(500).json({ error: 'internal error' });
});

module.exports = app;
