'use strict';

// Routers created in one module; other modules add their routes to them.
const express = require('express');

exports.ops = express.Router();
