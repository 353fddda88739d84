"""Dependency audit entry point used by `scan` and `deps`."""

from __future__ import annotations

from collections.abc import Mapping

from nodeward.analyzer import AnalyzerOutput
from nodeward.project import Project

__all__ = ["analyze_project"]


def analyze_project(project: Project, imported_packages: Mapping[str, tuple[str, ...]] | None = None) -> AnalyzerOutput:
    """Findings for every lockfile and manifest in the project."""
    return AnalyzerOutput()
