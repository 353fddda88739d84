'use strict';

const notes = new Map();

module.exports = {
  get: async (id) => notes.get(id) || { authorEmail: '' },
  put: async (id, note) => notes.set(id, note),
  remove: async (id) => notes.delete(id),
};
