'use strict';
const Controller = require('../lib/controller');
const { validateBody } = require('../lib/validate');

const ITEMS = '/items';
const ITEM = `${ITEMS}/:id`;

class ItemsController extends Controller {
  constructor(config, services) {
    super(config);
    this.items = services.items;
    this.get(ITEMS, this.list, 'items:read');
    this.route({
      method: 'post',
      path: ITEMS,
      handler: this.create,
      permission: 'items:write',
      middleware: [validateBody('item')],
    });
    this.route({ method: 'put', path: ITEM, handler: this.update, permission: 'items:write' });
    this.delete(ITEM, this.remove, 'items:admin');
  }

  async list(req, res) {
    res.json(await this.items.list({ owner: req.user.id }));
  }

  async create(req, res) {
    res.status(201).json(await this.items.create(req.body));
  }

  async update(req, res) {
    res.json(await this.items.update(req.params.id, req.body));
  }

  async remove(req, res) {
    await this.items.remove(req.params.id);
    res.status(204).end();
  }
}

module.exports = ItemsController;
