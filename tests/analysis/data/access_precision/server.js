'use strict';
// A team notes service: staff sign in with a password, manage API tokens and notes.
const crypto = require('crypto');
const express = require('express');
const passport = require('passport');
const accounts = require('./accounts');
const notes = require('./notes');
const tokens = require('./tokens');
const settings = require('./settings');
const mentions = require('./mentions');
const pins = require('./pins');
const extensions = require('./extensions');

const app = express();
app.use(express.json());
app.use(passport.initialize());

function requireUser(req, res, next) {
  if (!req.user) return res.status(401).json({ error: 'sign in first' });
  next();
}

// The sign-in itself: passport's local strategy checks the password in the body.
// ruleid: NW510
app.post('/login', passport.authenticate('local', { session: false }), (req, res) => res.json({ id: req.user.id }));

// A custom middleware comparing the posted password is the sign-in too.
function checkPassword(req, res, next) {
  if (!accounts.verify(req.body.email, req.body.password)) return res.status(401).end();
  next();
}
// ruleid: NW510
app.post('/session', checkPassword, (req, res) => res.status(204).end());

// Changing one's password needs a session first: only its holder could guess the old one.
// ok: NW510
app.put('/users/password', requireUser, async (req, res) => {
  await accounts.changePassword(req.user.id, req.body.current, req.body.next);
  res.status(204).end();
});

// Regenerating a signed-in user's API token: nothing to guess.
// ok: NW510
app.put('/users/:id/token', passport.authenticate('jwt', { session: false }), async (req, res) => {
  res.json({ token: await tokens.regenerate(req.params.id) });
});

// A reset code posted by someone who is not signed in: a guessing target.
// ruleid: NW510
app.post('/password/reset', async (req, res) => {
  const ok = await accounts.resetWithCode(req.body.email, req.body.code, req.body.password);
  res.status(ok ? 204 : 400).end();
});

// Asking for a reset e-mail sends an address, no secret: nothing to guess here (the code it
// mails is checked by /password/reset above); unthrottled, it still floods mailboxes (low).
// ruleid: NW510
app.post('/password/forgot', async (req, res) => {
  const { email } = req.body;
  await accounts.mailResetCode(String(email));
  res.status(202).end();
});

// Whatever else the body holds goes on to the account service: it may be a password.
// ruleid: NW510
app.post('/auth/magic', async (req, res) => {
  const { email, ...options } = req.body;
  res.json(await accounts.magicSignIn(String(email), options));
});

// Restoring a session from the server's own httpOnly cookie: no typed secret.
// ok: NW510
app.post('/auth/session', (req, res) => {
  const raw = req.headers.cookie;
  res.json(accounts.restore(raw));
});

// Handing out a token only while authentication is switched off: the request carries nothing.
// ok: NW510
app.post('/auth/noauth', (req, res) => {
  if (settings.authEnabled()) return res.status(403).end();
  res.json({ token: accounts.anonymousToken(req.protocol === 'https') });
});

// A PIN sign-in whose service locks the account after five failures: one client can still
// try one PIN on every account (reported, low).
// ruleid: NW510
app.post('/login/pin', async (req, res) => {
  const user = await pins.verifyPin(String(req.body.user), String(req.body.pin));
  res.json({ id: user.id });
});

// The request goes whole to another module, which may read a password from it.
// ruleid: NW510
app.post('/auth/signin', (req, res, next) => accounts.signIn(req, res, next));

// Notes: an authenticated API, with one route forgotten.
app.get('/notes', requireUser, (req, res) => res.json(notes.list(req.user.id)));
// ruleid: NW511
app.post('/notes', (req, res) => res.status(201).json(notes.add(req.body.text)));

// Tokens belong to their user: deleting one keyed by the caller's identity needs no role.
// ok: NW513
app.delete('/tokens/:key', requireUser, async (req, res) => {
  const { name } = req.user;
  await tokens.revokeToken(name, req.params.key);
  res.status(204).end();
});

// The caller is only written to the audit log: any signed-in user deletes any note.
// ruleid: NW513
app.delete('/notes/:id', requireUser, async (req, res) => {
  notes.audit(req.user.id, 'delete', req.params.id);
  await notes.destroy(req.params.id);
  res.status(204).end();
});

// The signed-in caller's own avatar: the path names no other record.
// ok: NW513
app.delete('/account/avatar', requireUser, async (req, res) => {
  await accounts.clearAvatar(req.user.id);
  res.status(204).end();
});

// Same shape, but nobody is signed in: whose profile is that?
// ruleid: NW513
app.delete('/profile/picture', async (req, res) => {
  await accounts.clearAvatar(req.query.who);
  res.status(204).end();
});

// A private-site passcode form: it is how visitors get in, found by what it does; with no
// rate limiter, the passcode can be guessed.
// ruleid: NW510
app.post('/enter', express.urlencoded({ extended: false }), (req, res) => {
  if (!settings.passcodeMatches(String(req.body.passcode))) return res.status(401).end();
  req.session.unlocked = true;
  res.redirect('/');
});

// Requesting a sign-in link by e-mail: reached before sign-in by design.
// ok: NW511
app.post('/magic-link', (req, res) => {
  accounts.mailSignInLink(String(req.body.email));
  res.status(202).end();
});

// Saving a draft into the session: nobody is signed in by it.
// ruleid: NW511
app.post('/drafts', (req, res) => {
  req.session.draft = String(req.body.text);
  res.status(204).end();
});

// A payment provider's webhook: the signature over the raw body authenticates the sender.
// ok: NW511
app.post('/billing/events', express.raw({ type: 'application/json' }), (req, res) => {
  const expected = crypto.createHmac('sha256', process.env.BILLING_SECRET).update(req.body).digest();
  const given = Buffer.from(String(req.get('x-billing-signature')), 'hex');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return res.status(400).end();
  notes.recordPayment(JSON.parse(req.body.toString('utf8')));
  res.status(204).end();
});

app.use('/mentions', mentions);
app.use('/api', require('./api'));
app.use('/ext', extensions.router);

app.listen(3000, '127.0.0.1');
