'use strict';

// Mounts a sub-app and logs where: the project's own helper around `parent.use`.
module.exports = function mountAt(parent, path, child) {
  console.log(`mounting ${path}`);
  parent.use(path, child);
};
