const express = require('express');

const router = express.Router();

router.post('/logout', (req, res) => {
  req.session = null;
  // ruleid: NW116
  res.redirect(res.locals.returnTo);
});

router.post('/login', (req, res) => {
  // ok: NW116
  res.redirect(res.locals.home);
});

module.exports = router;
