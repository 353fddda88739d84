const mysql = require('mysql2');

const pool = mysql.createPool({ host: 'localhost', user: 'reports', database: 'reports' });

module.exports = pool;
