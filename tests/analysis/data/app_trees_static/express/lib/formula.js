'use strict';

// Server code: this eval runs in the server process.
function evaluate(expr) {
  // ruleid: NW101
  return eval(expr);
}

module.exports = { evaluate };
