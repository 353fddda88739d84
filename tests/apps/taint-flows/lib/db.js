const mysql = require('mysql');

const pool = mysql.createPool({ host: 'localhost' });

function runQuery(sql) {
  return new Promise((resolve, reject) => {
    // ruleid: NW112
    pool.query(sql, (err, rows) => (err ? reject(err) : resolve(rows)));
  });
}

function findById(id) {
  // ok: NW112
  return pool.query('SELECT * FROM notes WHERE id = ?', [id]);
}

module.exports = { runQuery, findById };
