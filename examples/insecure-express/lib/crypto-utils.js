const crypto = require('crypto');
const https = require('https');

function encrypt(text) {
  const cipher = crypto.createCipher('aes-256-cbc', 'static-password');
  return cipher.update(text, 'utf8', 'hex') + cipher.final('hex');
}

function toBuffer(size) {
  return new Buffer(size);
}

const agent = new https.Agent({ rejectUnauthorized: false });

module.exports = { encrypt, toBuffer, agent };
