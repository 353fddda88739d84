const express = require('express');
const router = express.Router();
router.get('/one', (req, res) => res.json({ one: 1 }));
module.exports = router;
