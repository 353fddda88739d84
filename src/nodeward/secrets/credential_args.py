"""Where client libraries take a password: the declarative table behind NW806's credential checks.

A database, cache, broker, mail, FTP, SSH or LDAP client receives its password either
positionally (`new Sequelize('shop', 'admin', 'S3cr3t!')`, `neo4j.auth.basic('neo4j', 'pw')`,
`client.bind(dn, 'pw')`) or inside an options object (`new Pool({ password })`,
`nodemailer.createTransport({ auth: { pass } })`, `knex({ connection: { password } })`).
Each `CredentialArg` names the qualified callees (as `nodeward.secrets.code` resolves them
through `require`/`import` bindings, destructuring and aliases) and where the secret sits.

Qualified names: `module.export.member`; a call or `new` is written `callee()`, so the
`connect` method of an instance made by `const c = new Client()` with `Client` bound to
`require('ssh2').Client` is `ssh2.Client().connect`.  EventEmitter chains
(`conn.on('ready', f).connect(...)`) are read through (see `normalise`).

A URI with the password inline (`mysql.createConnection('mysql://u:pw@h/db')`,
`new MongoClient('mongodb://u:pw@h')`) is NW808's, found by the text detector on every
line whatever the callee; this table only adds what needs the call's shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["CREDENTIAL_ARGS", "MODULES", "CredentialArg", "lookup", "normalise"]


@dataclass(frozen=True, slots=True)
class CredentialArg:
    """One API that takes a credential, and where."""

    callees: tuple[str, ...]
    """Qualified names of the function, constructor or method."""
    kind: str
    """What the value is, for the message (`database password`)."""
    args: tuple[int, ...] = ()
    """Positional arguments that hold the secret (0-based)."""
    options: tuple[str, ...] = ()
    """Dotted property paths looked up in every object-literal argument (`auth.pass`); a path
    ending in `.*` takes every value of the object there (`users.*`)."""


_DB = "database password"
_REDIS = "Redis password"
_BROKER = "message broker password"
_HTTP = "HTTP basic-auth password"

CREDENTIAL_ARGS: tuple[CredentialArg, ...] = (
    # SQL databases and ORMs
    CredentialArg(
        ("sequelize", "sequelize.Sequelize", "sequelize.default", "sequelize-typescript.Sequelize",
         "@sequelize/core.Sequelize"),
        _DB, args=(2,), options=("password",),
    ),
    CredentialArg(("pg.Pool", "pg.Client", "pg.default.Pool", "pg.default.Client", "pg-pool"), _DB, options=("password",)),
    CredentialArg(("pg-promise()",), _DB, options=("password",)),
    CredentialArg(("postgres",), _DB, options=("password", "pass")),
    CredentialArg(
        tuple(f"{m}.{f}" for m in ("mysql", "mysql2", "mysql2/promise") for f in ("createConnection", "createPool")),
        _DB, options=("password",),
    ),
    CredentialArg(("knex", "knex.knex", "knex.default"), _DB, options=("connection.password",)),
    CredentialArg(("typeorm.DataSource", "typeorm.createConnection"), _DB, options=("password",)),
    CredentialArg(
        ("mssql.connect", "mssql.ConnectionPool", "mssql/msnodesqlv8.connect", "mssql/msnodesqlv8.ConnectionPool"),
        _DB, options=("password", "authentication.options.password"),
    ),
    CredentialArg(("tedious.Connection",), _DB, options=("authentication.options.password",)),
    CredentialArg(("oracledb.getConnection", "oracledb.createPool"), _DB, options=("password",)),
    # document stores, graph databases, search
    CredentialArg(("mongodb.MongoClient", "mongodb.MongoClient.connect"), _DB, options=("auth.password",)),
    CredentialArg(("mongoose.connect", "mongoose.createConnection"), _DB, options=("pass", "auth.password")),
    CredentialArg(("neo4j-driver.auth.basic",), "Neo4j password", args=(1,)),
    CredentialArg(("cassandra-driver.auth.PlainTextAuthProvider",), _DB, args=(1,)),
    CredentialArg(("cassandra-driver.Client",), _DB, options=("credentials.password",)),
    CredentialArg(("couchbase.connect",), _DB, options=("password",)),
    CredentialArg(("@elastic/elasticsearch.Client",), "Elasticsearch credential", options=("auth.password", "auth.apiKey")),
    # caches and brokers
    CredentialArg(
        ("ioredis", "ioredis.default", "ioredis.Redis"), _REDIS, options=("password", "sentinelPassword"),
    ),
    CredentialArg(("ioredis.Cluster",), _REDIS, options=("redisOptions.password",)),
    CredentialArg(("redis.createClient", "redis.createCluster"), _REDIS, options=("password", "defaults.password")),
    CredentialArg(("amqplib.connect", "amqplib/callback_api.connect"), _BROKER, options=("password",)),
    CredentialArg(("mqtt.connect", "mqtt.connectAsync"), _BROKER, options=("password",)),
    # mail
    CredentialArg(("nodemailer.createTransport",), "SMTP password", options=("auth.pass", "auth.clientSecret")),
    CredentialArg(("emailjs.SMTPClient",), "SMTP password", options=("password",)),
    CredentialArg(("imap",), "IMAP password", options=("password",)),
    CredentialArg(("imapflow.ImapFlow",), "IMAP password", options=("auth.pass",)),
    # file transfer and remote shells
    CredentialArg(("ftp().connect",), "FTP password", options=("password",)),
    CredentialArg(("basic-ftp.Client().access",), "FTP password", options=("password",)),
    CredentialArg(("ssh2.Client().connect",), "SSH password", options=("password", "passphrase")),
    CredentialArg(("ssh2-sftp-client().connect",), "SSH password", options=("password", "passphrase")),
    CredentialArg(("node-ssh.NodeSSH().connect",), "SSH password", options=("password", "passphrase")),
    # directories
    CredentialArg(("ldapjs.createClient().bind",), "LDAP bind password", args=(1,)),
    # HTTP clients with basic auth, SOAP
    CredentialArg(
        ("axios", "axios.default", "axios.create", "axios.request",
         *(f"axios.{m}" for m in ("get", "post", "put", "patch", "delete", "head"))),
        _HTTP, options=("auth.password",),
    ),
    CredentialArg(("got", "got.extend", *(f"got.{m}" for m in ("get", "post", "put", "patch", "delete"))), _HTTP,
                  options=("password",)),
    CredentialArg(("soap.BasicAuthSecurity",), _HTTP, args=(1,)),
    # HTTP servers with a hard-coded user table (`users.*`: every value of the map)
    CredentialArg(("express-basic-auth", "express-basic-auth.default"), _HTTP, options=("users.*",)),
    # cloud SDK credential objects
    CredentialArg(("aws-sdk.Credentials",), "AWS secret access key", args=(1,)),
    CredentialArg(("@azure/storage-blob.StorageSharedKeyCredential",), "Azure storage account key", args=(1,)),
)
"""Every API whose argument or option is a credential (see the module docstring)."""

_BY_CALLEE: dict[str, CredentialArg] = {c: entry for entry in CREDENTIAL_ARGS for c in entry.callees}

_MODULE = re.compile(r"(?:@[^/]+/)?[^.(]+")

MODULES: tuple[str, ...] = tuple(sorted({m.group(0) for c in _BY_CALLEE if (m := _MODULE.match(c))}))
"""Module names as they appear in `require('...')`/`import ... from '...'`: a file without
any of them (as a whole string literal) has no credential call to check."""

_EMITTER = re.compile(r"\.(?:on|once|prependListener|setMaxListeners)\(\)")


def normalise(callee: str) -> str:
    """`ssh2.Client().on().connect` -> `ssh2.Client().connect`: an EventEmitter's `on()` returns it."""
    return _EMITTER.sub("", callee) if "()." in callee else callee


def lookup(callee: str) -> CredentialArg | None:
    """The table entry for a qualified callee, or None."""
    return _BY_CALLEE.get(normalise(callee))
