// Authorization: the logged-in user must hold the given role.
module.exports = function requireRole(role) {
  return function checkRole(req, res, next) {
    if (!req.session.user || req.session.user.role !== role) {
      return res.status(403).json({ error: 'forbidden' });
    }
    next();
  };
};
