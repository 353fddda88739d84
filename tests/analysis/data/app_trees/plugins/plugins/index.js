'use strict';

module.exports = [
  { path: '/search', create: require('./search') },
];
