"""Subcommands, one module each, listed explicitly in the order `--help` shows them.

Each module exposes `NAME`, `HELP`, `add_arguments(parser)` and `run(args) -> int`.
The table below repeats each name and help line so the CLI can list every command
while importing only the one being run (the probe pulls in an HTTP stack, the app
model a taint engine: `nodeward rule NW101` should not pay for either).
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["COMMANDS", "CommandSpec", "load"]

CommandSpec = tuple[str, str]
"""(name, one-line help)."""

COMMANDS: tuple[CommandSpec, ...] = (
    ("scan", "scan a Node.js project: code, routes, dependencies and secrets"),
    ("routes", "list every HTTP route with its handler and the protections guarding it"),
    ("deps", "audit lockfiles against advisories, check supply-chain hygiene, export a CycloneDX SBOM"),
    ("secrets", "find hard-coded secrets, committed .env files and secrets in git history"),
    ("probe", "live checks of a running server: headers, cookies, HTTPS/TLS, CORS, errors, exposures, rate limits (NW9xx)"),
    ("checklist", "answer the guide's Quick Node.js Security Audit checklist (PASS/FAIL/WARN with evidence)"),
    ("rules", "list every rule with its id, name, severity and default state"),
    ("rule", "print one rule's documentation (by id, e.g. NW101, or name)"),
    ("db", "build or inspect the local advisory database (offline OSV records in SQLite)"),
)


def load(name: str) -> ModuleType:
    """Import one command's module (`nodeward.commands.<name>`)."""
    return importlib.import_module(f"nodeward.commands.{name}")
