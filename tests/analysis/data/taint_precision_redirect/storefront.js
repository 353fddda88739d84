const { createSubApp } = require('./app-factory');
const pages = require('./pages');

// Mounts the storefront and the catalogue on the site's app.
function mountShop(app) {
  const storefrontApp = createSubApp({ strict: false });
  storefrontApp.get('/', pages.trailingSlash, pages.home);
  app.use('/shop', storefrontApp);

  const catalogueApp = createSubApp({ strict: false });
  catalogueApp.use(pages.addSlash);
  catalogueApp.get('/', pages.home);
  app.use('/catalogue', catalogueApp);
}

module.exports = { mountShop };
