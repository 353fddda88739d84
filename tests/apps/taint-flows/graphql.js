// GraphQL resolvers: `args` is client input.
const { exec } = require('child_process');
const db = require('./lib/db');

module.exports = {
  Query: {
    // ruleid: NW112
    user: (parent, { id }) => db.pool.query('SELECT * FROM users WHERE id = ' + id),
    ping(_, args) {
      // ruleid: NW110
      exec('ping -c 1 ' + args.host);
      return true;
    },
  },
  Mutation: {
    // ok: NW112
    rename: async (_, args) => db.pool.query('UPDATE users SET name = $1 WHERE id = $2', [args.name, args.id]),
  },
};
