const path = require('path');
const { exec } = require('child_process');

// Registers file routes on the app it is given.
module.exports = function registerFileRoutes(app) {
  app.get('/files/download', (req, res) => {
    res.sendFile(path.join(__dirname, '..', 'uploads', req.query.name));
  });

  app.get('/files/convert', (req, res) => {
    const target = req.query.file;
    exec(`convert uploads/${target} -resize 50% uploads/thumb-${target}`, (err, stdout) => {
      if (err) {
        return res.status(500).send(err.stack);
      }
      res.send(stdout);
    });
  });
};
