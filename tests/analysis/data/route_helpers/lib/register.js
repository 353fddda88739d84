'use strict';
const { requirePermission } = require('./permissions');

/** Registers one route: `register(router, 'post', '/sync', handler)`. */
function register(router, method, path, ...handlers) {
  router[method](path, ...handlers);
}

/** Registers a route that only signed-in operators reach. */
function secured(router, method, path, handler) {
  router[method](path, requirePermission('operator'), handler);
}

module.exports = { register, secured };
