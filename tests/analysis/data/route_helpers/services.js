'use strict';

module.exports = {
  sessions: { userFor: () => null },
  items: {},
  reports: {},
};
