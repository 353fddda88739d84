const express = require('express');
const { body, validationResult } = require('express-validator');
const { requireUser } = require('../middleware/auth');

const router = express.Router();

router.get('/', (req, res) => {
  res.json([]);
});

router.use(requireUser);

router
  .route('/:id')
  .get((req, res) => {
    res.json({ id: req.params.id });
  })
  .put(body('name').isString(), (req, res) => {
    if (!validationResult(req).isEmpty()) return res.status(400).end();
    res.json({ name: req.body.name });
  });

module.exports = router;
