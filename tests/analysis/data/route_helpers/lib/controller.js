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

/** Answers 415 to a request whose body is not JSON. */
function requireJson(req, res, next) {
  if (!req.is('application/json')) {
    return res.status(415).json({ error: 'send JSON' });
  }
  return next();
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
    this.app[options.method](options.path, requirePermission(options.permission), this.chain(options), safely(options.handler.bind(this)));
  }

  /** The route's own middleware, behind a JSON content-type check for requests with a body. */
  chain(options) {
    const { middleware = [] } = options;
    return options.method === 'get' ? middleware : [requireJson, ...middleware];
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
