const mongoose = require('mongoose');

const userSchema = new mongoose.Schema({
  email: { type: String, required: true, unique: true, lowercase: true, trim: true },
  passwordHash: { type: String, required: true },
  role: { type: String, enum: ['user', 'admin'], default: 'user' },
  // Only a SHA-256 digest of the reset token is stored; the token itself is mailed once.
  resetTokenHash: String,
  resetTokenExpires: Date,
});

module.exports = mongoose.model('User', userSchema);
