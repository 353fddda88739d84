const express = require('express');
const { requireUser, requireRole } = require('../middleware/auth');

const admin = express.Router();

admin.use(requireUser);

admin.delete('/users/:id', requireRole('admin'), (req, res) => {
  res.status(204).end();
});

admin.post('/reindex', (req, res) => {
  res.status(202).end();
});

module.exports = admin;
