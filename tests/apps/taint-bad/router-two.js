const express = require('express');
const router = express.Router();
router.post('/two', (req, res) => res.json({ two: 2 }));
module.exports = router;
