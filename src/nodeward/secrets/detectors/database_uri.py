"""Database and broker connection URIs with an inline password (NW808).

gitleaks has no rule for these, yet `mongodb://user:pass@host` in `config.js`
is the most common way a Node.js app leaks its database.
"""

from __future__ import annotations

import re

from nodeward.secrets.detectors.base import ROTATE, Detector, secret_rule

RULE = secret_rule(
    "NW808",
    "database-uri-password",
    "A database or message-broker URI with an inline password",
    what=(
        "Finds `mongodb(+srv)://`, `postgres(ql)://`, `mysql://`, `mariadb://`, `mssql://`, "
        "`redis(s)://` and `amqp(s)://` URIs that carry `user:password@`, and the same for `smtp(s)://`, "
        "`mqtt(s)://`, `nats://`, `neo4j://`, `bolt://`, `ldap(s)://`, `(s)ftp://`, `couchdb://`, "
        "`clickhouse://` and `cockroachdb://`."
    ),
    why=ROTATE + " Database passwords are rarely rotated and often shared between environments.",
    example="""
module.exports = { mongoUrl: 'mongodb://billing:Hq7Lm2Rx9Tz@db.prod.internal:27017/billing' };
""",
    lang="js title=config.js",
    use_instead="""
module.exports = { mongoUrl: process.env.MONGO_URL };
""",
    references=("https://www.mongodb.com/docs/manual/reference/connection-string/",),
)

DETECTOR = Detector(
    rule=RULE,
    kind="database password",
    keywords=("mongodb", "postgres", "mysql", "mariadb", "redis", "amqp", "mssql", "smtp", "mqtt", "nats://",
              "neo4j", "bolt://", "ldap", "ftp://", "ftps://", "sftp://", "couchdb", "clickhouse", "cockroachdb"),
    patterns=(
        re.compile(
            r"(?i)\b(?:mongodb(?:\+srv)?|postgres(?:ql)?|mysql2?|mariadb|mssql|rediss?|amqps?|"
            # also mail, IoT and other brokers Node apps connect to (nodemailer's `smtps://user:pass@`)
            r"smtps?|mqtts?|nats|neo4j(?:\+s)?|bolt|ldaps?|s?ftps?|couchdbs?|clickhouse|cockroachdb)://"
            # the host may be interpolated: `@${process.env.DB_HOST}`, `@{{ host }}`, `@%s`
            r"(?P<user>[^:@/\s\"'`]*):(?P<secret>[^@/\s\"'`]{3,})@(?:[\w.\[\]-]+|\$\{|\{\{|%s)"
        ),
    ),
)
