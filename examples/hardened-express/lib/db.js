const mysql = require('mysql2');
const config = require('../config');

const pool = mysql.createPool(config.mysql);

function findNotesByTitle(title, callback) {
  // Parameterised: the driver escapes the value, the SQL text never changes.
  pool.query('SELECT id, title FROM notes WHERE title LIKE ?', [`%${title}%`], callback);
}

module.exports = { findNotesByTitle };
