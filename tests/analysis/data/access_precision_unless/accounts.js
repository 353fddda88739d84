'use strict';
// Storage stub for the tests: never run.
module.exports = {};
