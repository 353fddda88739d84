#!/usr/bin/env node
'use strict';

const http = require('http');
const app = require('../app');

const port = Number(process.env.PORT || 8080);
const server = http.createServer(app);
server.listen(port, () => console.log(`listening on ${port}`));
