'use strict';

// Idioms of real, well-maintained servers that the SAST rules once misread (see
// bench/real_apps_triage.md). Each ok: line is the idiom, each ruleid: line its risky twin.
const jwt = require('jsonwebtoken');

// Sign-in with a JWKS provider: read `kid` from the header to pick the key, verify elsewhere.
function keyIdOf(token) {
  // ok: NW502
  const decoded = jwt.decode(token, { complete: true });
  if (!decoded) {
    throw new Error('not a JWT');
  }
  return decoded.header.kid;
}

// ok: NW502
const algorithmOf = (token) => jwt.decode(token, { complete: true }).header.alg;

function claimsOf(token) {
  // ruleid: NW502
  const decoded = jwt.decode(token, { complete: true });
  return decoded.payload;
}

// Scheduling and sampling: Math.random() picks among existing things or spreads timers.
function refreshPlan(session, users) {
  // ok: NW302
  const tokenRefreshOffset = Math.floor(Math.random() * 60000);
  // ok: NW302
  const userId = users[Math.floor(Math.random() * users.length)].id;
  // ok: NW302
  const sessionId = Math.floor(Math.random() * session.userCount) + 1;
  // ruleid: NW302
  const resetToken = Math.random().toString(36).slice(2);
  // ruleid: NW302
  const inviteId = Math.floor(Math.random() * 1e12);
  return { tokenRefreshOffset, userId, sessionId, resetToken, inviteId };
}

// A git revision such as `main~2^1`: every repetition starts with `~` or `^`, which the
// digits cannot match, so the pattern is linear.
// ok: NW604
const REVISION = /^(?:@|[A-Za-z0-9_@][A-Za-z0-9_./+\-@]*)(?:[~^][0-9]*)*$/;
// ok: NW604
const DOTTED = /^\w+(?:[.:]\w+)*$/;
// Text between tags, as an HTML-stripping helper writes it: the next character picks the branch.
// ok: NW604
const TEXT_OR_TAG = /^(?:[^<>]|<[^<>]*>)*$/;
// ruleid: NW604
const OPEN_TAG = /^(?:[^<]|<[^<]*)*$/;
// ruleid: NW604
const WORDS = /^(?:[a-z_][a-z0-9_]*)*$/;
// ruleid: NW604
const SNAKE = /^(?:[_.]\w+)+$/;

// A service command line: words after runs of blanks; blanks and words cannot trade characters.
// ok: NW604
const SAFE_COMMAND = /^(?:sudo(?:\s+-[a-zA-Z]+)*\s+)?(?:systemctl|service)(?:\s+[\w./:=-]+)*\s*$/;
// ruleid: NW604
const LOOSE_COMMAND = /^(?:\s+\w+\s*)*$/;

// Telling the app's own tokens from a provider's, and scheduling a refresh: no identity is read.
function isOwnToken(token) {
  // ok: NW502
  return jwt.decode(token, { json: true })?.iss === 'flag-console';
}

function expiresAt(token) {
  // ok: NW502
  const decoded = jwt.decode(token);
  if (decoded && typeof decoded === 'object' && decoded.exp) return decoded.exp;
  return null;
}

function callerOf(token) {
  // ruleid: NW502
  const decoded = jwt.decode(token);
  return decoded && decoded.exp ? decoded.sub : null;
}

// Ids that pair a reply with its request or tag log lines grant nothing.
function tagRequest(payload, log) {
  // ok: NW302
  const correlationId = `${payload.kind}-${Date.now()}-${Math.random().toString(36).slice(2, 9)}`;
  // ok: NW302
  const requestId = Math.random().toString(36).substring(2);
  // ok: NW302
  log.instanceId = Math.random().toString(36).substring(2, 11);
  // ruleid: NW302
  const shareId = Math.random().toString(36).substring(2);
  return { ...payload, correlationId, requestId, shareId };
}

module.exports = {
  keyIdOf, algorithmOf, claimsOf, refreshPlan, REVISION, DOTTED, TEXT_OR_TAG, OPEN_TAG, WORDS, SNAKE,
  SAFE_COMMAND, LOOSE_COMMAND, isOwnToken, expiresAt, callerOf, tagRequest,
};

// Fixed upgrade steps chained for the shell: a constant command.
const { exec } = require('child_process');
function upgrade(done) {
  const steps = ['apt-get update', 'apt-get install --only-upgrade -y homebridge'];
  // ok: NW102
  exec(steps.join(' && '), done);
}
function runAll(extra, done) {
  const steps = ['apt-get update', extra];
  // ruleid: NW102
  exec(steps.join(' && '), done);
}
module.exports.upgrade = upgrade;
module.exports.runAll = runAll;
