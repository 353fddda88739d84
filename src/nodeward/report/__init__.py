"""Reporters: pure functions `render(result, options) -> str`, picked from one mapping.

Reporters never open files or print; the CLI owns the output stream.  Output is
deterministic (sorted findings, sorted keys, no wall-clock time) so golden
tests can compare it byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from nodeward.model import ScanResult, Severity

__all__ = ["FORMATS", "RenderOptions", "Reporter"]


@dataclass(frozen=True, slots=True)
class RenderOptions:
    color: bool = False
    verbose: bool = False
    fail_on: Severity = Severity.HIGH


Reporter = Callable[[ScanResult, RenderOptions], str]


def _formats() -> Mapping[str, Reporter]:
    from nodeward.report import html, jsonfmt, sarif, text

    return {"text": text.render, "json": jsonfmt.render, "sarif": sarif.render, "html": html.render}


FORMATS: Mapping[str, Reporter] = _formats()
