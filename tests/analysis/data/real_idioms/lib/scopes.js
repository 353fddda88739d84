'use strict';

function hasPermission(granted, wanted) {
  const list = Array.isArray(granted) ? granted : String(granted || '').split(' ');
  return list.includes(wanted) || list.includes('*');
}

module.exports = { hasPermission };
