"""Subcommands, one module each, listed explicitly in the order `--help` shows them.

Each module exposes `NAME`, `HELP`, `add_arguments(parser)` and `run(args) -> int`.
"""

from __future__ import annotations

from types import ModuleType

from nodeward.commands import (
    checklist,
    db,
    deps,
    probe,
    routes,
    rule,
    rules,
    scan,
    secrets,
)

__all__ = ["COMMANDS"]

COMMANDS: tuple[ModuleType, ...] = (scan, routes, deps, secrets, probe, checklist, rules, rule, db)
