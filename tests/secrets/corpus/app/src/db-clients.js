// Database, cache, mail and remote-shell clients of the orders service (FAKE credentials).
const { Sequelize } = require('sequelize');
const { Pool } = require('pg');
const Redis = require('ioredis');
const nodemailer = require('nodemailer');
const { Client: SshClient } = require('ssh2');
const ldap = require('ldapjs');

const orders = new Sequelize('orders', 'orders_app', 'tR4-orders-db-19', { host: 'db.prod.internal', dialect: 'postgres' });
const reporting = new Sequelize(process.env.REPORT_DB, 'reporter', 'hunter2-prod');
const audit = new Sequelize('audit', 'audit_app', process.env.AUDIT_DB_PASSWORD, { host: 'db.prod.internal' });
const legacy = new Sequelize('legacy', 'admin', 'changeme');

const pool = new Pool({ host: 'db.prod.internal', user: 'orders', password: 'Pg-7hq2-orders' });
const localPool = new Pool({ host: 'localhost', user: 'dev', password: process.env.PGPASSWORD });
const cache = new Redis(6379, 'cache.prod.internal', { password: 'Rd-91xk-cache' });

const mailer = nodemailer.createTransport({
  host: 'smtp.mailhost.example',
  auth: { user: 'orders', pass: 'Mx-44ap-smtp' },
});

const ssh = new SshClient();
ssh.on('ready', () => ssh.end()).connect({ host: 'bastion', username: 'deploy', password: '<password>' });

const directory = ldap.createClient({ url: 'ldaps://ldap.corp.example' });
directory.bind('cn=orders,dc=corp', 'Ld-5bn2-bind', () => {});
directory.search('cn=orders,dc=corp', { filter: '(uid=x)' }, () => {});

module.exports = { orders, reporting, audit, legacy, pool, localPool, cache, mailer, ssh, directory };
