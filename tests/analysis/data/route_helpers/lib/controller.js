'use strict';
const { Router } = require('express');
const { requirePermission } = require('./permissions');

/** Runs an async handler and hands what it throws to the error handler. */
function safely(handler) {
  return async (req, res, next) => {
    try {
      await handler(req, res);
    } catch (err) {
      next(err);
    }
  };
}

/**
 * Base of every controller: subclasses declare their routes with `this.route({...})` or the
 * `get`/`post`/`delete` shorthands, and are mounted with `parent.use(path, child.router)`.
 */
class Controller {
  constructor(config) {
    this.config = config;
    this.app = Router();
  }

  route(options) {
    const extra = options.middleware || [];
    this.app[options.method](options.path, requirePermission(options.permission), ...extra, safely(options.handler.bind(this)));
  }

  get(path, handler, permission) {
    this.route({ method: 'get', path, handler, permission });
  }

  post(path, handler, permission) {
    this.route({ method: 'post', path, handler, permission });
  }

  delete(path, handler, permission) {
    this.route({ method: 'delete', path, handler, permission });
  }

  use(path, router) {
    this.app.use(path, router);
  }

  get router() {
    return this.app;
  }
}

module.exports = Controller;
