const base = require('./base');

const ApiKey = base.model('ApiKey', { tableName: 'api_keys' });

module.exports = { ApiKey };
