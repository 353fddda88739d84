const express = require('express');
const session = require('express-session');
const cookieParser = require('cookie-parser');
const bodyParser = require('body-parser');
const cors = require('cors');
const mongoose = require('mongoose');

const config = require('./config');
const authRoutes = require('./routes/auth');
const noteRoutes = require('./routes/notes');
const adminRoutes = require('./routes/admin');
const registerFileRoutes = require('./routes/files');

mongoose.connect(config.mongoUrl);

const app = express();

app.use(cors({ origin: true, credentials: true }));
app.use(bodyParser.json());
app.use(bodyParser.urlencoded({ extended: true }));
app.use(cookieParser('cookie-secret-123'));
app.use(
  session({
    secret: 'keyboard cat',
    resave: false,
    saveUninitialized: true,
    cookie: { secure: false, httpOnly: false },
  })
);

app.use('/auth', authRoutes);
app.use('/api/notes', noteRoutes);
app.use('/admin', adminRoutes);
registerFileRoutes(app);

app.get('/', (req, res) => {
  res.send('<h1>Welcome back, ' + req.query.name + '</h1>');
});

app.get('/go', (req, res) => {
  res.redirect(req.query.next);
});

// Error handler: sends the whole error (stack trace included) to the client.
app.use((err, req, res, next) => {
  res.status(500).json({ message: err.message, stack: err.stack });
});

app.listen(config.port, () => {
  console.log(`acme-notes listening on ${config.port}`);
});

module.exports = app;
