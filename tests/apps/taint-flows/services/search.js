const { runQuery } = require('../lib/db');

function buildSearch(term) {
  return "SELECT id, title FROM notes WHERE title LIKE '%" + term + "%'";
}

async function searchNotes(term) {
  const sql = buildSearch(term);
  return runQuery(sql);
}

module.exports = { searchNotes };
