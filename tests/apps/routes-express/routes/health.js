// Registers routes on the app it is given (no router of its own).
module.exports = function registerHealth(app) {
  app.get('/healthz', (req, res) => {
    res.json({ ok: true });
  });

  app.post('/metrics/flush', (req, res) => {
    res.status(204).end();
  });
};
