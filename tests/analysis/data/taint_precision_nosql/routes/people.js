const express = require('express');
const { Sequelize, DataTypes } = require('sequelize');
const knex = require('knex')({ client: 'pg', connection: process.env.PG_URL });

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

module.exports = router;
