'use strict';
// A deliberately insecure Express app for nodeward's probe tests. Every weakness
// `nodeward probe` looks for is here on purpose; it listens on 127.0.0.1 only.
//
// Environment (set by the test): HTTP_PORT, HTTPS_PORT, TLS_KEY, TLS_CERT (PEM paths),
// SITE_ROOT (a folder served as-is, dotfiles included: the classic "served the project
// root" mistake that exposes .env, .git and package.json).
const fs = require('fs');
const http = require('http');
const https = require('https');
const path = require('path');
const crypto = require('crypto');
const express = require('express');
const rateLimit = require('express-rate-limit');
const serveIndex = require('serve-index');

const siteRoot = process.env.SITE_ROOT || __dirname;
const app = express();
app.set('trust proxy', true);

// Weak or missing headers: CSP that allows inline and eval scripts from anywhere,
// the legacy XSS auditor turned on, a referrer policy that leaks full URLs.
app.use((req, res, next) => {
  res.set('Content-Security-Policy', "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval' *");
  res.set('X-XSS-Protection', '1; mode=block');
  res.set('Referrer-Policy', 'unsafe-url');
  if (req.secure) res.set('Strict-Transport-Security', 'max-age=86400');
  next();
});

// CORS that trusts whatever Origin asks, with credentials.
app.use((req, res, next) => {
  const origin = req.get('Origin');
  if (origin) {
    res.set('Access-Control-Allow-Origin', origin);
    res.set('Access-Control-Allow-Credentials', 'true');
    res.set('Vary', 'Origin');
  }
  if (req.method === 'OPTIONS') {
    res.set('Access-Control-Allow-Methods', 'GET,POST,PUT,DELETE');
    res.set('Access-Control-Allow-Headers', req.get('Access-Control-Request-Headers') || 'Content-Type');
    return res.sendStatus(204);
  }
  next();
});

// TRACE echoes the request back (cookies and auth headers included).
app.trace('*', (req, res) => {
  const lines = [`${req.method} ${req.originalUrl} HTTP/${req.httpVersion}`];
  for (const [k, v] of Object.entries(req.headers)) lines.push(`${k}: ${v}`);
  res.type('message/http').send(lines.join('\r\n') + '\r\n');
});

app.use(express.json());
app.use(express.urlencoded({ extended: false }));

// A session cookie without HttpOnly, Secure or SameSite.
app.use((req, res, next) => {
  if (!/(?:^|;\s*)sid=/.test(req.get('Cookie') || '')) {
    res.append('Set-Cookie', `sid=${crypto.randomBytes(16).toString('hex')}; Path=/`);
  }
  next();
});

app.get('/', (req, res) => {
  res.type('html').send(`<!doctype html>
<html><head><title>Acme Payments</title><script src="/static/app.js"></script></head>
<body>
  <h1>Send money</h1>
  <form method="post" action="/transfer">
    <input name="to"> <input name="amount"> <button>Send</button>
  </form>
  <a href="/login">Sign in</a>
</body></html>`);
});

app.get('/login', (req, res) => {
  res.type('html').send(`<!doctype html><html><body>
  <form method="POST" action="/login"><input name="user"><input name="password" type="password"><button>Sign in</button></form>
  </body></html>`);
});

// No rate limit at all on the login form.
app.post('/login', (req, res) => {
  const { user, password } = req.body || {};
  if (user === 'admin' && password === 'correct horse battery staple') return res.redirect('/');
  res.status(401).send('Invalid user or password');
});

// A limiter keyed on X-Forwarded-For: every spoofed address gets a fresh budget.
const apiLoginLimiter = rateLimit({
  windowMs: 15 * 60 * 1000,
  limit: 3,
  standardHeaders: 'draft-7',
  legacyHeaders: false,
  validate: false,
  keyGenerator: (req) => req.get('X-Forwarded-For') || req.socket.remoteAddress,
});
app.post('/api/login', apiLoginLimiter, (req, res) => {
  res.status(401).json({ error: 'invalid credentials' });
});

app.post('/transfer', (req, res) => {
  res.send(`Sent ${Number(req.body.amount) || 0} to ${String(req.body.to || '').replace(/[^a-z0-9]/gi, '')}`);
});

app.get('/boom', () => {
  throw new Error('database connection failed');
});

// Directory listings of the static folder, and the whole project root served with dotfiles.
app.use('/static', serveIndex(path.join(siteRoot, 'static')));
app.use(express.static(siteRoot, { dotfiles: 'allow' }));

// No custom 404 or error handler: Express's defaults print "Cannot GET /x" and, outside
// production, the full stack trace.

const host = '127.0.0.1';
const httpServer = http.createServer(app).listen(Number(process.env.HTTP_PORT || 0), host, () => {
  console.log(`http listening on ${httpServer.address().port}`);
});
if (process.env.HTTPS_PORT) {
  const httpsServer = https
    .createServer(
      {
        key: fs.readFileSync(process.env.TLS_KEY),
        cert: fs.readFileSync(process.env.TLS_CERT),
        // Accept TLS 1.0 and 1.1, which Node turns off by default.
        minVersion: 'TLSv1',
        ciphers: 'DEFAULT:@SECLEVEL=0',
      },
      app,
    )
    .listen(Number(process.env.HTTPS_PORT), host, () => {
      console.log(`https listening on ${httpsServer.address().port}`);
    });
}
