const siteUrl = process.env.SITE_URL || 'https://shop.example.org/';

// The shop's home page.
function homeUrl() {
  return siteUrl;
}

// The base URL of a tenant's storefront (as the request names it).
function tenantBase(req) {
  return req.query.base || siteUrl;
}

module.exports = { siteUrl, homeUrl, tenantBase };
