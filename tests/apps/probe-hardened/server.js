'use strict';
// A hardened Express app for nodeward's probe tests: helmet 8 defaults, a secure session
// cookie, a rate limit on login, CSRF tokens in forms, generic JSON errors, HTTP->HTTPS
// redirect and TLS 1.2+. The probe must report nothing but the grade on it.
//
// Environment (set by the test): HTTP_PORT, HTTPS_PORT, TLS_KEY, TLS_CERT, SESSION_SECRET.
const fs = require('fs');
const http = require('http');
const https = require('https');
const crypto = require('crypto');
const express = require('express');
const helmet = require('helmet');
const session = require('express-session');
const rateLimit = require('express-rate-limit');

const app = express();
app.disable('x-powered-by');
app.use(helmet());
app.use((req, res, next) => {
  res.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
  next();
});
app.use(express.json({ limit: '10kb' }));
app.use(express.urlencoded({ extended: false, limit: '10kb' }));
app.use(
  session({
    name: '__Host-sid',
    secret: process.env.SESSION_SECRET || crypto.randomBytes(32).toString('hex'),
    resave: false,
    saveUninitialized: true,
    cookie: { httpOnly: true, secure: true, sameSite: 'lax', path: '/' },
  }),
);

function csrfToken(req) {
  if (!req.session.csrf) req.session.csrf = crypto.randomBytes(24).toString('hex');
  return req.session.csrf;
}

function checkCsrf(req, res, next) {
  const sent = String((req.body && req.body._csrf) || req.get('X-CSRF-Token') || '');
  const want = req.session.csrf || '';
  if (!want || sent.length !== want.length || !crypto.timingSafeEqual(Buffer.from(sent), Buffer.from(want))) {
    return res.status(403).json({ error: 'forbidden' });
  }
  next();
}

app.get('/', (req, res) => {
  res.type('html').send(`<!doctype html>
<html><head><title>Acme Payments</title><script src="/static/app.js"></script></head>
<body>
  <form method="post" action="/transfer">
    <input type="hidden" name="_csrf" value="${csrfToken(req)}">
    <input name="to"> <input name="amount"> <button>Send</button>
  </form>
</body></html>`);
});

app.get('/static/app.js', (req, res) => {
  res.type('application/javascript').send("document.title = 'Acme';\n");
});

app.get('/login', (req, res) => {
  res.type('html').send(`<!doctype html><html><body>
  <form method="post" action="/login"><input type="hidden" name="_csrf" value="${csrfToken(req)}">
  <input name="user"><input name="password" type="password"><button>Sign in</button></form></body></html>`);
});

const loginLimiter = rateLimit({ windowMs: 15 * 60 * 1000, limit: 5, standardHeaders: 'draft-7', legacyHeaders: false });
app.post('/login', loginLimiter, (req, res) => {
  res.status(401).json({ error: 'invalid credentials' });
});

app.post('/transfer', checkCsrf, (req, res) => {
  res.json({ ok: true });
});

app.use((req, res) => {
  res.status(404).json({ error: 'not found' });
});

// Generic errors: log the details server-side, send nothing but a status to the client.
app.use((err, req, res, next) => {
  const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
  if (status >= 500) console.error(err);
  res.status(status).json({ error: status === 500 ? 'internal error' : 'bad request' });
});

const host = '127.0.0.1';
const httpsPort = Number(process.env.HTTPS_PORT);
const redirect = http.createServer((req, res) => {
  const target = `https://${host}:${httpsPort}${req.url.startsWith('/') ? req.url : '/'}`;
  res.writeHead(301, { Location: target, 'Content-Type': 'text/plain' });
  res.end('Moved Permanently\n');
});
redirect.listen(Number(process.env.HTTP_PORT || 0), host, () => {
  console.log(`http listening on ${redirect.address().port}`);
});
// Mozilla's "intermediate" TLS 1.2 suites (AEAD with forward secrecy only). Node's default list
// also accepts CBC and static-RSA suites (its `HIGH` entry), which the probe reports.
const INTERMEDIATE_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305',
  'DHE-RSA-AES128-GCM-SHA256', 'DHE-RSA-AES256-GCM-SHA384',
].join(':');
const tlsOptions = {
  key: fs.readFileSync(process.env.TLS_KEY),
  cert: fs.readFileSync(process.env.TLS_CERT),
  minVersion: 'TLSv1.2',
  ciphers: INTERMEDIATE_CIPHERS,
};
const server = https
  .createServer(tlsOptions, app)
  .listen(httpsPort, host, () => {
    console.log(`https listening on ${server.address().port}`);
  });
