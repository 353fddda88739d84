const crypto = require('crypto');
const fs = require('fs');
const https = require('https');

const KEY = crypto.scryptSync(process.env.DATA_KEY_PASSPHRASE || '', process.env.DATA_KEY_SALT || '', 32);

function encrypt(text) {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', KEY, iv);
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

function toBuffer(size) {
  return Buffer.alloc(size);
}

// Internal services use a private CA: trust it explicitly instead of disabling verification.
const agent = new https.Agent({ ca: process.env.INTERNAL_CA_FILE ? fs.readFileSync(process.env.INTERNAL_CA_FILE) : undefined });

module.exports = { encrypt, toBuffer, agent };
