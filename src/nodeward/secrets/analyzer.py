"""Secrets scan entry point used by `scan` and `secrets`."""

from __future__ import annotations

from nodeward.analyzer import AnalyzerOutput
from nodeward.project import Project

__all__ = ["analyze_project"]


def analyze_project(project: Project) -> AnalyzerOutput:
    """Findings for every text file of the project (and git history when configured)."""
    return AnalyzerOutput()
