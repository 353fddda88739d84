const mongoose = require('mongoose');

const noteSchema = new mongoose.Schema({
  owner: { type: String, required: true },
  title: { type: String, maxlength: 200 },
  body: { type: String, maxlength: 10000 },
});

module.exports = mongoose.model('Note', noteSchema);
