const express = require('express');
const helmet = require('helmet');
const path = require('path');
const url = require('url');
const config = require('./config');
const { afterSignIn, rawTarget } = require('./signin');
const { mountShop } = require('./storefront');

const app = express();
app.use(helmet());

const SITE = 'https://shop.example.org';

// Drop a one-off `preview` flag from the address and reload the same page.
function cleanUrl(req) {
  const current = new URL(req.originalUrl, config.siteUrl);
  current.searchParams.delete('preview');
  return `${SITE}${current.pathname}${current.search}${current.hash}`;
}

app.use((req, res, next) => {
  if (req.query.preview) {
    // ok: NW116
    return res.redirect(302, cleanUrl(req));
  }
  next();
});

// Old host names answer with a permanent redirect to the same page on the canonical one.
app.use((req, res, next) => {
  if (req.hostname !== 'shop.example.org') {
    const parsed = new URL(req.originalUrl, config.siteUrl);
    // ok: NW116
    return res.redirect(301, SITE + parsed.pathname + parsed.search);
  }
  next();
});

app.get('/legacy', (req, res) => {
  // `url.parse('@evil.example').pathname` is `@evil.example`: no leading slash.
  const parsed = url.parse(req.query.to || '/');
  // ruleid: NW116
  res.redirect('https://shop.example.org' + parsed.pathname);
});

app.get('/shelf', (req, res) => {
  const target = path.posix.join('/', req.query.shelf || '');
  // ok: NW116
  res.redirect(`https://shop.example.org${target}`);
});

app.use('/old-catalogue', (req, res) => {
  const parsed = new URL(req.originalUrl, config.siteUrl);
  // ok: NW116
  res.redirect(`${config.siteUrl}catalogue${parsed.search}`);
});

app.use((req, res, next) => {
  if (req.query.amp) {
    const parsed = new URL(req.originalUrl, config.siteUrl);
    // A pathname alone can be `//evil.example` (from `/.//evil.example`).
    // ruleid: NW116
    return res.redirect(parsed.pathname);
  }
  next();
});

app.get('/bounce', (req, res) => {
  const parsed = new URL(req.query.next, config.siteUrl);
  // ruleid: NW116
  res.redirect(parsed.href);
});

app.get('/bounce-path', (req, res) => {
  // `/.//evil.example` parses to the pathname `//evil.example`: protocol-relative.
  const parsed = new URL(req.query.next, config.siteUrl);
  // ruleid: NW116
  res.redirect(parsed.pathname + parsed.search);
});

app.get('/bounce-base', (req, res) => {
  // A fixed path on a base the request chooses.
  const parsed = new URL('/welcome', req.query.site);
  // ruleid: NW116
  res.redirect(parsed.href);
});

app.get('/bounce-host', (req, res) => {
  const parsed = url.parse(req.query.next);
  // ruleid: NW116
  res.redirect(`https://${parsed.host}/welcome`);
});

app.get('/bounce-origin', (req, res) => {
  // `@evil.example` after an origin with no slash makes it the user-info part.
  // ruleid: NW116
  res.redirect('https://shop.example.org' + req.query.rest);
});

app.get('/bounce-join', (req, res) => {
  // `path.posix.join('/', '\\evil.example')` is `/\evil.example`: browsers read `//evil.example`.
  // ruleid: NW116
  res.redirect(path.posix.join('/', req.query.to));
});

app.get('/return', (req, res) => {
  const back = req.query.back;
  if (back && back.startsWith(config.siteUrl)) {
    // ok: NW116
    return res.redirect(back);
  }
  res.redirect('/');
});

app.get('/return-home', (req, res) => {
  const home = config.homeUrl();
  if (req.query.back.startsWith(home)) {
    // ok: NW116
    return res.redirect(req.query.back);
  }
  res.redirect(home);
});

app.get('/return-tenant', (req, res) => {
  // The prefix comes from the request: `?base=https://evil.example/&back=https://evil.example/x`.
  const base = config.tenantBase(req);
  if (req.query.back.startsWith(base)) {
    // ruleid: NW116
    return res.redirect(req.query.back);
  }
  res.redirect('/');
});

app.get('/return-guard', (req, res) => {
  const back = req.query.back;
  if (!back.startsWith('https://shop.example.org/')) {
    return res.status(400).send('bad target');
  }
  // ok: NW116
  res.redirect(back);
});

app.get('/return-slash', (req, res) => {
  const back = req.query.back;
  // `//evil.example` starts with `/` too.
  if (!back.startsWith('/')) {
    return res.status(400).send('bad target');
  }
  // ruleid: NW116
  res.redirect(back);
});

app.get('/return-origin', (req, res) => {
  const back = req.query.back;
  // `https://shop.example.org.evil.example` passes this check.
  if (back.startsWith('https://shop.example.org')) {
    // ruleid: NW116
    return res.redirect(back);
  }
  res.redirect('/');
});

app.get('/return-else', (req, res) => {
  const back = req.query.back;
  if (back.startsWith(config.siteUrl)) {
    // ok: NW116
    return res.redirect(back);
  }
  // The check failed here: `back` is whatever the request sent.
  // ruleid: NW116
  res.redirect(back);
});

app.get('/return-logged', (req, res) => {
  const back = req.query.back;
  if (!back.startsWith(config.siteUrl)) {
    console.warn('redirect to another site');
  }
  // ruleid: NW116
  res.redirect(back);
});

app.get('/return-default', (req, res) => {
  let back = req.query.back || '/';
  if (!back.startsWith(config.siteUrl)) {
    back = '/';
  }
  // ok: NW116
  res.redirect(back);
});

app.get('/return-param', (req, res) => {
  if (!req.query.back.startsWith(config.siteUrl)) {
    return res.redirect('/');
  }
  // ok: NW116
  res.redirect(req.query.back);
});

app.get('/out', (req, res) => {
  // ruleid: NW116
  res.writeHead(302, { Location: req.query.url, 'Cache-Control': 'no-store' });
  res.end();
});

app.get('/out-set', (req, res) => {
  // ruleid: NW116
  res.set({ Location: req.query.url }).sendStatus(302);
});

app.post('/wishlist', (req, res) => {
  // A 201's Location names the created resource; browsers do not follow it.
  // ok: NW116
  res.writeHead(201, { Location: req.body.listUrl, 'Content-Type': 'application/json' });
  res.end('{}');
});

app.get('/login-first', (req, res) => {
  // ok: NW116
  res.writeHead(302, { Location: `/login?next=${req.query.next}` });
  res.end();
});

// Directory listings want a trailing slash.  Below a mount point `req.path` is whatever
// follows it: `/files//evil.example` gives `//evil.example`.
app.use('/files', (req, res, next) => {
  if (!req.path.endsWith('/')) {
    // ruleid: NW116
    return res.redirect(301, req.path + '/');
  }
  next();
});

app.get('/docs', (req, res) => {
  // Only `/docs` (any case, with or without the slash) reaches this handler.
  // ok: NW116
  res.redirect(301, req.path + '/');
});

app.get('/signed-in', (req, res) => {
  const url = afterSignIn({ mode: req.query.mode, back: req.query.back, ok: true });
  // ok: NW116
  res.redirect(url);
});

app.get('/signed-in-raw', (req, res) => {
  const url = rawTarget({ mode: 'plain', back: req.query.to });
  // ruleid: NW116
  res.redirect(url);
});

mountShop(app);

module.exports = app;
