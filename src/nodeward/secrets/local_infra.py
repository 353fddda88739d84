"""Where a name-based secret sits in local test infrastructure.

Three idioms put passwords in repositories on purpose, for throwaway services that
exist only on a developer's machine or a CI runner:

- **Container files of test/dev infrastructure**: a `docker-compose.yml` or
  `Dockerfile` under `test/`, `integration/`, `e2e/`, `dev/` ... (or named
  `docker-compose.test.yml`, `compose.dev.yaml`) starts databases for the test
  suite with a password everyone on the team shares.
- **Database bootstrap variables**: `POSTGRES_PASSWORD`, `MYSQL_ROOT_PASSWORD`,
  `SA_PASSWORD`, `ORACLE_PWD` ... are the variables each official database image
  documents for creating its first account.  Set to a well-known default
  (`Passw0rd`, `Password1`, `postgres`) on a service whose image *is* that
  database, the value is the container's local default, not a credential to
  anything that exists elsewhere.  A generated-looking value there stays reported:
  it may well be the production database's password.
- **npm scripts of test runners**: `"cypress:run": "cypress run --env
  AUTH_PASSWORD=…"` logs into the local instance the end-to-end tests start.

Each is reported at LOW confidence (shown with `--min-confidence low`), never
dropped.  Only name-based detections (NW807/NW808, NW804) are affected: a provider
key (AWS, Stripe, GitHub ...) is recognised by its format and keeps its confidence
wherever it is.

This module only *locates* (which image configures a line, which npm script a line
defines); the decisions are filters in `nodeward.secrets.filters`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

__all__ = [
    "BOOTSTRAP_VARIABLES",
    "container_images",
    "image_bootstraps",
    "image_repository",
    "in_local_infra_location",
    "is_container_file",
    "is_test_script",
    "is_well_known_default",
    "npm_script_lines",
]

_COMPOSE = re.compile(r"^(?:docker-)?compose(?:[.-][\w.-]+)?\.ya?ml$")
_DOCKERFILE = re.compile(r"^(?:dockerfile(?:\.[\w.-]+)?|[\w.-]+\.dockerfile|containerfile)$")
_LOCAL_DIRS = frozenset({
    "test", "tests", "testing", "e2e", "integration", "integrations", "integration-tests", "integration_tests",
    "it", "fixtures", "fixture", "dev", "development", "local", "ci", ".devcontainer", "devcontainer",
})
"""Folders whose container files start services for the test suite or a developer's machine."""
_LOCAL_WORDS = frozenset({"test", "tests", "testing", "e2e", "integration", "it", "ci", "dev", "development", "local"})
"""Words in a compose file's name that mark it for tests or development (`docker-compose.test.yml`)."""
_WORD = re.compile(r"[^a-z0-9]+")


def is_container_file(path: str) -> bool:
    """A Compose file or a Dockerfile (`docker-compose.yml`, `compose.dev.yaml`, `Dockerfile.test`)."""
    name = path.rsplit("/", 1)[-1].lower()
    return bool(_COMPOSE.match(name) or _DOCKERFILE.match(name))


def in_local_infra_location(path: str) -> bool:
    """A container file under a test/integration/e2e/dev folder, or named for one."""
    if not is_container_file(path):
        return False
    parts = path.lower().split("/")
    if any(p in _LOCAL_DIRS for p in parts[:-1]):
        return True
    name = parts[-1]
    stem = name.rsplit(".", 1)[0] if _COMPOSE.match(name) else name
    words = set(_WORD.split(stem)) - {"docker", "compose", "dockerfile"}
    return bool(words & _LOCAL_WORDS)


