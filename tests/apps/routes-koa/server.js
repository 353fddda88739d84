const Koa = require('koa');
const Router = require('@koa/router');
const bodyParser = require('koa-bodyparser');
const helmet = require('koa-helmet');
const jwt = require('koa-jwt');

const app = new Koa();
const publicRouter = new Router();
const api = new Router({ prefix: '/api' });

app.use(helmet());
app.use(bodyParser());

publicRouter.get('/status', (ctx) => {
  ctx.body = { ok: true };
});

api.use(jwt({ secret: process.env.JWT_SECRET }));

api.get('/items', async (ctx) => {
  ctx.body = [];
});

api.post('/items', async (ctx) => {
  ctx.status = 201;
  ctx.body = { name: ctx.request.body.name };
});

app.use(publicRouter.routes());
app.use(api.routes()).use(api.allowedMethods());

app.listen(3000);
