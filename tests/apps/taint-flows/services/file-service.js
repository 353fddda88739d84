const fs = require('fs');
const path = require('path');

class FileService {
  constructor(root) {
    this.root = root;
  }

  read(name, callback) {
    // ruleid: NW114
    fs.readFile(path.join(this.root, name), callback);
  }

  readSafe(name, callback) {
    // ok: NW114
    fs.readFile(path.join(this.root, path.basename(name)), callback);
  }
}

module.exports = FileService;
