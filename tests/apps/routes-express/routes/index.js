const { Router } = require('express');
const users = require('./users');
const adminRouter = require('./admin');
const { loginLimiter } = require('../middleware/limits');
const { login } = require('../lib/auth-controller');

const router = Router();

router.post('/login', loginLimiter, login);
router.use('/users', users);
router.use('/admin', adminRouter);

module.exports = router;
