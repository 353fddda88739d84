const base = require('./base');

const Post = base.model('Post', { tableName: 'posts', hasTimestamps: true });

module.exports = { Post };
