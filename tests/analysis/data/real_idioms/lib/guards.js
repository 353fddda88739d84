'use strict';

const passport = require('passport');
const errors = require('./errors');
const scopes = require('./scopes');
const notes = require('./notes');

// A permission factory: passport authenticates the bearer token, and the callback it is
// given checks the token's scopes before passing the request on.
function needsScope(scope) {
  return function (req, res, next) {
    return passport.authenticate('bearer', { session: false })(req, res, () => {
      if (scopes.hasPermission(req.authInfo.scope, scope)) {
        return next();
      }
      return res.status(403).json({ error: 'insufficient scope' });
    });
  };
}

// Members sign in with a cookie; the session loader sets req.member.
function requireMember(req, res, next) {
  if (!req.member) {
    return next(new errors.UnauthorizedError({ message: 'Sign in first' }));
  }
  return next();
}

// Only the author of a note may change it (checked in a promise callback).
function authorOnly(req, res, next) {
  return notes.get(req.params.id).then((note) => {
    if (note.authorEmail !== req.member.email) {
      return next(new errors.NoPermissionError({ message: 'Not your note' }));
    }
    return next();
  }, next);
}

module.exports = { needsScope, requireMember, authorOnly };
