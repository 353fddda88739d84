'use strict';

const { ops } = require('./routers');
const queue = require('./queue');

// ruleid: NW513
ops.delete('/jobs/:id', (req, res) => {
  queue.cancel(req.params.id);
  res.status(204).end();
});
