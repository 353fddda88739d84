const express = require('express');
const User = require('../lib/user-model');

const router = express.Router();

// Anyone can delete any user: no authentication, no role check.
router.delete('/users/:id', async (req, res) => {
  await User.deleteOne({ _id: req.params.id });
  res.status(204).end();
});

router.post('/import', (req, res) => {
  const serialize = require('node-serialize');
  const settings = serialize.unserialize(req.cookies.settings);
  res.json(settings);
});

module.exports = router;
