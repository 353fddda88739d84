'use strict';
// Every route needs a bearer token except the ones that hand tokens out.
const express = require('express');
const { expressjwt } = require('express-jwt');
const accounts = require('./accounts');

const app = express();
app.use(express.json());
app.use(
  expressjwt({ secret: process.env.JWT_SECRET, algorithms: ['HS256'] }).unless({
    path: ['/auth/login', /^\/auth\/otp/],
  }),
);

// Skipped by the guard: a password from anyone.
// ruleid: NW510
app.post('/auth/login', async (req, res) => {
  res.json(await accounts.signIn(String(req.body.email), String(req.body.password)));
});

// Skipped by the guard's pattern: a one-time code from anyone.
// ruleid: NW510
app.post('/auth/otp/verify', async (req, res) => {
  res.json(await accounts.verifyCode(String(req.body.email), String(req.body.code)));
});

// Behind the guard: only a token holder changes a password.
// ok: NW510
app.put('/auth/password', async (req, res) => {
  await accounts.changePassword(req.auth.sub, String(req.body.current), String(req.body.next));
  res.status(204).end();
});

app.listen(3002, '127.0.0.1');
