const express = require('express');
const { execSync } = require('child_process');

const router = express.Router();

router.post('/rotate', (req, res) => {
  // ok: NW110
  execSync('logrotate ' + res.locals.config);
  res.end();
});

// Registered after the route above: it never runs before it.
router.use((req, res, next) => {
  res.locals.config = req.body.config;
  next();
});

module.exports = router;
