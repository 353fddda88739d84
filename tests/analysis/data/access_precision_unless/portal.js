'use strict';
// The customer portal: one global guard, with an allow-list of the pages reached signed out.
const express = require('express');
const session = require('express-session');
const accounts = require('./accounts');

const OPEN_PATHS = ['/portal/login', '/portal/help'];

function requireSession(req, res, next) {
  if (OPEN_PATHS.includes(req.path)) return next();
  if (!req.session.userId) return res.status(401).json({ error: 'sign in first' });
  next();
}

const portal = express();
portal.use(express.json());
portal.use(session({ secret: process.env.SESSION_SECRET, resave: false, saveUninitialized: false }));
portal.use(requireSession);

// On the guard's allow-list: anyone may post a password here.
// ruleid: NW510
portal.post('/portal/login', async (req, res) => {
  const user = await accounts.signIn(String(req.body.email), String(req.body.password));
  req.session.userId = user.id;
  res.status(204).end();
});

// Not on the list: the guard turns anonymous callers away first.
// ok: NW510
portal.put('/portal/password', async (req, res) => {
  await accounts.changePassword(req.session.userId, String(req.body.current), String(req.body.next));
  res.status(204).end();
});

portal.listen(3003, '127.0.0.1');
