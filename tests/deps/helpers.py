"""Shared test helpers: audit a folder with the shared GHSA records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from nodeward.analyzer import AnalyzerOutput
from nodeward.config import Config, DepsConfig, DepsIgnore, load_config
from nodeward.deps.analyzer import DepsOptions, analyze_project
from nodeward.model import Finding
from nodeward.project import discover
from tests.conftest import SHARED

ADVISORIES = str(SHARED / "advisories")
TODAY = dt.date(2026, 6, 1)


def audit(
    folder: Path,
    *,
    imported: Mapping[str, tuple[str, ...]] | None = None,
    ignores: tuple[DepsIgnore, ...] = (),
    use_config_file: bool = False,
    advisories: tuple[str, ...] = (ADVISORIES,),
    dev_drop: int = 1,
) -> AnalyzerOutput:
    if use_config_file:
        base = load_config(folder)
        config = Config(use_cache=False, deps=DepsConfig(ignore=base.deps.ignore, advisories=advisories), source=base.source)
    else:
        config = Config(use_cache=False, deps=DepsConfig(ignore=ignores, advisories=advisories, dev_severity_drop=dev_drop))
    return analyze_project(discover(folder, config), imported, options=DepsOptions(today=TODAY))


def by_rule(out: AnalyzerOutput, rule_id: str) -> list[Finding]:
    return [f for f in out.findings if f.rule_id == rule_id]
