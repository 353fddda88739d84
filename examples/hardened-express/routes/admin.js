const express = require('express');
const { z } = require('zod');
const User = require('../lib/user-model');
const requireLogin = require('../middleware/require-login');
const requireRole = require('../middleware/require-role');

const router = express.Router();
const objectId = z.string().regex(/^[a-f0-9]{24}$/);
const importedSettings = z.object({ theme: z.enum(['light', 'dark']), pageSize: z.number().int().min(10).max(100) }).strict();

router.use(requireLogin, requireRole('admin'));

router.delete('/users/:id', async (req, res) => {
  const id = objectId.safeParse(req.params.id);
  if (!id.success) {
    return res.status(400).json({ error: 'invalid id' });
  }
  await User.deleteOne({ _id: id.data });
  res.status(204).end();
});

router.post('/import', (req, res) => {
  // Plain data only: JSON body parsed by express.json and checked against a schema.
  const settings = importedSettings.safeParse(req.body);
  if (!settings.success) {
    return res.status(400).json({ error: 'invalid settings' });
  }
  res.json(settings.data);
});

module.exports = router;
