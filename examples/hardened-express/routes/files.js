const path = require('path');
const { execFile } = require('child_process');
const requireLogin = require('../middleware/require-login');

const UPLOADS = path.join(__dirname, '..', 'uploads');
const SAFE_NAME = /^[A-Za-z0-9_-]{1,64}\.(png|jpe?g|gif)$/;

function safeFileName(value) {
  return typeof value === 'string' && SAFE_NAME.test(value) ? path.basename(value) : null;
}

// Registers file routes on the app it is given.
module.exports = function registerFileRoutes(app) {
  app.get('/files/download', requireLogin, (req, res) => {
    const name = safeFileName(req.query.name);
    if (!name) {
      return res.status(400).json({ error: 'invalid file name' });
    }
    res.sendFile(name, { root: UPLOADS, dotfiles: 'deny' });
  });

  app.get('/files/convert', requireLogin, (req, res, next) => {
    const target = safeFileName(req.query.file);
    if (!target) {
      return res.status(400).json({ error: 'invalid file name' });
    }
    // No shell: arguments reach `convert` verbatim.
    execFile('convert', [path.join(UPLOADS, target), '-resize', '50%', path.join(UPLOADS, `thumb-${target}`)], (err) => {
      if (err) {
        return next(err);
      }
      res.json({ thumbnail: `thumb-${target}` });
    });
  });
};
