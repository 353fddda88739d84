const express = require('express');
const crypto = require('crypto');
const jwt = require('jsonwebtoken');
const User = require('../lib/user-model');

const router = express.Router();

function hashPassword(password) {
  return crypto.createHash('md5').update(password).digest('hex');
}

// No rate limiting: credential stuffing is unthrottled.
router.post('/login', async (req, res) => {
  const user = await User.findOne({ email: req.body.email, password: hashPassword(req.body.password) });
  if (!user) {
    return res.status(401).json({ error: 'invalid credentials' });
  }
  const token = jwt.sign({ id: user.id, role: user.role }, 'acme-notes-jwt-secret-2019');
  res.cookie('token', token);
  res.json({ token });
});

router.post('/reset', async (req, res) => {
  const resetToken = Math.random().toString(36).slice(2);
  await User.updateOne({ email: req.body.email }, { resetToken });
  res.json({ ok: true });
});

router.get('/me', (req, res) => {
  const payload = jwt.verify(req.headers.authorization, 'acme-notes-jwt-secret-2019', {
    algorithms: ['HS256', 'none'],
  });
  res.json(payload);
});

module.exports = router;
