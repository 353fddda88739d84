'use strict';

const express = require('express');
const helmet = require('helmet');
const passport = require('passport');
const { allow } = require('@acme/registry-auth');
const { needsScope, requireMember, authorOnly } = require('./lib/guards');
const notes = require('./lib/notes');

const app = express();
app.use(helmet());
app.use(express.json());
app.use(passport.initialize());
app.use(require('./routes/links'));
app.use('/billing', requireMember, require('./routes/billing'));
app.use('/files', requireMember, require('./routes/uploads'));

// The admin sub-app answers through `app` (helmet and the error handler apply), but Express
// sets X-Powered-By again in every app's own init middleware.
// ruleid: NW451 // ok: NW401 // ok: NW450
const admin = express();
admin.get('/stats', needsScope('stats.read'), (req, res) => res.json({ notes: 0 }));
// ok: NW513
admin.delete('/projects/:id', needsScope('projects.write'), (req, res) => res.status(204).end());
app.use('/admin', admin);

const can = allow({ cacheSeconds: 60 });
// ok: NW513
app.delete('/packages/:name', can('unpublish'), (req, res) => res.status(204).end());

// ok: NW511
app.put('/account', requireMember, (req, res) => res.json({ name: String(req.body.name) }));
// ok: NW513
app.delete('/notes/:id', requireMember, authorOnly, (req, res) => notes.remove(req.params.id).then(() => res.status(204).end()));
// ruleid: NW513
app.delete('/tags/:id', requireMember, (req, res) => res.status(204).end());

// Signing out and closing one's own account act on the caller alone.
// ok: NW513
app.delete('/api/session', requireMember, (req, res) => res.status(204).end());
// ok: NW513
app.delete('/users/me', requireMember, (req, res) => res.status(204).end());
// ruleid: NW513
app.delete('/users/:id/sessions', requireMember, (req, res) => res.status(204).end());

// express-jwt 7+ leaves the verified claims in req.auth; this service checks it itself.
function signedIn(req, res, next) {
  if (!req.auth || !req.auth.sub) return res.sendStatus(401);
  return next();
}
// ok: NW511
app.post('/drafts', signedIn, (req, res) => res.status(201).json({ by: req.auth.sub }));

// Reached before anyone is signed in, by design.
// ok: NW511
app.post('/authentication/password_reset', (req, res) => res.status(202).json({ queued: Boolean(req.body.email) }));
// ok: NW511
app.post('/api/v1/tokens', (req, res) => res.status(201).json({ for: String(req.body.username) }));
// ok: NW511
app.post('/invitations/accept', (req, res) => res.status(202).json({ ok: Boolean(req.body.token) }));
// ok: NW511
app.post('/webmentions/receive', (req, res) => res.status(202).end());
// ruleid: NW511
app.post('/notes', (req, res) => notes.put(String(Date.now()), { text: String(req.body.text) }).then(() => res.status(201).end()));

app.use((err, req, res, next) => {
  res.status(err.statusCode || 500).json({ error: err.statusCode ? err.message : 'internal error' });
});

module.exports = app;
