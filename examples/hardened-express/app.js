const express = require('express');
const helmet = require('helmet');
const session = require('express-session');
const cookieParser = require('cookie-parser');
const cors = require('cors');
const mongoose = require('mongoose');
const escapeHtml = require('escape-html');
const { doubleCsrf } = require('csrf-csrf');

const config = require('./config');
const authRoutes = require('./routes/auth');
const noteRoutes = require('./routes/notes');
const adminRoutes = require('./routes/admin');
const registerFileRoutes = require('./routes/files');

mongoose.connect(config.mongoUrl);

const app = express();
app.disable('x-powered-by');
app.set('trust proxy', config.trustProxy);

app.use(helmet());
app.use(cors({ origin: config.allowedOrigins, credentials: true }));
app.use(express.json({ limit: '100kb' }));
app.use(express.urlencoded({ extended: false, limit: '100kb' }));
app.use(cookieParser(config.cookieSecret));
app.use(
  session({
    secret: config.sessionSecret,
    name: 'acme.sid',
    resave: false,
    saveUninitialized: false,
    cookie: { secure: true, httpOnly: true, sameSite: 'strict', maxAge: 60 * 60 * 1000 },
  })
);

const { doubleCsrfProtection, generateCsrfToken } = doubleCsrf({
  getSecret: () => config.csrfSecret,
  getSessionIdentifier: (req) => req.session.id,
  cookieName: '__Host-acme.x-csrf-token',
  cookieOptions: { sameSite: 'strict', secure: true, httpOnly: true, path: '/' },
});

app.get('/csrf-token', (req, res) => {
  res.json({ csrfToken: generateCsrfToken(req, res) });
});
app.use(doubleCsrfProtection);

app.use('/auth', authRoutes);
app.use('/api/notes', noteRoutes);
app.use('/admin', adminRoutes);
registerFileRoutes(app);

app.get('/', (req, res) => {
  const name = typeof req.query.name === 'string' ? req.query.name : 'guest';
  res.type('html').send('<h1>Welcome back, ' + escapeHtml(name) + '</h1>');
});

const SAFE_REDIRECTS = new Set(['/', '/api/notes', '/auth/me']);
app.get('/go', (req, res) => {
  const target = SAFE_REDIRECTS.has(req.query.next) ? req.query.next : '/';
  res.redirect(target);
});

// Error handler: log the details server-side, send a generic message.
app.use((err, req, res, next) => {
  console.error(`request ${req.method} ${req.originalUrl} failed`, err);
  const status = Number.isInteger(err.status) && err.status >= 400 && err.status < 500 ? err.status : 500;
  res.status(status).json({ error: status === 500 ? 'internal error' : 'bad request' });
});

if (require.main === module) {
  app.listen(config.port, () => {
    console.log(`acme-notes listening on ${config.port}`);
  });
}

module.exports = app;
