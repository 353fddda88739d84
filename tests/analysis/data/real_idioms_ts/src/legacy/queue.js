'use strict';

const jobs = new Map();

exports.cancel = (id) => jobs.delete(id);
