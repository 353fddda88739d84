'use strict';
const express = require('express');
const ApiRouter = require('./routes');
const { register, secured } = require('./lib/register');
const services = require('./services');

const config = { name: 'inventory' };
const app = express();
app.use(express.json());
app.use((req, res, next) => {
  req.user = services.sessions.userFor(req.get('authorization'));
  next();
});

app.use('/api', new ApiRouter(config, services).router);

const hooks = express.Router();

async function syncStock(req, res) {
  await services.reports.sync(req.body.warehouse, req.body.counts);
  res.status(204).end();
}

async function clearCache(req, res) {
  await services.reports.clear(req.params.key);
  res.status(204).end();
}

// ruleid: NW511
register(hooks, 'post', '/stock-sync', syncStock);
// ok: NW511
secured(hooks, 'delete', '/cache/:key', clearCache);
app.use('/hooks', hooks);

app.listen(3000);