BOOTSTRAP_VARIABLES: Mapping[str, tuple[str, ...]] = {
    # variable: image repository words it is documented for (the image's own docs)
    "POSTGRES_PASSWORD": ("postgres", "postgresql", "postgis", "timescaledb", "pgvector"),
    "POSTGRESQL_PASSWORD": ("postgresql",),
    "POSTGRESQL_POSTGRES_PASSWORD": ("postgresql",),
    "MYSQL_ROOT_PASSWORD": ("mysql", "mariadb", "percona"),
    "MYSQL_PASSWORD": ("mysql", "mariadb", "percona"),
    "MARIADB_ROOT_PASSWORD": ("mariadb",),
    "MARIADB_PASSWORD": ("mariadb",),
    "MONGO_INITDB_ROOT_PASSWORD": ("mongo", "mongodb"),
    "MONGODB_ROOT_PASSWORD": ("mongodb",),
    "MONGODB_PASSWORD": ("mongodb",),
    "SA_PASSWORD": ("mssql", "server", "azure-sql-edge"),
    "MSSQL_SA_PASSWORD": ("mssql", "server", "azure-sql-edge"),
    "ORACLE_PWD": ("oracle", "express", "free", "enterprise"),
    "ORACLE_PASSWORD": ("oracle-xe", "oracle-free"),
    "APP_USER_PASSWORD": ("oracle-xe", "oracle-free"),
    "REDIS_PASSWORD": ("redis", "valkey"),
    "RABBITMQ_DEFAULT_PASS": ("rabbitmq",),
    "MINIO_ROOT_PASSWORD": ("minio",),
    "MINIO_SECRET_KEY": ("minio",),
    "COUCHDB_PASSWORD": ("couchdb",),
    "ELASTIC_PASSWORD": ("elasticsearch",),
    "CLICKHOUSE_PASSWORD": ("clickhouse-server", "clickhouse"),
    "ARANGO_ROOT_PASSWORD": ("arangodb",),
    "DOCKER_INFLUXDB_INIT_PASSWORD": ("influxdb",),
    "KEYCLOAK_ADMIN_PASSWORD": ("keycloak",),
    "KC_BOOTSTRAP_ADMIN_PASSWORD": ("keycloak",),
}
"""Database images' documented first-account variables, and the images they belong to
(matched against the last part of the image's repository path: `mcr.microsoft.com/mssql/server`
-> `server` with `mssql` before it, `gvenzl/oracle-free` -> `oracle-free`)."""


def image_repository(image: str) -> tuple[str, ...]:
    """`mcr.microsoft.com/mssql/server@sha256:…` -> (`mssql`, `server`); `postgres:16` -> (`postgres`,).
    The registry host and the tag or digest are not part of what the image is."""
    ref = image.strip().strip("\"'").split("@", 1)[0]
    parts = ref.lower().split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = parts[1:]
    if parts:
        parts[-1] = parts[-1].split(":", 1)[0]
    return tuple(p for p in parts if p)


def image_bootstraps(image: str, variable: str) -> bool:
    """`variable` is the documented first-account variable of the database `image` runs."""
    words = BOOTSTRAP_VARIABLES.get(variable.upper())
    repo = image_repository(image)
    if not words or not repo:
        return False
    if variable.upper() in ("SA_PASSWORD", "MSSQL_SA_PASSWORD") and repo[-1] == "server":
        return "mssql" in repo  # `mcr.microsoft.com/mssql/server`, not any image called `server`
    if variable.upper() == "ORACLE_PWD" and repo[-1] in ("express", "free", "enterprise"):
        return "database" in repo  # `container-registry.oracle.com/database/free`
    last = repo[-1]
    return any(last == w or last.startswith(w + "-") or last.endswith("-" + w) for w in words)


_DEFAULT_WORDS = (
    "password", "passwd", "pass", "secret", "admin", "administrator", "root", "changeit", "letmein", "default",
    "welcome", "test", "dev", "local", "guest", "super", "my", "db", "database", "oracle", "postgres", "mysql",
    "mariadb", "mongo", "mongodb", "sa", "sql", "server", "mssql", "redis", "rabbitmq", "minio", "minioadmin",
    "elastic", "keycloak", "couchdb", "clickhouse", "strong", "user", "app",
)
_DEFAULT_SHAPE = re.compile(r"^(?:" + "|".join(sorted(_DEFAULT_WORDS, key=len, reverse=True)) + r")+$")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "@": "a", "$": "s", "!": "i"})


def is_well_known_default(value: str) -> bool:
    """`Passw0rd`, `Password1`, `P@ssw0rd!`, `rootpassword`, `Oracle123`: a value made only of
    the words default passwords are made of (leetspeak undone, a trailing number or symbol
    dropped).  `Kp7vRt2qXw9z` is not."""
    low = value.strip().lower()
    core = re.sub(r"[0-9!?#.*_-]+$", "", low)  # `Password123!`
    core = core.translate(_LEET).replace("_", "").replace("-", "")
    return bool(core) and len(core) <= 40 and bool(_DEFAULT_SHAPE.match(core))


_FROM = re.compile(r"(?i)^\s*FROM\s+(?:--[\w-]+=\S+\s+)*(?P<image>\S+)")


def container_images(path: str, data: bytes) -> dict[int, str]:
    """Line number -> the image that line configures: in a Dockerfile, the stage's `FROM`
    image; in a Compose file, the `image:` of the service the line belongs to.  Empty when
    the file is neither, or does not parse (nothing is then demoted by image)."""
    name = path.rsplit("/", 1)[-1].lower()
    text = data.decode("utf-8", "replace")
    if _DOCKERFILE.match(name):
        out: dict[int, str] = {}
        image = ""
        for n, line in enumerate(text.splitlines(), 1):
            m = _FROM.match(line)
            if m is not None:
                image = m.group("image")
            elif image:
                out[n] = image
        return out
    if _COMPOSE.match(name):
        return _compose_images(text)
    return {}


