// A reporting service: middleware in other files parse the request once and park the
// values in res.locals / req.app.locals for the routers mounted after them.
const express = require('express');
const helmet = require('helmet');
const { loadListing } = require('./middleware/listing');
const rememberReturnTo = require('./middleware/return-to');
const reports = require('./routes/reports');
const admin = require('./routes/admin');
const account = require('./routes/account');

const app = express();
app.use(helmet());
app.use(express.json());
app.use(loadListing);
app.use('/reports', reports);
app.use('/admin', admin);
app.use(rememberReturnTo);
app.use('/account', account);

app.use((err, req, res, next) => {
  res.status(500).json({ error: 'internal error' });
});

module.exports = app;
