const passport = require('passport');

// API calls carry a bearer token; the session only lives through the SSO redirect dance.
function needsPermission(scope) {
  return function (req, res, next) {
    return passport.authenticate(['bearer'], { session: false })(req, res, () => {
      if (!req.user || !req.authInfo.scopes.includes(scope)) {
        return res.status(403).end();
      }
      return next();
    });
  };
}

// The browser pages: the signed-in user comes from the session cookie.
function requireSessionUser(req, res, next) {
  if (!req.session.user) {
    return res.status(401).end();
  }
  return next();
}

// Bearer first, then the cookie: a cross-site form still carries the session.
function tokenOrSession(req, res, next) {
  return passport.authenticate(['bearer', 'session'], { session: false })(req, res, next);
}

module.exports = { needsPermission, requireSessionUser, tokenOrSession };
