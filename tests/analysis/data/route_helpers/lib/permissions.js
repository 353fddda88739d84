'use strict';

/** Builds the middleware that lets a signed-in user with `permission` through. */
function requirePermission(permission) {
  return (req, res, next) => {
    if (!req.user) {
      return res.status(401).json({ error: 'sign in first' });
    }
    if (permission && !req.user.permissions.includes(permission)) {
      return res.status(403).json({ error: `missing permission ${permission}` });
    }
    return next();
  };
}

module.exports = { requirePermission };
