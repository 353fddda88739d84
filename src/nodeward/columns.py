"""Byte columns to character columns, once, before any report is written.

tree-sitter and the byte-level secret detectors count columns in UTF-8 bytes, but a
`SourceSpan` promises SARIF semantics and the SARIF report declares
`columnKind: unicodeCodePoints`: on a line with `é` or `日本` before the finding, every
column was one or two too far right in every format (GitHub code scanning underlined the
wrong text; `file:line:col` jumped past the spot in an editor). Only lines holding a
non-ASCII byte change, so an ASCII file is read and left alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from nodeward.model import Finding, SourceSpan, TraceStep
from nodeward.project import normalise_newlines

__all__ = ["to_character_columns"]

_HISTORY_RULES = frozenset({"NW805"})
"""Findings located in an old commit's text, not the working tree's: their lines are not
the file's lines today."""
_MAX_FILE = 16 * 1024 * 1024


class _Lines:
    """Each file's lines as bytes, read at most once per report."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.files: dict[str, list[bytes] | None] = {}

    def line(self, path: str, number: int) -> bytes | None:
        if path not in self.files:
            self.files[path] = self._read(path)
        lines = self.files[path]
        if lines is None or not 1 <= number <= len(lines):
            return None
        return lines[number - 1]

    def _read(self, path: str) -> list[bytes] | None:
        target = self.base / path
        try:
            if target.stat().st_size > _MAX_FILE:
                return None
            data = target.read_bytes()
        except (OSError, ValueError):
            return None
        if data.isascii():
            return None  # nothing to convert anywhere in the file
        return normalise_newlines(data).split(b"\n")


def _convert(line: bytes | None, col: int) -> int:
    """1-based byte column -> 1-based code point column on this line."""
    if line is None or col <= 1 or line[: col - 1].isascii():
        return col
    return len(line[: col - 1].decode("utf-8", "replace")) + 1


def _step(lines: _Lines, s: TraceStep) -> TraceStep:
    column = _convert(lines.line(s.path, s.line), s.column)
    return s if column == s.column else replace(s, column=column)


def to_character_columns(root: str | Path, findings: Sequence[Finding]) -> list[Finding]:
    """`findings` with code point columns (files read relative to the scan root)."""
    base = Path(root)
    if base.is_file():
        base = base.parent
    lines = _Lines(base)
    out: list[Finding] = []
    for f in findings:
        loc = f.location
        if not isinstance(loc, SourceSpan) or f.rule_id in _HISTORY_RULES:
            out.append(f)
            continue
        start = _convert(lines.line(loc.path, loc.start_line), loc.start_col)
        end = _convert(lines.line(loc.path, loc.end_line), loc.end_col)
        trace = tuple(_step(lines, s) for s in f.trace)
        if start != loc.start_col or end != loc.end_col:
            f = replace(f, location=replace(loc, start_col=start, end_col=end))
        if trace != f.trace:
            f = replace(f, trace=trace)
        out.append(f)
    return out
