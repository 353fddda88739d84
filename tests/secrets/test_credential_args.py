"""NW806 for credentials handed to client libraries (positional or in options), resolved through
`require`/`import` aliases and instances; placeholders and environment references stay quiet.

Each case runs both per-file passes the engine workers run on a JS/TS file (the syntax-tree
checks and the text detectors), so a URI with its password inline shows up as NW808.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from nw_secrets_helpers import init_repo, secrets_scan, triples

from nodeward.model import Confidence, Finding
from nodeward.sast.parse import language_for, parse
from nodeward.secrets.analyzer import scan_source_text
from nodeward.secrets.code import check_tree
from nodeward.secrets.credential_args import CREDENTIAL_ARGS, MODULES, lookup, normalise


def run(source: str, path: str) -> list[Finding]:
    lang = language_for(path)
    assert lang is not None
    data = source.encode()
    tree = parse(data, lang)
    return check_tree(path, data, tree, lang) + scan_source_text(path, data, tree, lang)


def found(source: str, path: str = "src/db.js") -> set[tuple[str, str, int]]:
    return {(f.rule_id, f.path, f.line) for f in run(source, path) if f.confidence >= Confidence.MEDIUM}


POSITIVE = [
    # Sequelize: password is the third positional argument, or `password` in the options
    ("const { Sequelize } = require('sequelize');\nconst db = new Sequelize('shop', 'admin', 'S3cr3t-pass!', {dialect:'postgres'});\n", 2),
    ("const Sequelize = require('sequelize');\nconst db = new Sequelize(process.env.DB, 'admin', 'hunter2-prod');\n", 2),
    ("import { Sequelize } from 'sequelize';\nexport const db = new Sequelize('shop', 'shop', 'Qm7xT2vL9p', {\n  dialect: 'mysql',\n});\n", 2),
    ("import Sequelize from 'sequelize';\nconst db = new Sequelize({\n  database: 'shop',\n  username: 'app',\n  password: 'Pr0d-db-pass',\n});\n", 5),
    ("const DB_PW = 'Pr0d-db-pass';\nconst { Sequelize } = require('sequelize');\nmodule.exports = new Sequelize('shop', 'app', DB_PW);\n", 3),
    # pg, mysql2, knex, typeorm, mssql
    ("const { Pool } = require('pg');\nconst pool = new Pool({ user: 'u', host: 'db.internal', password: 'Pg-pass-2023' });\n", 2),
    ("const { Client } = require('pg');\nconst client = new Client({\n  host: 'db.internal',\n  password: 'Pg-pass-2023',\n});\n", 4),
    ("import pg from 'pg';\nconst pool = new pg.Pool({ password: 'Pg-pass-2023' });\n", 2),
    ("const mysql = require('mysql2/promise');\nconst conn = await mysql.createConnection({ host: 'db', password: 'My-pass-2023' });\n", 2),
    ("const knex = require('knex')({\n  client: 'pg',\n  connection: { host: 'db', user: 'u', password: 'Knex-pass-2023' },\n});\n", 3),
    ("import { knex } from 'knex';\nexport default knex({ client: 'mysql2', connection: { password: 'Knex-pass-2023' } });\n", 2),
    ("import { DataSource } from 'typeorm';\nexport const ds = new DataSource({ type: 'postgres', password: 'Orm-pass-2023' });\n", 2),
    ("const sql = require('mssql');\nawait sql.connect({ server: 'db', authentication: { options: { password: 'Ms-pass-2023' } } });\n", 2),
    # URIs with the password inline: the NW808 text detector, whatever the callee
    ("const mysql = require('mysql');\nconst c = mysql.createConnection('mysql://user:pw4Lx9q@db.internal/shop');\n", 2),
    ("const { MongoClient } = require('mongodb');\nconst client = new MongoClient('mongodb://app:M0ngo-pass@db.internal:27017');\n", 2),
    # Mongo options, Redis, brokers
    ("const { MongoClient } = require('mongodb');\nnew MongoClient(uri, { auth: { username: 'app', password: 'M0ngo-pass-1' } });\n", 2),
    ("const mongoose = require('mongoose');\nmongoose.connect(uri, { user: 'app', pass: 'M0ngoose-pass' });\n", 2),
    ("const Redis = require('ioredis');\nconst r = new Redis(6379, 'cache.internal', { password: 'R3dis-pass-77' });\n", 2),
    ("import { createClient } from 'redis';\nconst r = createClient({ url: process.env.REDIS_URL, password: 'R3dis-pass-77' });\n", 2),
    ("const amqp = require('amqplib');\nawait amqp.connect({ hostname: 'mq', username: 'app', password: 'Rabbit-pass-1' });\n", 2),
    # mail, FTP, SSH, LDAP, graph databases, HTTP basic auth
    ("const nodemailer = require('nodemailer');\nnodemailer.createTransport({ host: 'smtp.x.org', auth: { user: 'me', pass: 'Mail-pass-2023' } });\n", 2),
    ("const Client = require('ftp');\nconst c = new Client();\nc.connect({ host: 'ftp.example.org', password: 'Ftp-pass-2023' });\n", 3),
    ("const ftp = require('basic-ftp');\nconst client = new ftp.Client();\nawait client.access({ host: 'h', user: 'u', password: 'Ftp-pass-2023' });\n", 3),
    ("const { Client } = require('ssh2');\nconst conn = new Client();\nconn.on('ready', () => {}).connect({ host: 'h', username: 'u', password: 'Ssh-pass-2023' });\n", 3),
    ("const { Client } = require('ssh2');\nnew Client().connect({ host: 'h', privateKey: key, passphrase: 'Ssh-phrase-2023' });\n", 2),
    ("const SftpClient = require('ssh2-sftp-client');\nconst sftp = new SftpClient();\nawait sftp.connect({ host: 'h', password: 'Sftp-pass-2023' });\n", 3),
    ("const ldap = require('ldapjs');\nconst client = ldap.createClient({ url: 'ldaps://ldap.corp' });\nclient.bind('cn=admin,dc=corp', 'Ld4p-bind-pw', cb);\n", 3),
    ("const neo4j = require('neo4j-driver');\nneo4j.driver(uri, neo4j.auth.basic('neo4j', 'Neo-pass-2023'));\n", 2),
    ("const axios = require('axios');\nconst api = axios.create({ baseURL: u, auth: { username: 'bot', password: 'Api-pass-2023' } });\n", 2),
    # options passed by name, shorthand properties bound to a constant, TypeScript import-require
    ("const { Pool } = require('pg');\nconst dbConfig = { host: 'db', password: 'Pg-pass-2023' };\nconst pool = new Pool(dbConfig);\n", 2),
    ("const session = require('express-session');\nconst opts = { secret: 'keyboard cat', resave: false };\napp.use(session(opts));\n", 2),
]


@pytest.mark.parametrize(("source", "line"), POSITIVE, ids=[s.split("\n")[0][:50] for s, _ in POSITIVE])
def test_literal_credentials_are_reported(source: str, line: int) -> None:
    got = found(source)
    assert any(path == "src/db.js" and ln == line and rule in ("NW806", "NW808") for rule, path, ln in got), got
    assert {ln for _r, _p, ln in got} == {line}


NEGATIVE = [
    # placeholders, empty values and environment references
    "const { Sequelize } = require('sequelize');\nnew Sequelize('shop', 'admin', 'password');\n",
    "const { Sequelize } = require('sequelize');\nnew Sequelize('shop', 'admin', 'changeme');\n",
    "const { Sequelize } = require('sequelize');\nnew Sequelize('shop', 'admin', '');\n",
    "const { Sequelize } = require('sequelize');\nnew Sequelize('shop', 'admin', '<password>');\n",
    "const { Sequelize } = require('sequelize');\nnew Sequelize('shop', 'admin', process.env.DB_PASSWORD);\n",
    "const { Sequelize } = require('sequelize');\nnew Sequelize('shop', 'admin', `${process.env.DB_PASSWORD}`);\n",
    "const { Pool } = require('pg');\nnew Pool({ password: process.env.PGPASSWORD });\n",
    "const { Pool } = require('pg');\nnew Pool({ password: 'your-password' });\n",
    "const nodemailer = require('nodemailer');\nnodemailer.createTransport({ auth: { user: 'me', pass: process.env.SMTP_PASS } });\n",
    "const neo4j = require('neo4j-driver');\nneo4j.auth.basic('neo4j', process.env.NEO4J_PASSWORD);\n",
    "const ldap = require('ldapjs');\nconst client = ldap.createClient({ url });\nclient.bind(dn, password, cb);\n",
    # the user name, the database name and the host are not secrets
    "const { Sequelize } = require('sequelize');\nnew Sequelize('shop-prod-db', 'admin-user-7', process.env.PW);\n",
    "const Redis = require('ioredis');\nnew Redis(6379, 'cache.internal.example');\n",
    # not the library: a local class, a relative module, an unrelated `connect`
    "class Sequelize { constructor(a, b, c) {} }\nnew Sequelize('shop', 'admin', 'Real-pass-2023');\n",
    "const Sequelize = require('./lib/sequelize');\nnew Sequelize('shop', 'admin', 'Real-pass-2023');\n",
    "const { Client } = require('ssh2');\nconst other = makeThing();\nother.connect('Not-a-pass-2023');\n",
    "const ldap = require('ldapjs');\nconst client = ldap.createClient({ url });\nclient.search('cn=admin,dc=corp', 'Not-a-pass-2023');\n",
    # a shorthand property from a parameter, an options name bound to no object literal
    "const { Pool } = require('pg');\nfunction connect(password) { return new Pool({ host: 'db', password }); }\n",
    "const { Pool } = require('pg');\nconst dbConfig = loadConfig();\nconst pool = new Pool(dbConfig);\n",
    # URIs without a password
    "const mysql = require('mysql');\nmysql.createConnection('mysql://reader@db.internal/shop');\n",
]


@pytest.mark.parametrize("source", NEGATIVE, ids=[s.split("\n")[-2][:50] for s in NEGATIVE])
def test_not_credentials(source: str) -> None:
    assert found(source) == set()


def test_shorthand_property_and_typescript_import_require() -> None:
    shorthand = "const password = 'Pg-pass-2023';\nconst { Pool } = require('pg');\nconst pool = new Pool({ host: 'db', password });\n"
    # One secret, one finding: the constant (NW807 where it is written) is the client's password
    # (NW806 where it is used); the surer of the two stays, here the use.
    assert found(shorthand) == {("NW806", "src/db.js", 3)}
    ts_import = "import mysql = require('mysql2');\nconst c = mysql.createPool({ password: 'My-pass-2023' });\n"
    assert found(ts_import, "src/db.ts") == {("NW806", "src/db.ts", 2)}


def test_named_password_option_outside_a_known_client_stays_nw807() -> None:
    src = "const Redis = require('./my-redis');\nnew Redis({ password: 'R3dis-pass-77' });\n"
    assert found(src) == {("NW807", "src/db.js", 2)}


def test_typescript_and_message() -> None:
    src = (
        "import { Sequelize } from 'sequelize-typescript';\n"
        "export const sequelize: Sequelize = new Sequelize('shop', 'app', 'Ts-pass-2023', { dialect: 'postgres' });\n"
    )
    (f,) = run(src, "src/db.ts")
    assert (f.rule_id, f.path, f.line, f.confidence) == ("NW806", "src/db.ts", 2, Confidence.HIGH)
    assert f.message == "Hard-coded database password passed to `new Sequelize` (`T…3`)"
    assert "Ts-pass-2023" not in f.message + f.location.snippet
    assert f.location.start_col == src.splitlines()[1].index("Ts-pass") + 1


def test_confidence_env_fallback_loopback_and_tests() -> None:
    fallback = "const { Pool } = require('pg');\nnew Pool({ host: 'db', password: process.env.PGPASSWORD || 'Pg-fallback-9' });\n"
    local = "const { Sequelize } = require('sequelize');\nnew Sequelize('shop', 'app', 'Dev-pass-2023', { host: 'localhost' });\n"
    redis_local = "const Redis = require('ioredis');\nnew Redis(6379, '127.0.0.1', { password: 'Dev-pass-2023' });\n"
    remote = "const { Sequelize } = require('sequelize');\nnew Sequelize('shop', 'app', 'Dev-pass-2023', { host: 'db.prod.internal' });\n"
    assert [(f.rule_id, f.line, f.confidence) for f in run(fallback, "src/db.js")] == [("NW806", 2, Confidence.MEDIUM)]
    assert [(f.rule_id, f.line, f.confidence) for f in run(local, "src/db.js")] == [("NW806", 2, Confidence.MEDIUM)]
    assert [(f.rule_id, f.line, f.confidence) for f in run(redis_local, "src/db.js")] == [("NW806", 2, Confidence.MEDIUM)]
    assert [(f.rule_id, f.line, f.confidence) for f in run(remote, "src/db.js")] == [("NW806", 2, Confidence.HIGH)]
    assert [(f.rule_id, f.line, f.confidence) for f in run(remote, "test/db.test.js")] == [("NW806", 2, Confidence.LOW)]


def test_table_is_consistent() -> None:
    """Every callee is unique, names a module the byte prefilter knows, and has a place to look."""
    callees = [c for entry in CREDENTIAL_ARGS for c in entry.callees]
    assert len(callees) == len(set(callees))
    assert all(entry.args or entry.options for entry in CREDENTIAL_ARGS)
    assert all(any(c == m or c.startswith((m + ".", m + "()")) for m in MODULES) for c in callees)
    assert normalise("ssh2.Client().on().once().connect") == "ssh2.Client().connect"
    assert lookup("ssh2.Client().on().connect") is lookup("ssh2.Client().connect") is not None
    assert lookup("ssh2.connect") is None


def test_whole_project_through_the_secrets_command(tmp_path: Path) -> None:
    """A small app: the credentials reach `nodeward secrets` at their files and lines, once each."""
    repo = init_repo(tmp_path / "app")
    (repo / "src").mkdir()
    (repo / "src" / "db.js").write_text(
        "const { Sequelize } = require('sequelize');\n"
        "const Redis = require('ioredis');\n"
        "\n"
        "exports.db = new Sequelize('shop', 'shop_app', 'Wq8-shop-db-2024', { host: 'db.prod.internal', dialect: 'postgres' });\n"
        "exports.cache = new Redis(6379, 'cache.prod.internal', { password: process.env.REDIS_PASSWORD });\n"
    )
    (repo / "src" / "mail.js").write_text(
        "import nodemailer from 'nodemailer';\n"
        "export const mailer = nodemailer.createTransport({\n"
        "  host: 'smtp.mailhost.example',\n"
        "  auth: { user: 'orders', pass: 'Mx7-smtp-2024' },\n"
        "});\n"
    )
    result = secrets_scan(repo)
    assert triples(result) == {("src/db.js", 4, "NW806"), ("src/mail.js", 4, "NW806")}


def test_nw806_docs_example_reports_both_lines() -> None:
    """The rule's Example shows a signing secret and a positional database password: both report."""
    from nodeward.ruledocs import code_blocks
    from nodeward.secrets.rules import HARDCODED_SECRET_ARGUMENT

    (example,) = [b for b in code_blocks(HARDCODED_SECRET_ARGUMENT.docs) if b.section == "Example"]
    assert found(example.code, "auth.js") == {("NW806", "auth.js", 3), ("NW806", "auth.js", 4)}


