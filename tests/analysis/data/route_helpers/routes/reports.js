'use strict';
const Controller = require('../lib/controller');

class ReportsController extends Controller {
  constructor(config, services) {
    super(config);
    this.reports = services.reports;
    this.get('/stock', this.stock, 'reports:read');
    this.post('/rebuild', this.rebuild, 'reports:admin');
  }

  async stock(req, res) {
    res.json(await this.reports.stock(req.query.warehouse));
  }

  async rebuild(req, res) {
    await this.reports.rebuild(req.body.since);
    res.status(202).end();
  }
}

module.exports = ReportsController;
