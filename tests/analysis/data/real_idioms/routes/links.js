'use strict';

const express = require('express');
const url = require('url');

const router = express.Router();

// Behind a TLS-terminating proxy: send plain-HTTP visitors to the same page over HTTPS.
router.use((req, res, next) => {
  if (req.secure || req.query.plain === '1') return next();
  // ok: NW116
  return res.redirect(301, 'https://' + req.hostname + req.originalUrl);
});

router.get('/:id/copy', (req, res) => {
  const root = url.format({ protocol: req.protocol, host: req.get('host') });
  const id = Number(req.params.id) + 1;
  // ok: NW116
  res.location(`${root}${req.originalUrl}/${id}`).status(201).json({ id, from: req.query.from });
});

router.get('/:slug/legacy', (req, res) => {
  const moved = req.originalUrl.replace('/legacy', '');
  // ok: NW116
  res.redirect(301, moved.replace(/^\/+/, '/'));
});

// Given to the site root alone: `/` matches nothing but `/`, so the target stays here.
function ensureSlash(req, res, next) {
  const [pathname, query] = req.originalUrl.split('?');
  if (pathname.endsWith('/')) return next();
  // ok: NW116
  return res.redirect(301, `${pathname}/${query ? '?' + query : ''}`);
}
router.get('/', ensureSlash, (req, res) => res.send('home'));

// Middleware, not a route: `/legacy//evil.example` reaches it and loses its prefix.
router.use('/legacy', (req, res) => {
  // ruleid: NW116
  res.redirect(301, req.originalUrl.replace('/legacy', ''));
});

router.get('/:slug/out', (req, res) => {
  // ruleid: NW116
  res.redirect('https://' + req.hostname + req.query.to);
});

router.get('/:slug/mirror', (req, res) => {
  // ruleid: NW116
  res.redirect(`${req.protocol}://${req.query.mirror}/${req.params.slug}`);
});

module.exports = router;
