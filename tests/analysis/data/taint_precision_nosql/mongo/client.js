const { MongoClient } = require('mongodb');

const client = new MongoClient(process.env.MONGO_URL);

// The newsroom's MongoDB database handle.
function database() {
  return client.db('newsroom');
}

module.exports = { database };
