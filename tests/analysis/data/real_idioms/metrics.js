'use strict';

// A second, stand-alone server on another port: nothing mounts it.
const express = require('express');

// ruleid: NW401 // ruleid: NW450 // ruleid: NW451
const metrics = express();
metrics.get('/metrics', (req, res) => res.type('text/plain').send('up 1\n'));
metrics.listen(9464, '127.0.0.1');
