'use strict';

const path = require('path');
const Koa = require('koa');
const serve = require('koa-static');
const { run } = require('./jobs');

const app = new Koa();
// The install folder comes from the environment; the assets folder is the project's `assets/`.
app.use(serve(path.resolve(process.env.BOARD_HOME || '.', 'assets')));
app.use(async (ctx) => {
  ctx.body = await run(process.env.BOARD_JOB || 'daily');
});
app.listen(8080);
