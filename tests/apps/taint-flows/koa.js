// Koa and Fastify sources, websocket messages and the remaining sink kinds.
const Koa = require('koa');
const Router = require('@koa/router');
const fastify = require('fastify')();
const fs = require('fs/promises');
const got = require('got');
const { WebSocketServer } = require('ws');

const app = new Koa();
const router = new Router();

router.get('/hello', (ctx) => {
  // ruleid: NW210
  ctx.body = '<b>' + ctx.query.name + '</b>';
});

router.get('/away', (ctx) => {
  // ruleid: NW116
  ctx.redirect(ctx.query.next);
});

router.post('/settings', (ctx) => {
  const settings = {};
  const { section, key, value } = ctx.request.body;
  // ruleid: NW650
  settings[section][key] = value;
  ctx.body = { ok: true };
});

router.get('/json', (ctx) => {
  // ok: NW210
  ctx.body = { name: ctx.query.name };
});

app.use(router.routes());

fastify.get('/file', async (request) => {
  // ruleid: NW114
  return fs.readFile(request.query.path, 'utf8');
});

fastify.get('/proxy', async (request) => {
  // ruleid: NW115
  const r = await got(request.query.url);
  return r.body;
});

fastify.get('/grep', async (request) => {
  // ruleid: NW651
  const re = new RegExp(request.query.pattern);
  return { match: re.test('abc') };
});

const wss = new WebSocketServer({ port: 8080 });
wss.on('connection', (socket) => {
  socket.on('message', (message) => {
    // ruleid: NW111
    socket.send(String(eval(message.toString())));
  });
});

fastify.get('/where', async (request) => {
  const Note = require('./lib/note-model');
  // ruleid: NW113
  return Note.find({ $where: "this.owner == '" + request.query.owner + "'" });
});

fastify.get('/avatar', async (request) => {
  // ok: NW115
  const r = await got(`https://avatars.example.com/u/${request.query.id}.png`);
  return r.body;
});

router.get('/back', (ctx) => {
  // ok: NW116
  ctx.redirect('/items/' + ctx.query.id);
});

fastify.get('/page', async (request, reply) => {
  // ruleid: NW210
  reply.type('text/html').send('<h1>' + request.query.title + '</h1>');
});

fastify.get('/text', async (request, reply) => {
  // ok: NW210
  reply.send('<h1>' + request.query.title + '</h1>');
});
