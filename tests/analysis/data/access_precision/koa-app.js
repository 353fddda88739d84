'use strict';
// A Koa admin companion: sessions of the signed-in user.
const Koa = require('koa');
const Router = require('@koa/router');
const sessions = require('./tokens');

const app = new Koa();
const router = new Router();

async function requireAuth(ctx, next) {
  if (!ctx.state.user) ctx.throw(401);
  await next();
}

router.get('/sessions', requireAuth, async (ctx) => {
  ctx.body = await sessions.list(ctx.state.user.id);
});

// ok: NW513
router.delete('/sessions/:sid', requireAuth, async (ctx) => {
  const user = ctx.state.user;
  await sessions.removeSession(user.id, ctx.params.sid);
  ctx.status = 204;
});

// ruleid: NW513
router.delete('/devices/:id', requireAuth, async (ctx) => {
  await sessions.removeDevice(ctx.params.id);
  ctx.status = 204;
});

// A kiosk unlock form: checks the posted code and stores who is signed in.
// ruleid: NW510
router.post('/unlock', async (ctx) => {
  const member = await sessions.memberForCode(String(ctx.request.body.code));
  if (!member) ctx.throw(401);
  ctx.session.memberId = member.id;
  ctx.status = 204;
});

app.use(router.routes());
app.listen(3001, '127.0.0.1');