@pytest.mark.parametrize(
    ("source", "hint"),
    [
        (b"const { Pool } = require('pg');\n", True),
        (b"import { Pool } from \"pg\";\n", True),
        (b"const { MongoClient } = await import(`mongodb`);\n", True),
        (b"const Client = require( 'ftp' );\n", True),
        # a module's name as a plain value is not an import of it
        (b"if (options.dialect === 'postgres') quote = '\"';\n", False),
        (b"const protocols = ['ftp', 'http'];\n", False),
        (b"const m = require('pg-native-addon');\n", False),
    ],
)
def test_credential_module_hint(source: bytes, hint: bool) -> None:
    """The byte prefilter admits a file to the call walk only when it imports a client library;
    both implementations agree."""
    from nodeward.secrets import code

    assert code._plain_hints(source)[0] is hint
    assert code._hints(source)[0] is hint


def test_a_constant_used_as_a_credential_is_one_finding_not_two() -> None:
    src = "const { Sequelize } = require('sequelize');\nconst DB_PASSWORD = 'Pr0d-db-pass-9x';\nmodule.exports = new Sequelize('shop', 'app', DB_PASSWORD);\n"
    assert found(src) == {("NW806", "src/db.js", 3)}
    # A different literal in the definition and at the call: two secrets, two findings.
    two = "const { Sequelize } = require('sequelize');\nconst DB_PASSWORD = 'Pr0d-db-pass-9x';\nnew Sequelize('shop', 'app', 'Other-pass-2024');\n"
    assert found(two) == {("NW807", "src/db.js", 2), ("NW806", "src/db.js", 3)}
