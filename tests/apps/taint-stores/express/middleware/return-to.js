// Remembers where to send the user after the account pages.
module.exports = function rememberReturnTo(req, res, next) {
  const { returnTo } = req.query;
  res.locals.returnTo = returnTo;
  res.locals.home = '/dashboard';
  next();
};
