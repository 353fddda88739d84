const express = require('express');
const models = require('../models');

const router = express.Router();

// Content API keys live in the SQL database (Bookshelf models).
router.get('/content', async (req, res) => {
  // ok: NW113
  const key = await models.ApiKey.findOne({ secret: req.query.key });
  if (!key) return res.status(401).json({ error: 'unknown key' });
  // ok: NW113
  res.json(await models.Post.where({ status: req.query.status }).fetchAll());
});

module.exports = router;
