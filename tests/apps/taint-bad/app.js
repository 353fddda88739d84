// Bad input: circular imports, an import of a file that does not parse,
// dynamic require(variable), and routers mounted in a loop.
const express = require('express');
const { ping } = require('./cycle-a');
const broken = require('./broken');

const app = express();
const name = process.env.PLUGIN || 'none';
const plugin = require(name);

const routers = [require('./router-one'), require('./router-two')];
for (const r of routers) {
  app.use('/v1', r);
}

app.get('/ping', (req, res) => {
  res.json({ pong: ping(req.query.n), broken, plugin });
});

module.exports = app;
