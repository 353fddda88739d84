'use strict';

const fs = require('fs');
const path = require('path');
const express = require('express');
const multer = require('multer');

const upload = multer({ dest: path.join(__dirname, '..', 'tmp') });
const router = express.Router();

// Clean-up helper shared by the upload routes: removes multer's temporary file.
function discard(file) {
  if (!file || !file.path) return;
  // ok: NW114
  fs.unlink(file.path, () => {});
}

// Writes an exported file where the caller says: a path from the request is dangerous here.
function save(target, data) {
  // ruleid: NW114
  fs.writeFileSync(target, data);
}

router.post('/scan', upload.single('doc'), (req, res) => {
  discard(req.file);
  save(path.join('/srv/exports', req.body.name), 'scanned');
  res.status(202).end();
});

router.post('/avatar', upload.single('avatar'), (req, res, next) => {
  const file = req.file;
  if (!file) return res.status(400).json({ error: 'no file' });
  // ok: NW114
  fs.readFile(file.path, (err, data) => {
    // ok: NW114
    fs.unlink(file.path, () => {});
    if (err) return next(err);
    return res.json({ size: data.length });
  });
});

router.post('/attachments', upload.array('files', 5), (req, res) => {
  for (const attachment of req.files) {
    // ok: NW114
    fs.unlinkSync(attachment.path);
  }
  res.status(204).end();
});

router.post('/library', upload.single('doc'), (req, res) => {
  const data = fs.readFileSync(req.file.path);
  // ruleid: NW114
  fs.writeFileSync(path.join('/srv/library', req.file.originalname), data);
  res.status(201).json({ name: req.file.originalname });
});

module.exports = router;
