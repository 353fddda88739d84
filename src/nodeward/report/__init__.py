"""Reporters: pure functions `render(result, options) -> str`, picked from one mapping.

Reporters never open files or print; the CLI owns the output stream.  Output is
deterministic (sorted findings, sorted keys, no wall-clock time) so golden
tests can compare it byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from nodeward.model import ScanResult, Severity

__all__ = ["FORMATS", "RenderOptions", "Reporter"]


@dataclass(frozen=True, slots=True)
class RenderOptions:
    color: bool = False
    verbose: bool = False
    fail_on: Severity = Severity.HIGH


Reporter = Callable[[ScanResult, RenderOptions], str]


class _Formats(Mapping[str, Reporter]):
    """name -> reporter, importing a reporter's module (jinja2 for html) only when it is used."""

    _MODULES = {"text": "text", "json": "jsonfmt", "sarif": "sarif", "html": "html"}

    def __getitem__(self, name: str) -> Reporter:
        import importlib

        module = importlib.import_module(f"nodeward.report.{self._MODULES[name]}")
        render: Reporter = module.render
        return render

    def __iter__(self) -> Iterator[str]:
        return iter(self._MODULES)

    def __len__(self) -> int:
        return len(self._MODULES)


FORMATS: Mapping[str, Reporter] = _Formats()
