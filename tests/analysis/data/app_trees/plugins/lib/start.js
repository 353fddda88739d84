'use strict';

module.exports = function start(server) {
  const port = Number(process.env.WIKI_PORT) || 4000;
  server.listen(port, '127.0.0.1');
};
