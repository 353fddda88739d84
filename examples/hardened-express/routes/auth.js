const crypto = require('crypto');
const express = require('express');
const bcrypt = require('bcryptjs');
const jwt = require('jsonwebtoken');
const rateLimit = require('express-rate-limit');
const { z } = require('zod');

const config = require('../config');
const User = require('../lib/user-model');

const router = express.Router();

const BCRYPT_COST = 12;
const credentials = z.object({ email: z.string().email().max(254), password: z.string().min(12).max(128) });
const resetRequest = z.object({ email: z.string().email().max(254) });

// Credential stuffing is throttled: 5 attempts per 15 minutes per client.
const loginLimiter = rateLimit({ windowMs: 15 * 60 * 1000, limit: 5, standardHeaders: 'draft-7', legacyHeaders: false });

async function hashPassword(password) {
  return bcrypt.hash(password, BCRYPT_COST);
}

router.post('/register', loginLimiter, async (req, res) => {
  const parsed = credentials.safeParse(req.body);
  if (!parsed.success) {
    return res.status(400).json({ error: 'invalid input' });
  }
  await User.create({ email: parsed.data.email, passwordHash: await hashPassword(parsed.data.password) });
  res.status(201).json({ ok: true });
});

router.post('/login', loginLimiter, async (req, res) => {
  const parsed = credentials.safeParse(req.body);
  if (!parsed.success) {
    return res.status(400).json({ error: 'invalid input' });
  }
  const user = await User.findOne({ email: parsed.data.email });
  if (!user || !(await bcrypt.compare(parsed.data.password, user.passwordHash))) {
    return res.status(401).json({ error: 'invalid credentials' });
  }
  req.session.regenerate((err) => {
    if (err) {
      return res.status(500).json({ error: 'internal error' });
    }
    req.session.user = { id: String(user.id), role: user.role };
    const token = jwt.sign({ sub: String(user.id), role: user.role }, config.jwtSecret, {
      algorithm: 'HS256',
      expiresIn: '15m',
    });
    res.cookie('token', token, { httpOnly: true, secure: true, sameSite: 'strict', maxAge: 15 * 60 * 1000 });
    res.json({ ok: true });
  });
});

router.post('/reset', loginLimiter, async (req, res) => {
  const parsed = resetRequest.safeParse(req.body);
  if (!parsed.success) {
    return res.status(400).json({ error: 'invalid input' });
  }
  const resetToken = crypto.randomBytes(32).toString('hex');
  const resetTokenHash = crypto.createHash('sha256').update(resetToken).digest('hex');
  await User.updateOne(
    { email: parsed.data.email },
    { resetTokenHash, resetTokenExpires: new Date(Date.now() + 30 * 60 * 1000) }
  );
  // The token is e-mailed to the account owner (mailer omitted); never returned in the response.
  res.json({ ok: true });
});

router.get('/me', (req, res) => {
  try {
    const payload = jwt.verify(req.signedCookies.token || req.cookies.token, config.jwtSecret, {
      algorithms: ['HS256'],
    });
    res.json({ id: payload.sub, role: payload.role });
  } catch {
    res.status(401).json({ error: 'invalid token' });
  }
});

module.exports = router;
