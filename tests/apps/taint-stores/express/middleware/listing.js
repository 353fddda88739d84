// Listing options shared by every report page.
function loadListing(req, res, next) {
  res.locals.sort = req.query.sort;
  res.locals.page = parseInt(req.query.page, 10) || 1;
  res.locals.region = 'eu-west-1';
  next();
}

module.exports = { loadListing };
