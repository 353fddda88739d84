const express = require('express');
const { Sequelize, DataTypes } = require('sequelize');
const knex = require('knex')({ client: 'pg', connection: process.env.PG_URL });
const { getRepository, getMongoRepository } = require('typeorm');

const router = express.Router();
const sequelize = new Sequelize(process.env.PG_URL);
const Person = sequelize.define('person', { email: DataTypes.STRING });

router.post('/people/find', async (req, res) => {
  // ok: NW113
  res.json(await Person.findOne({ where: { email: req.body.email } }));
});

router.post('/people/count', async (req, res) => {
  // ok: NW113
  res.json(await knex('people').where({ email: req.body.email }).count());
});

router.post('/people/by-email', async (req, res) => {
  // ok: NW113
  res.json(await getRepository('Person').findOne({ email: req.body.email }));
});

router.post('/events/search', async (req, res) => {
  // TypeORM's MongoDB repository passes the filter to MongoDB.
  // ruleid: NW113
  res.json(await getMongoRepository('Event').find({ kind: req.body.kind }));
});

module.exports = router;
