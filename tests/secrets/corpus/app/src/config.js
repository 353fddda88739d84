// Orders service configuration.
module.exports = {
  db: { user: 'orders', password: 'Hx4!mQ9zLp2w' },
  passwordField: 'password',
  stripe: process.env.STRIPE_KEY,
  githubToken: 'ghp_ESQedUStPKR0CsTy4Qwb8DwkNhFdnXsiVpzz',
  apiKey: process.env.API_KEY || '',
  mongo: 'mongodb+srv://orders:' + process.env.MONGO_PW + '@cluster0.example.net/orders',
  adminPassword: 'changeme',
  resetTokenTtl: '15m',
  // Example: mongodb://user:hunter22@localhost/orders
};
