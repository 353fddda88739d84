'use strict';

class HttpError extends Error {
  constructor({ message, statusCode }) {
    super(message);
    this.statusCode = statusCode;
  }
}

class UnauthorizedError extends HttpError {
  constructor(options = {}) {
    super({ message: 'Unauthorized', ...options, statusCode: 401 });
  }
}

class NoPermissionError extends HttpError {
  constructor(options = {}) {
    super({ message: 'Forbidden', ...options, statusCode: 403 });
  }
}

module.exports = { HttpError, UnauthorizedError, NoPermissionError };
