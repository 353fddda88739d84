const express = require('express');

// Every sub-app of the site starts from the same settings.
function createSubApp(settings) {
  const app = express();
  app.set('x-powered-by', false);
  app.set('strict routing', Boolean(settings.strict));
  return app;
}

module.exports = { createSubApp };
