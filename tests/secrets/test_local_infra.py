"""Passwords of local test infrastructure are reported at LOW confidence, not dropped, and
not at the default confidence: container files of test/integration/dev folders, database
images' bootstrap variables set to a well-known default, and credentials in npm scripts that
run test runners.  Provider keys, generated-looking values and shipping scripts stay."""

from __future__ import annotations

from pathlib import Path

import pytest
from nw_secrets_helpers import secrets_scan

from nodeward.model import Confidence
from nodeward.secrets.local_infra import (
    container_images,
    image_bootstraps,
    in_local_infra_location,
    is_test_script,
    is_well_known_default,
    npm_script_lines,
)

COMPOSE = """\
services:
  # login: sa / password: Tr0ub4dorLocal
  reporting-db:
    build: ./db
    ports:
      - "1433:1433"
    environment:
      DB_ADMIN_PASSWORD: Vz8kQ2mWx7
      PAYMENTS_API_TOKEN: Zr4tYq9mKd2w
      STRIPE_SECRET_KEY: sk_live_4eC39HqLyjWDarjtT1zdp7dc
"""

DOCKERFILE = """\
FROM mcr.microsoft.com/mssql/server:2022-latest AS db
ENV ACCEPT_EULA=Y
ENV SA_PASSWORD=Passw0rd
ENV MSSQL_SA_PASSWORD=Vz8kQ2mWx7Lp

FROM node:20-alpine
ENV DB_PASSWORD=Passw0rd
"""

BOOTSTRAP_COMPOSE = """\
services:
  db:
    image: postgres:16-alpine
    environment:
      POSTGRES_USER: orders
      POSTGRES_PASSWORD: Password1
  api:
    image: ghcr.io/acme/orders-api:1.4.2
    environment:
      POSTGRES_PASSWORD: Password1
      SESSION_SECRET: Password1
"""

PACKAGE_JSON = """\
{
  "name": "orders-web",
  "version": "1.0.0",
  "scripts": {
    "test:e2e": "playwright test",
    "cypress:run": "cypress run --env ADMIN_USER=admin,ADMIN_PASSWORD=Qa7mLocal9",
    "e2e": "E2E_PASSWORD=Qa7mLocal9x playwright test",
    "smoke": "cypress run --env ADMIN_PASSWORD=Qa7mLocal9y",
    "deploy": "DEPLOY_PASSWORD=Hq7Lm2Rx9Tz4 node deploy.js",
    "start:dev": "node server.js --env ADMIN_PASSWORD=Hq7Lm2Rx9Tz5"
  },
  "config": {
    "cypress:run": "ADMIN_PASSWORD=Hq7Lm2Rx9Tz6"
  }
}
"""


def _by_confidence(root: Path) -> tuple[set[tuple[str, int, str]], set[tuple[str, int, str]]]:
    """(findings at default confidence, findings only shown with --min-confidence low)."""
    everything = secrets_scan(root, min_confidence=Confidence.LOW).findings
    default = {(f.path, f.line, f.rule_id) for f in everything if f.confidence >= Confidence.MEDIUM and f.rule_id.startswith("NW8")}
    low = {(f.path, f.line, f.rule_id) for f in everything if f.confidence == Confidence.LOW and f.rule_id.startswith("NW8")}
    return default, low


def test_compose_file_of_integration_infrastructure(tmp_path: Path) -> None:
    (tmp_path / "scripts" / "integration").mkdir(parents=True)
    (tmp_path / "scripts" / "integration" / "docker-compose.yml").write_text(COMPOSE)
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)  # the same file at the root: the deployment's
    default, low = _by_confidence(tmp_path)
    local = "scripts/integration/docker-compose.yml"
    assert {(local, 2, "NW807"), (local, 8, "NW807")} <= low
    # A token to another service and a provider key stay at default confidence there.
    assert {(local, 9, "NW807"), (local, 10, "NW816")} <= default
    assert {("docker-compose.yml", n, "NW807") for n in (2, 8, 9)} | {("docker-compose.yml", 10, "NW816")} <= default
    assert not {(p, n, r) for p, n, r in default if p == local and n in (2, 8)}


def test_compose_files_named_for_tests_or_development(tmp_path: Path) -> None:
    for name in ("docker-compose.test.yml", "compose.dev.yaml", "docker-compose.prod.yml"):
        (tmp_path / name).write_text(COMPOSE)
    default, low = _by_confidence(tmp_path)
    assert ("docker-compose.test.yml", 8, "NW807") in low
    assert ("compose.dev.yaml", 8, "NW807") in low
    assert ("docker-compose.prod.yml", 8, "NW807") in default


def test_database_image_bootstrap_variable_with_a_well_known_default(tmp_path: Path) -> None:
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "compose.yaml").write_text(BOOTSTRAP_COMPOSE)
    default, low = _by_confidence(tmp_path)
    assert ("db/Dockerfile", 3, "NW807") in low  # mssql's SA_PASSWORD=Passw0rd
    assert ("db/Dockerfile", 4, "NW807") in default  # a generated-looking value there
    assert ("db/Dockerfile", 7, "NW807") in default  # the node stage is not the database
    assert ("deploy/compose.yaml", 6, "NW807") in low  # postgres service, POSTGRES_PASSWORD
    assert ("deploy/compose.yaml", 10, "NW807") in default  # same variable on the app's service
    assert ("deploy/compose.yaml", 11, "NW807") in default


