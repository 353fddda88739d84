// Browsers resolve the page's relative links against `/shop/`, not `/shop`.
function trailingSlash(req, res, next) {
  const [pathPart, ...rest] = req.originalUrl.split('?');
  if (!pathPart.endsWith('/')) {
    const target = [pathPart + '/', ...rest].join('?');
    // ok: NW116
    return res.redirect(301, target);
  }
  next();
}

// The same, for any address below the mount point.
function addSlash(req, res, next) {
  const [pathPart, ...rest] = req.originalUrl.split('?');
  if (!pathPart.endsWith('/')) {
    // `//evil.example` gets its slash and is a protocol-relative redirect.
    // ruleid: NW116
    return res.redirect(301, [pathPart + '/', ...rest].join('?'));
  }
  next();
}

function home(req, res) {
  res.send('<!doctype html><title>Shop</title>');
}

module.exports = { trailingSlash, addSlash, home };
