const knex = require('knex')({ client: 'sqlite3', connection: { filename: process.env.DB_FILE } });
const bookshelf = require('bookshelf')(knex);

module.exports = bookshelf;
