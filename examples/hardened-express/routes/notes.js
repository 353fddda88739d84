const express = require('express');
const { z } = require('zod');
const Note = require('../lib/note-model');
const { findNotesByTitle } = require('../lib/db');
const requireLogin = require('../middleware/require-login');

const router = express.Router();
const newNote = z.object({ title: z.string().max(200), body: z.string().max(10000) }).strict();
const calculation = z.object({ op: z.enum(['add', 'sub', 'mul', 'div']), a: z.number(), b: z.number() });
const OPERATIONS = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => (b === 0 ? null : a / b),
};

router.use(requireLogin);

router.get('/', async (req, res) => {
  // The owner comes from the session, never from the query string.
  const notes = await Note.find({ owner: String(req.session.user.id) });
  res.json(notes);
});

router.get('/search', (req, res, next) => {
  const title = typeof req.query.title === 'string' ? req.query.title.slice(0, 100) : '';
  findNotesByTitle(title, (err, rows) => {
    if (err) return next(err);
    res.json(rows);
  });
});

router.post('/', async (req, res) => {
  const parsed = newNote.safeParse(req.body);
  if (!parsed.success) {
    return res.status(400).json({ error: 'invalid note' });
  }
  const note = new Note({ owner: req.session.user.id, title: parsed.data.title, body: parsed.data.body });
  await note.save();
  res.status(201).json(note);
});

router.post('/calc', (req, res) => {
  const parsed = calculation.safeParse(req.body);
  if (!parsed.success) {
    return res.status(400).json({ error: 'invalid calculation' });
  }
  const { op, a, b } = parsed.data;
  res.json({ result: OPERATIONS[op](a, b) });
});

module.exports = router;
