const { ApiKey } = require('./api-key');
const { Post } = require('./post');

exports.ApiKey = ApiKey;
exports.Post = Post;
