const mysql = require('mysql');
const config = require('../config');

const pool = mysql.createPool(config.mysql);

function findNotesByTitle(title, callback) {
  const sql = "SELECT * FROM notes WHERE title LIKE '%" + title + "%'";
  pool.query(sql, callback);
}

module.exports = { findNotesByTitle };
