const express = require('express');
const session = require('express-session');
const passport = require('passport');
const auth = require('./auth');
const { needsPermission, requireSessionUser, tokenOrSession } = require('./auth');
const flows = require('./flows');

const adminApp = express();
adminApp.use(session({ secret: process.env.SESSION_SECRET, resave: false, saveUninitialized: false }));
adminApp.use(passport.initialize());
adminApp.use(passport.session());
adminApp.use(express.urlencoded({ extended: false }));

// ok: NW512
adminApp.post('/flows', needsPermission('flows.write'), flows.deploy);
// ok: NW512
adminApp.post('/flows/state', auth.needsPermission('flows.write'), flows.deploy);
// ruleid: NW512
adminApp.post('/settings', requireSessionUser, flows.saveSettings);
// ruleid: NW512
adminApp.post('/nodes', tokenOrSession, flows.installNode);

adminApp.listen(1880);
