'use strict';
// Extensions add their own endpoints through this helper: the path is theirs.
const express = require('express');

const router = express.Router();

function registerEndpoint(spec, handler) {
  const endpointPath = String(spec.path);
  // ruleid: NW511
  if (spec.method === 'POST') router.post(endpointPath, handler);
  // ruleid: NW513
  if (spec.method === 'DELETE') router.delete(endpointPath, handler);
}

module.exports = { router, registerEndpoint };
