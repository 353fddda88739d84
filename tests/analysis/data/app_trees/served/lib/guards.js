'use strict';

function requireStaff(req, res, next) {
  if (!req.session || !req.session.staff) {
    return res.status(401).json({ error: 'sign in first' });
  }
  return next();
}

module.exports = { requireStaff };
