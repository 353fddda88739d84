const express = require('express');
const helmet = require('helmet');
const session = require('express-session');
const { csrfSync } = require('csrf-sync');
const api = require('./routes');
const registerHealth = require('./routes/health');

const { csrfSynchronisedProtection } = csrfSync();
const app = express();

app.disable('x-powered-by');
app.use(helmet());
app.use(express.json({ limit: '100kb' }));
app.use(session({ secret: process.env.SESSION_SECRET, resave: false, saveUninitialized: false }));
app.use(csrfSynchronisedProtection);

app.use('/api', api);
registerHealth(app);

app.use((err, req, res, next) => {
  console.error(err);
  res.status(500).json({ error: 'internal error' });
});

module.exports = app;
