"""Sources, sinks and sanitizers as data (DESIGN.md "Taint").

A qualified name (`qn`) is how the walker names a callee once require/import
aliases are resolved: `child_process.exec`, `lodash.merge`, `fs.promises.readFile`.
Method sinks that do not depend on a module (`res.redirect`, `x.query(sql)`) are
matched on the receiver's role or on the method name alone.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ALL_KINDS",
    "CLEAN_ALL",
    "MODULE_SINKS",
    "METHOD_SINKS",
    "MONGO_PACKAGES",
    "OTHER_DB_PACKAGES",
    "PROPAGATORS",
    "db_family",
    "REQUEST_PARTS",
    "RES_SINKS",
    "SANITIZERS",
    "STRING_ONLY_PARTS",
    "SinkSpec",
    "VALIDATING_METHODS",
    "normalize_module",
]

ALL_KINDS = frozenset(
    {"command", "code", "sql", "nosql", "path", "ssrf", "redirect", "xss", "proto", "protokey", "regex", "deser", "xxe"}
)
"""`proto` is an *object* reaching a deep merge (a string cannot carry `__proto__` keys there);
`protokey` a request value used as a property name two levels deep (`obj[a][b] = v`), where a
plain string such as `'__proto__'` from a path parameter is exactly the attack."""


@dataclass(frozen=True, slots=True)
class SinkSpec:
    """Which arguments of a sink function are dangerous, and for which kind."""
    kind: str
    args: tuple[int, ...]
    """Argument positions that are the sink; (-1,) means every argument."""


def normalize_module(spec: str) -> str:
    """`node:fs` -> `fs`; `fs/promises` -> `fs.promises`; `lodash/merge` -> `lodash.merge`."""
    if spec.startswith("node:"):
        spec = spec[5:]
    if spec.startswith("lodash.") and "/" not in spec:  # lodash.merge package
        return spec
    if spec.startswith("@"):
        return spec
    return spec.replace("/", ".")


_FS_PATH_FUNCS = (
    "readFile", "readFileSync", "writeFile", "writeFileSync", "appendFile", "appendFileSync",
    "createReadStream", "createWriteStream", "unlink", "unlinkSync", "rm", "rmSync", "readdir",
    "readdirSync", "open", "openSync", "access", "rename", "renameSync", "copyFile", "stat",
    "statSync", "mkdir", "mkdirSync", "outputFile", "remove", "readJson", "readJSON",
)

MODULE_SINKS: dict[str, SinkSpec] = {
    "child_process.exec": SinkSpec("command", (0,)),
    "child_process.execSync": SinkSpec("command", (0,)),
    "child_process.spawn": SinkSpec("command", (0,)),
    "child_process.spawnSync": SinkSpec("command", (0,)),
    "child_process.execFile": SinkSpec("command", (0,)),
    "child_process.execFileSync": SinkSpec("command", (0,)),
    "shelljs.exec": SinkSpec("command", (0,)),
    "execa": SinkSpec("command", (0,)),
    "execa.command": SinkSpec("command", (0,)),
    "execa.execaCommand": SinkSpec("command", (0,)),
    "eval": SinkSpec("code", (0,)),
    "child_process.fork": SinkSpec("code", (0,)),
    "safe-eval": SinkSpec("code", (0,)),
    "vm2.VM.run": SinkSpec("code", (0,)),
    "Function": SinkSpec("code", (-1,)),
    "vm.runInNewContext": SinkSpec("code", (0,)),
    "vm.runInThisContext": SinkSpec("code", (0,)),
    "vm.runInContext": SinkSpec("code", (0,)),
    "vm.compileFunction": SinkSpec("code", (0,)),
    "vm.Script": SinkSpec("code", (0,)),
    "setTimeout": SinkSpec("code", (0,)),
    "setInterval": SinkSpec("code", (0,)),
    "http.get": SinkSpec("ssrf", (0,)),
    "http.request": SinkSpec("ssrf", (0,)),
    "https.get": SinkSpec("ssrf", (0,)),
    "https.request": SinkSpec("ssrf", (0,)),
    "axios": SinkSpec("ssrf", (0,)),
    "axios.get": SinkSpec("ssrf", (0,)),
    "axios.post": SinkSpec("ssrf", (0,)),
    "axios.put": SinkSpec("ssrf", (0,)),
    "axios.delete": SinkSpec("ssrf", (0,)),
    "axios.head": SinkSpec("ssrf", (0,)),
    "axios.patch": SinkSpec("ssrf", (0,)),
    "axios.request": SinkSpec("ssrf", (0,)),
    "fetch": SinkSpec("ssrf", (0,)),
    "node-fetch": SinkSpec("ssrf", (0,)),
    "undici.request": SinkSpec("ssrf", (0,)),
    "undici.fetch": SinkSpec("ssrf", (0,)),
    "got": SinkSpec("ssrf", (0,)),
    "got.get": SinkSpec("ssrf", (0,)),
    "got.post": SinkSpec("ssrf", (0,)),
    "request": SinkSpec("ssrf", (0,)),
    "request.get": SinkSpec("ssrf", (0,)),
    "request.post": SinkSpec("ssrf", (0,)),
    "needle.get": SinkSpec("ssrf", (0,)),
    "needle.post": SinkSpec("ssrf", (0,)),
    "needle": SinkSpec("ssrf", (1,)),
    "superagent.get": SinkSpec("ssrf", (0,)),
    "superagent.post": SinkSpec("ssrf", (0,)),
    "lodash.merge": SinkSpec("proto", (1, 2, 3)),
    "lodash.mergeWith": SinkSpec("proto", (1, 2)),
    "lodash.defaultsDeep": SinkSpec("proto", (1, 2, 3)),
    "lodash.set": SinkSpec("proto", (1,)),
    "lodash.setWith": SinkSpec("proto", (1,)),
    "lodash.zipObjectDeep": SinkSpec("proto", (0,)),
    "deepmerge": SinkSpec("proto", (0, 1)),
    "deepmerge.all": SinkSpec("proto", (0,)),
    "merge": SinkSpec("proto", (1, 2)),
    "merge.recursive": SinkSpec("proto", (1, 2)),
    "mixin-deep": SinkSpec("proto", (1, 2)),
    "deep-extend": SinkSpec("proto", (1, 2)),
    "set-value": SinkSpec("proto", (1,)),
    "dot-prop.setProperty": SinkSpec("proto", (1,)),
    "dot-prop.set": SinkSpec("proto", (1,)),
    "RegExp": SinkSpec("regex", (0,)),
    "libxmljs.parseXml": SinkSpec("xxe", (0,)),
    "libxmljs.parseXmlString": SinkSpec("xxe", (0,)),
    "libxmljs2.parseXml": SinkSpec("xxe", (0,)),
    "libxmljs2.parseXmlString": SinkSpec("xxe", (0,)),
    "node-serialize.unserialize": SinkSpec("deser", (0,)),
    "serialize-to-js.deserialize": SinkSpec("deser", (0,)),
    "funcster.deepDeserialize": SinkSpec("deser", (0,)),
}
for _fn in _FS_PATH_FUNCS:
    for _mod in ("fs", "fs.promises", "fs-extra", "graceful-fs"):
        MODULE_SINKS[f"{_mod}.{_fn}"] = SinkSpec("path", (0,))
# lodash is also imported as `lodash/merge` and `lodash.merge` packages (default export).
for _name in ("merge", "mergeWith", "defaultsDeep", "set", "setWith"):
    MODULE_SINKS[f"lodash.{_name}.default"] = MODULE_SINKS[f"lodash.{_name}"]
    MODULE_SINKS[f"lodash-es.{_name}"] = MODULE_SINKS[f"lodash.{_name}"]

METHOD_SINKS: dict[str, SinkSpec] = {
    # SQL drivers, query builders and ORMs: only the SQL text argument is a sink, so a
    # parameterised query (`db.query('... = ?', [id])`) is not one.
    "query": SinkSpec("sql", (0,)),
    "raw": SinkSpec("sql", (0,)),
    "whereRaw": SinkSpec("sql", (0,)),
    "havingRaw": SinkSpec("sql", (0,)),
    "orderByRaw": SinkSpec("sql", (0,)),
    "joinRaw": SinkSpec("sql", (0,)),
    "execute": SinkSpec("sql", (0,)),
    "$queryRawUnsafe": SinkSpec("sql", (0,)),
    "$executeRawUnsafe": SinkSpec("sql", (0,)),
    # MongoDB / Mongoose: the filter (and update) documents.
    "find": SinkSpec("nosql", (0,)),
    "findOne": SinkSpec("nosql", (0,)),
    "findOneAndUpdate": SinkSpec("nosql", (0, 1)),
    "findOneAndDelete": SinkSpec("nosql", (0,)),
    "findOneAndRemove": SinkSpec("nosql", (0,)),
    "findOneAndReplace": SinkSpec("nosql", (0,)),
    "updateOne": SinkSpec("nosql", (0, 1)),
    "updateMany": SinkSpec("nosql", (0, 1)),
    "deleteOne": SinkSpec("nosql", (0,)),
    "deleteMany": SinkSpec("nosql", (0,)),
    "countDocuments": SinkSpec("nosql", (0,)),
    "count": SinkSpec("nosql", (0,)),
    "distinct": SinkSpec("nosql", (1,)),
    "where": SinkSpec("nosql", (0,)),
    "mapReduce": SinkSpec("nosql", (0,)),
}
"""Sinks matched on the method name whatever the receiver (drivers are passed around)."""

MONGO_PACKAGES = frozenset({
    "mongoose", "mongodb", "monk", "mongojs", "mongoist", "mongoskin", "mquery", "@typegoose/typegoose",
    "@nestjs/mongoose", "@mikro-orm/mongodb", "camo", "mongorito", "nedb", "@seald-io/nedb", "nedb-promises",
    "feathers-mongodb", "@feathersjs/mongodb", "feathers-mongoose",
})
"""Packages whose models and collections take MongoDB filter documents (`$ne`, `$gt`, `$where`)."""

OTHER_DB_PACKAGES = frozenset({
    "bookshelf", "sequelize", "sequelize-typescript", "typeorm", "@nestjs/typeorm", "objection",
    "knex", "@mikro-orm/core", "@mikro-orm/postgresql", "@mikro-orm/mysql", "@mikro-orm/sqlite", "@mikro-orm/mariadb",
    "waterline", "pg", "mysql", "mysql2", "sqlite3", "better-sqlite3", "kysely", "drizzle-orm",
})
"""SQL ORMs, query builders and drivers: a `findOne({ key: value })` there binds `value` as a
parameter (an object is rejected or becomes a relation filter), never a MongoDB operator.
(Prisma is not here: its filters take operator objects, `{ email: { not: '' } }`, on SQL too.
TypeORM's `MongoRepository`/`getMongoRepository` are told apart by name, see `db_family`.)"""


def db_family(package: str, name: str = "") -> str:
    """`mongo` or `other` for a database package, `` for any other package.  `name` is what
    was taken from it (`getMongoRepository()`, `MongoRepository`): TypeORM's MongoDB side."""
    if package in MONGO_PACKAGES or (package in ("typeorm", "@nestjs/typeorm") and "mongo" in name.lower()):
        return "mongo"
    if package in OTHER_DB_PACKAGES:
        return "other"
    return ""


NOSQL_NEEDS_OBJECT = frozenset(METHOD_SINKS) - {"query", "raw", "whereRaw", "havingRaw", "orderByRaw", "joinRaw", "execute", "$queryRawUnsafe", "$executeRawUnsafe"}

RES_SINKS: dict[str, SinkSpec] = {
    "send": SinkSpec("xss", (0,)),
    "write": SinkSpec("xss", (0,)),
    "end": SinkSpec("xss", (0,)),
    "redirect": SinkSpec("redirect", (-1,)),
    "location": SinkSpec("redirect", (0,)),
    "sendFile": SinkSpec("path", (0,)),
    "download": SinkSpec("path", (0,)),
    "render": SinkSpec("path", (0,)),
}
"""Methods of the response object (Express `res`, Koa `ctx`)."""

REQUEST_PARTS = frozenset(
    {"body", "query", "params", "headers", "cookies", "signedCookies", "files", "file", "originalUrl", "url", "hostname", "path"}
)
"""`req.path` (Express: the URL path below the mount point, not decoded or normalised) is request
data too: `GET /files//evil.example` makes it `//evil.example`, and `/../` is not resolved."""
STRING_ONLY_PARTS = frozenset({"params", "headers", "cookies", "signedCookies", "originalUrl", "url", "hostname", "path"})
"""Parts that are always strings: not a NoSQL operator-injection source."""

CLEAN_ALL = frozenset({"parseInt", "parseFloat", "Number", "Boolean", "Math.floor", "Math.round", "Math.ceil", "Math.abs", "Math.max", "Math.min", "isNaN", "Array.isArray", "validator.toInt", "validator.toFloat", "validator.toBoolean", "validator.isEmail", "uuid.validate"})
"""Calls whose result carries no attacker-controlled text."""

SANITIZERS: dict[str, frozenset[str]] = {
    "escape-html": frozenset({"xss"}),
    "he.encode": frozenset({"xss"}),
    "he.escape": frozenset({"xss"}),
    "lodash.escape": frozenset({"xss"}),
    "validator.escape": frozenset({"xss"}),
    "xss": frozenset({"xss"}),
    "xss.filterXSS": frozenset({"xss"}),
    "sanitize-html": frozenset({"xss"}),
    "dompurify.sanitize": frozenset({"xss"}),
    "isomorphic-dompurify.sanitize": frozenset({"xss"}),
    "DOMPurify.sanitize": frozenset({"xss"}),
    "encodeURIComponent": frozenset({"xss", "redirect", "command", "path", "sql", "nosql", "ssrf"}),
    "mongo-sanitize": frozenset({"nosql"}),
    "express-mongo-sanitize.sanitize": frozenset({"nosql"}),
    "String": frozenset({"nosql", "proto"}),
    "path.basename": frozenset({"path"}),
    "escape-string-regexp": frozenset({"regex"}),
    "lodash.escapeRegExp": frozenset({"regex"}),
    "shell-quote.quote": frozenset({"command"}),
    "shell-escape": frozenset({"command"}),
    "sqlstring.escape": frozenset({"sql"}),
    "mysql.escape": frozenset({"sql"}),
    "pg-format": frozenset({"sql"}),
    "JSON.stringify": frozenset({"nosql", "proto", "protokey", "command", "code", "path"}),
}

PROPAGATORS = frozenset(
    {
        "path.join", "path.resolve", "path.normalize", "path.format", "util.format", "url.parse",
        "url.resolve", "querystring.parse", "querystring.stringify", "Buffer.from", "JSON.parse",
        "decodeURIComponent", "decodeURI", "Object.assign", "Object.values", "Object.keys",
        "Object.entries", "Array.from", "String.raw", "qs.parse", "URL", "Promise.resolve",
    }
)
"""Library calls whose return value carries the taint of their arguments."""

VALIDATING_METHODS = frozenset({"validate", "validateSync", "validateAsync", "parse", "parseAsync", "safeParse", "safeParseAsync", "attempt", "cast"})
"""Schema-library methods whose *result* is validated data (Joi, zod, yup, ajv)."""
