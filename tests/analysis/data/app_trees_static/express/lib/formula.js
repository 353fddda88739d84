'use strict';

// Server code: this eval runs in the server process.
function evaluate(expr) {
  // ruleid: NW101
  return eval(expr);
}

module.exports = { evaluate };

// ruleid: NW604
const NAME = /^([a-z]+\/?)+$/;
module.exports.isName = (text) => NAME.test(text);
