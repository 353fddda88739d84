const express = require('express');
const mongoose = require('mongoose');
const Note = require('../mongo/note');
const { database } = require('../mongo/client');
const archive = require('archive-store');

const router = express.Router();
const Draft = mongoose.model('Draft', new mongoose.Schema({ author: String }));

router.get('/notes', async (req, res) => {
  // ruleid: NW113
  res.json(await Note.find({ owner: req.query.owner }));
});

router.get('/notes/legacy', async (req, res) => {
  // ruleid: NW113
  res.json(await Note.find({ $where: `this.owner == '${req.query.owner}'` }));
});

router.get('/drafts', async (req, res) => {
  // ruleid: NW113
  res.json(await Draft.findOne({ author: req.query.author }));
});

router.post('/accounts/lookup', async (req, res) => {
  const accounts = database().collection('accounts');
  // ruleid: NW113
  res.json(await accounts.findOne({ name: req.body.name }));
});

router.get('/archive', async (req, res) => {
  // A package nothing here identifies: reported, with less confidence.
  // ruleid: NW113
  res.json(await archive.Entry.find({ tag: req.query.tag }));
});

module.exports = router;
