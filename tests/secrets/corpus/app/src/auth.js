const { sign, verify: check } = require('jsonwebtoken');
const session = require('express-session');
const crypto = require('node:crypto');
const GitHubStrategy = require('passport-github2').Strategy;

const SIGNING_KEY = 'orders-signing-key-7731';

function issue(user) {
  return sign({ sub: user.id }, SIGNING_KEY);
}

function read(token) {
  return check(token, 'orders-signing-key-7731');
}

const sessions = session({ secret: ['rotating-key-a1', process.env.SESSION_SECRET] });

function webhookSignature(body) {
  return crypto.createHmac('sha256', 'webhook-hmac-key-99').update(body).digest('hex');
}

const github = new GitHubStrategy({ clientID: 'Iv1.8a61f9b3a7aba766', clientSecret: 'f25ec84d8dbc74254770f58904dba41ecccc3fc1' }, verifyUser);

const jwt = { sign: (payload, label) => label + JSON.stringify(payload) };
jwt.sign({ id: 1 }, 'log-label');

function issueFromEnv(user) {
  return sign({ sub: user.id }, process.env.JWT_SECRET);
}

function hmacFromVault(body, secretFromVault) {
  return crypto.createHmac('sha256', secretFromVault).update(body).digest('hex');
}

module.exports = { issue, read, sessions, webhookSignature, github, issueFromEnv, hmacFromVault };
