const express = require('express');
const _ = require('lodash');
const Note = require('../lib/note-model');
const { findNotesByTitle } = require('../lib/db');
const requireLogin = require('../middleware/require-login');

const router = express.Router();

router.use(requireLogin);

router.get('/', async (req, res) => {
  // NoSQL injection: ?owner[$ne]=x returns everyone's notes.
  const notes = await Note.find({ owner: req.query.owner });
  res.json(notes);
});

router.get('/search', (req, res, next) => {
  findNotesByTitle(req.query.title, (err, rows) => {
    if (err) return next(err);
    res.json(rows);
  });
});

router.post('/', async (req, res) => {
  const note = new Note({ owner: req.session.user.id });
  _.merge(note, req.body);
  await note.save();
  res.status(201).json(note);
});

router.post('/calc', (req, res) => {
  const result = eval(req.body.expression);
  res.json({ result });
});

module.exports = router;
