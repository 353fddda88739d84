const validator = require('validator');
const escapeHtml = require('escape-html');

// Route-level middleware: the host to check and a page title.
exports.parseTarget = (req, res, next) => {
  res.locals.host = req.body.host;
  next();
};

exports.checkedTarget = (req, res, next) => {
  if (!validator.isFQDN(req.body.host)) {
    return res.status(400).json({ error: 'bad host' });
  }
  res.locals.host = req.body.host;
  next();
};

exports.pageTitle = (req, res, next) => {
  res.locals.title = escapeHtml(req.query.title);
  next();
};

exports.recordSearch = (req, res, next) => {
  req.app.locals.lastSearch = req.query.q;
  next();
};
