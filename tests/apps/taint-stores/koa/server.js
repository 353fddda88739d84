// An archive service on Koa: middleware keep per-request values in ctx.state.
const Koa = require('koa');
const Router = require('@koa/router');
const bodyParser = require('koa-bodyparser');
const { exec } = require('child_process');
const db = require('./db');
const archiveOptions = require('./middleware/archive-options');

const app = new Koa();
const router = new Router({ prefix: '/archive' });

app.use(bodyParser());
app.use(async (ctx, next) => {
  ctx.state.search = ctx.query.q;
  ctx.state.limit = Number(ctx.query.limit) || 50;
  await next();
});
app.use(archiveOptions);

router.get('/items', async (ctx) => {
  // ruleid: NW112
  ctx.body = await db.query("SELECT * FROM items WHERE name LIKE '%" + ctx.state.search + "%'");
});

router.get('/recent', async (ctx) => {
  // ok: NW112
  ctx.body = await db.query('SELECT * FROM items ORDER BY created DESC LIMIT ' + ctx.state.limit);
});

router.post('/export', async (ctx) => {
  // ruleid: NW110
  exec('tar czf /tmp/export.tgz ' + ctx.state.folder);
  ctx.status = 202;
});

router.post('/export-fixed', async (ctx) => {
  // ok: NW110
  exec('tar czf /tmp/export.tgz ' + ctx.state.format);
  ctx.status = 202;
});

router.get('/whoami', async (ctx) => {
  // ok: NW210
  ctx.body = `<p>${ctx.state.label}</p>`;
});

app.use(router.routes());

module.exports = app;
