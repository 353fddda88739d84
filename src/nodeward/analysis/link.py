"""Project-level step of the app model: link per-file facts, run cross-file rules."""

from __future__ import annotations

from collections.abc import Mapping

from nodeward.analyzer import AnalyzerOutput
from nodeward.project import Project

__all__ = ["analyze_project"]


def analyze_project(project: Project, facts: Mapping[str, object]) -> AnalyzerOutput:
    """Cross-file findings (routes, taint) from the per-file facts."""
    return AnalyzerOutput()
