const b = require('./cycle-b');

function ping(n) {
  return b.pong(n);
}

module.exports = { ping };
