'use strict';

async function run(job) {
  // ruleid: NW101
  return eval(`jobs.${job}()`);
}

module.exports = { run };
