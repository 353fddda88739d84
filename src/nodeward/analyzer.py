"""What every analyzer hands back to the scan orchestrator."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from nodeward.model import Finding, ScanError, Skipped

__all__ = ["AnalyzerOutput"]


@dataclass(frozen=True, slots=True)
class AnalyzerOutput:
    findings: tuple[Finding, ...] = ()
    errors: tuple[ScanError, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    counts: Mapping[str, int] = field(default_factory=dict)
    """Counters for the stats block (`packages`, `routes`, `lockfiles`, ...)."""
    imported_packages: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """npm package name -> project files importing it (set by the app model, read by deps)."""
    browser_files: frozenset[str] = frozenset()
    """Files the project serves to browsers as static assets (set by the app model): the scan
    drops server-side findings (injection, ReDoS: `static_roots.SERVER_SIDE_RULES`) of the
    per-file analysis there."""
