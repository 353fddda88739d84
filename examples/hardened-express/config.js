// Central configuration: every secret and connection string comes from the environment.
function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`missing required environment variable ${name}`);
  }
  return value;
}

module.exports = {
  port: Number(process.env.PORT || 3000),
  trustProxy: Number(process.env.TRUST_PROXY_HOPS || 1),
  mongoUrl: required('MONGO_URL'),
  jwtSecret: required('JWT_SECRET'),
  sessionSecret: required('SESSION_SECRET'),
  cookieSecret: required('COOKIE_SECRET'),
  csrfSecret: required('CSRF_SECRET'),
  allowedOrigins: (process.env.ALLOWED_ORIGINS || 'https://notes.acme.example').split(','),
  mysql: {
    host: required('MYSQL_HOST'),
    user: required('MYSQL_USER'),
    password: required('MYSQL_PASSWORD'),
    database: process.env.MYSQL_DATABASE || 'notes',
  },
};
