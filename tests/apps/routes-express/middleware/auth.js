function requireUser(req, res, next) {
  if (!req.session.user) {
    return res.status(401).json({ error: 'login required' });
  }
  next();
}

function requireRole(role) {
  return (req, res, next) => {
    if (!req.session.user || req.session.user.role !== role) {
      return res.status(403).json({ error: 'forbidden' });
    }
    next();
  };
}

module.exports = { requireUser, requireRole };
