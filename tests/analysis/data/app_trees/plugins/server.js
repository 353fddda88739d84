'use strict';

// The wiki's server: plugins build their own apps and the loader mounts each one at the
// path it declares (a loop the app model cannot follow); `start` listens.
const express = require('express');
const start = require('./lib/start');
const plugins = require('./plugins');

// ruleid: NW401
const app = express();
app.disable('x-powered-by');
app.get('/', (req, res) => res.send('wiki'));
for (const plugin of plugins) {
  app.use(plugin.path, plugin.create());
}
app.use((err, req, res, next) => res.status(500).send('error'));

start(app);
