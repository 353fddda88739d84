'use strict';

const express = require('express');

module.exports = function createShop() {
  // ok: NW401
  const shop = express();
  shop.disable('x-powered-by');
  shop.get('/cart', (req, res) => res.json({ items: [] }));
  return shop;
};
