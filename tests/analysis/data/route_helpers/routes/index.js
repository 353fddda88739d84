'use strict';
const Controller = require('../lib/controller');
const ItemsController = require('./items');
const ReportsController = require('./reports');

class ApiRouter extends Controller {
  constructor(config, services) {
    super(config);
    this.use('/inventory', new ItemsController(config, services).router);
    this.use('/reports', new ReportsController(config, services).router);
  }
}

module.exports = ApiRouter;
