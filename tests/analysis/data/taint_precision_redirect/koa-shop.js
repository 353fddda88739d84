const Koa = require('koa');

const app = new Koa();

// Behind the TLS proxy: send plain-HTTP visitors to the same page over HTTPS.
app.use(async (ctx, next) => {
  if (ctx.protocol !== 'https') {
    // ok: NW116
    return ctx.redirect('https://' + ctx.hostname + ctx.originalUrl);
  }
  await next();
});

// Collections are directories: `/sale` -> `/sale/`, but `//evil.example` -> `//evil.example/`.
app.use(async (ctx, next) => {
  if (!ctx.path.endsWith('/')) {
    // ruleid: NW116
    return ctx.redirect(ctx.path + '/');
  }
  await next();
});

module.exports = app;