def _compose_images(text: str) -> dict[int, str]:
    import yaml

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=loader_class)  # nodes with positions; nothing is constructed
    except yaml.YAMLError:
        return {}
    if not isinstance(root, yaml.MappingNode):
        return {}
    services = next((v for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == "services"), None)
    if not isinstance(services, yaml.MappingNode):
        return {}
    out: dict[int, str] = {}
    for _key, svc in services.value:
        if not isinstance(svc, yaml.MappingNode):
            continue
        image = next(
            (v.value for k, v in svc.value if isinstance(k, yaml.ScalarNode) and k.value == "image" and isinstance(v, yaml.ScalarNode)),
            "",
        )
        if not isinstance(image, str) or not image:
            continue
        # A block's end mark sits on the line of whatever follows it (the next service): the
        # service ends on the last line of its last scalar.  Marks are 0-based.
        for line in range(svc.start_mark.line + 1, _last_scalar_line(svc) + 2):
            out[line] = image
    return out


def _last_scalar_line(node: object, depth: int = 0) -> int:
    """0-based line where the last scalar under `node` ends (bounded depth).

    Each node is visited once: YAML aliases (`*anchor`) are the same node object at every
    reference, and walking them again would make a file of nested anchors cost 10^n visits."""
    import yaml

    last = 0
    seen: set[int] = set()
    stack: list[tuple[object, int]] = [(node, depth)]
    while stack:
        current, level = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, yaml.ScalarNode) or level > 32:
            end = current.end_mark if isinstance(current, yaml.Node) else None
            last = max(last, end.line if end is not None else 0)
        elif isinstance(current, yaml.MappingNode):
            stack.extend((n, level + 1) for pair in current.value for n in pair)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((n, level + 1) for n in current.value)
    return last


_SCRIPT_KEY = re.compile(r'^\s*"((?:[^"\\]|\\.)*)"\s*:')
_TEST_SCRIPT_WORDS = frozenset({
    "test", "tests", "e2e", "cypress", "playwright", "jest", "mocha", "vitest", "ava", "karma", "wdio", "spec",
    "integration", "it", "dev",
})
"""Words in an npm script's name that mark a test or local-development command."""
_SHIP_SCRIPT_WORDS = frozenset({"start", "deploy", "release", "publish", "prod", "production", "migrate", "seed", "serve"})
"""Words that mark a command run against a real environment: its credentials stay reported."""
_TEST_RUNNERS = frozenset({"cypress", "playwright", "jest", "mocha", "vitest", "ava", "karma", "wdio", "testcafe", "nightwatch"})
_ENV_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def is_test_script(name: str, command: str) -> bool:
    """An npm script that runs tests or a local development tool: named for one
    (`test`, `e2e:ci`, `cypress:run`, `dev`), or whose command starts a test runner
    (`cypress run …`, `AUTH_PASSWORD=x playwright test`).  A name that also says
    `start`, `deploy`, `release`, `publish`, `prod` ... is not: that command reaches a
    real environment."""
    words = set(_WORD.split(name.lower())) - {""}
    if words & _SHIP_SCRIPT_WORDS:
        return False
    if words & _TEST_SCRIPT_WORDS:
        return True
    for token in command.split():
        if _ENV_ASSIGN.match(token) or token in ("cross-env", "npx", "dotenv", "--"):
            continue
        return token.rsplit("/", 1)[-1] in _TEST_RUNNERS
    return False


def npm_script_lines(data: bytes) -> dict[int, tuple[str, str]]:
    """Line number -> (script name, command) for the lines of a package.json that define
    a top-level `scripts` entry.  Empty when the file is not a JSON object with scripts."""
    try:
        text = data.decode("utf-8")
        doc = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        return {}
    scripts = doc.get("scripts") if isinstance(doc, dict) else None
    if not isinstance(scripts, dict) or not scripts:
        return {}
    decoder = json.JSONDecoder()
    # The top-level `scripts` object: the occurrence whose decoded value is that object.
    for m in re.finditer(r'"scripts"\s*:\s*(?=\{)', text):
        try:
            value, end = decoder.raw_decode(text, m.end())
        except ValueError:
            continue
        if value != scripts:
            continue
        first = text.count("\n", 0, m.end()) + 1
        out: dict[int, tuple[str, str]] = {}
        for n, line in enumerate(text[m.end() : end].split("\n"), first):
            k = _SCRIPT_KEY.match(line)
            if k is None:
                continue
            try:
                script = json.loads(f'"{k.group(1)}"')
            except ValueError:
                continue
            command = scripts.get(script)
            if isinstance(command, str):
                out[n] = (script, command)
        return out
    return {}