def test_credentials_in_npm_scripts_of_test_runners(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(PACKAGE_JSON)
    default, low = _by_confidence(tmp_path)
    assert {("package.json", 6, "NW807"), ("package.json", 7, "NW804"), ("package.json", 8, "NW804")} <= low
    assert {("package.json", 9, "NW804"), ("package.json", 10, "NW804"), ("package.json", 13, "NW807")} <= default
    assert not {x for x in default if x[1] in (6, 7, 8)}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("scripts/integrations/mssql/docker-compose.yaml", True),
        ("e2e/Dockerfile", True),
        ("dev/compose.yml", True),
        ("docker-compose.ci.yml", True),
        ("Dockerfile.test", True),
        ("docker-compose.yml", False),
        ("deploy/docker-compose.prod.yml", False),
        ("integration/config.yml", False),  # not a container file
        ("src/integrations/postgres.ts", False),
    ],
)
def test_local_infra_locations(path: str, expected: bool) -> None:
    assert in_local_infra_location(path) is expected


@pytest.mark.parametrize(
    ("image", "variable", "expected"),
    [
        ("postgres:16", "POSTGRES_PASSWORD", True),
        ("bitnami/postgresql:15", "POSTGRESQL_PASSWORD", True),
        ("docker.io/library/mysql:8", "MYSQL_ROOT_PASSWORD", True),
        ("mariadb:11", "MYSQL_PASSWORD", True),
        ("mcr.microsoft.com/mssql/server@sha256:c4369c38", "SA_PASSWORD", True),
        ("gvenzl/oracle-free:23.2-slim-faststart", "ORACLE_PWD", True),
        ("container-registry.oracle.com/database/free:latest", "ORACLE_PWD", True),
        ("mongo:7", "MONGO_INITDB_ROOT_PASSWORD", True),
        ("acme/server:1.0", "SA_PASSWORD", False),
        ("node:20", "POSTGRES_PASSWORD", False),
        ("postgres:16", "MYSQL_PASSWORD", False),
        ("postgres:16", "DB_PASSWORD", False),
    ],
)
def test_bootstrap_variables(image: str, variable: str, expected: bool) -> None:
    assert image_bootstraps(image, variable) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Passw0rd", True), ("Password1", True), ("P@ssw0rd!", True), ("rootpassword", True), ("Oracle123", True),
        ("Kp7vRt2qXw9z", False), ("Summer2023!", False), ("unleash4all", False), ("Vz8kQ2mWx7Lp", False),
    ],
)
def test_well_known_defaults(value: str, expected: bool) -> None:
    assert is_well_known_default(value) is expected


@pytest.mark.parametrize(
    ("name", "command", "expected"),
    [
        ("test", "jest", True),
        ("e2e:ci", "start-server-and-test", True),
        ("cypress:open", "cypress open", True),
        ("smoke", "cypress run --env A=b", True),
        ("check", "cross-env PASSWORD=x playwright test", True),
        ("dev", "nodemon server.js", True),
        ("start:dev", "node server.js", False),
        ("deploy", "node deploy.js", False),
        ("release:e2e", "playwright test", False),
        ("build", "tsc", False),
    ],
)
def test_test_scripts(name: str, command: str, expected: bool) -> None:
    assert is_test_script(name, command) is expected


def test_npm_script_lines_only_in_the_top_level_scripts_object() -> None:
    lines = npm_script_lines(PACKAGE_JSON.encode())
    assert lines[6] == ("cypress:run", "cypress run --env ADMIN_USER=admin,ADMIN_PASSWORD=Qa7mLocal9")
    assert 13 not in lines  # `config` has a key of the same name
    assert npm_script_lines(b"{not json") == {}


def test_container_images_by_line() -> None:
    images = container_images("deploy/compose.yaml", BOOTSTRAP_COMPOSE.encode())
    assert images[6] == "postgres:16-alpine"
    assert images[10] == "ghcr.io/acme/orders-api:1.4.2"
    assert 7 not in images or images[7] != "postgres:16-alpine"
    docker = container_images("db/Dockerfile", DOCKERFILE.encode())
    assert docker[3].startswith("mcr.microsoft.com/mssql/server") and docker[7] == "node:20-alpine"
    assert container_images("docker-compose.yml", b"services: [unclosed") == {}


def test_bootstrap_variable_in_list_form_environment(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text(
        "services:\n  db:\n    image: mysql:8.0\n    environment:\n"
        "      - MYSQL_ROOT_PASSWORD=P@ssw0rd\n      - MYSQL_PASSWORD=Hq7Lm2Rx9Tz\n"
    )
    default, low = _by_confidence(tmp_path)
    assert ("docker-compose.yml", 5, "NW807") in low
    assert ("docker-compose.yml", 6, "NW807") in default
