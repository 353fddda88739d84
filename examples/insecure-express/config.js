// Central configuration. (Everything here should come from the environment.)
module.exports = {
  port: process.env.PORT || 3000,
  mongoUrl: 'mongodb://notes_admin:S3cr3tPassw0rd!@db.internal.example:27017/notes',
  jwtSecret: 'acme-notes-jwt-secret-2019',
  sessionSecret: 'keyboard cat',
  mysql: {
    host: 'localhost',
    user: 'notes',
    password: 'Winter2019!',
    database: 'notes',
  },
  stripeKey: 'sk_live_4eC39HqLyjWDarjtT1zdp7dcQ8bPq2Zx',
};
