"""Shared helpers for the app-model tests."""

from __future__ import annotations

import re
from pathlib import Path

from nodeward.analysis.appmodel import Route
from nodeward.analysis.link import LinkedProject, link_project
from nodeward.config import Config
from nodeward.model import ScanResult
from nodeward.project import discover
from nodeward.registry import rules_by_family
from nodeward.sast.engine import run_sast
from nodeward.scanner import scan

APP_RULES = frozenset(r.id for r in rules_by_family("app"))
_ANNOTATION = re.compile(r"//\s*(ruleid|ok):\s*(NW\d{3})")


def scan_app(path: Path) -> ScanResult:
    """Scan with the code analyzers only, no cache (tests must see the current code)."""
    return scan(path, Config(use_cache=False, analyzers=("sast", "app"), jobs=1))


def app_findings(result: ScanResult) -> set[tuple[str, str, int]]:
    return {(f.rule_id, f.path, f.line) for f in result.findings if f.rule_id in APP_RULES}


def link(path: Path) -> LinkedProject:
    config = Config(use_cache=False, jobs=1)
    project = discover(path, config)
    return link_project(project, run_sast(project).facts)


def route_rows(routes: list[Route]) -> set[tuple[str, str, str, int, tuple[tuple[str, str | None], ...]]]:
    """(method, path, file, handler line, ((protection, middleware name or None), ...))."""
    rows = set()
    for r in routes:
        prot = tuple((k, (v.name if v is not None else None)) for k, v in sorted(r.protections.items()))
        rows.add((r.method, r.path, r.file, r.line, prot))
    return rows


def annotated_lines(root: Path, suffixes: tuple[str, ...] = (".js",)) -> tuple[set[tuple[str, str, int]], set[tuple[str, str, int]]]:
    """`// ruleid: NWxxx` / `// ok: NWxxx` comments, each about the line below it."""
    expected: set[tuple[str, str, int]] = set()
    forbidden: set[tuple[str, str, int]] = set()
    for path in sorted(p for p in root.rglob("*") if p.suffix in suffixes):
        rel = path.relative_to(root).as_posix()
        for i, line in enumerate(path.read_text().splitlines(), 1):
            for kind, rule in _ANNOTATION.findall(line):
                (expected if kind == "ruleid" else forbidden).add((rule, rel, i + 1))
    return expected, forbidden
