"""Small projects written on the fly for the review reproductions, scanned without a cache."""

from __future__ import annotations

from pathlib import Path

from nodeward.config import Config
from nodeward.model import ScanResult
from nodeward.scanner import scan


def write_project(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def scan_project(root: Path, analyzers: tuple[str, ...] = ("sast", "app")) -> ScanResult:
    return scan(root, Config(use_cache=False, analyzers=analyzers, jobs=1))


def found(result: ScanResult) -> set[tuple[str, str, int]]:
    """(rule id, path, line) of every finding."""
    return {(f.rule_id, f.path, f.line) for f in result.findings}
