"""OSV records straight from a folder or a `.zip` (GitHub advisory-database export, OSV `npm/all.zip`).

Folders are walked recursively for `*.json` (the GitHub database nests them by
year/month/id).  Unreadable records are counted and reported, never fatal: one
bad file in 200,000 should not hide the other 199,999.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nodeward.deps.advisories.base import AdvisorySource
from nodeward.deps.advisories.model import Advisory, parse_osv
from nodeward.errors import AdvisorySourceError

__all__ = ["OsvFilesSource", "RecordProblem", "iter_osv_records"]

MAX_RECORD_BYTES = 8 * 1024 * 1024
MAX_RECORDS = 2_000_000


@dataclass(frozen=True, slots=True)
class RecordProblem:
    where: str
    reason: str


def iter_osv_records(path: Path, problems: list[RecordProblem]) -> Iterator[dict[str, Any]]:
    """Every JSON object record under a folder, inside a zip, or in one file."""
    if not path.exists():
        raise AdvisorySourceError(f"{path}: no such file or folder")
    count = 0
    if path.is_file() and path.suffix.lower() == ".zip" and not zipfile.is_zipfile(path):
        raise AdvisorySourceError(f"{path}: not a zip archive (truncated download?)")
    if path.is_file() and zipfile.is_zipfile(path):
        try:
            zf = zipfile.ZipFile(path)
        except (OSError, zipfile.BadZipFile) as e:
            raise AdvisorySourceError(f"{path}: unreadable zip: {e}") from None
        with zf:
            for info in zf.infolist():
                if info.is_dir() or not info.filename.endswith(".json"):
                    continue
                count += 1
                if count > MAX_RECORDS:
                    problems.append(RecordProblem(str(path), f"more than {MAX_RECORDS} records; the rest skipped"))
                    return
                if info.file_size > MAX_RECORD_BYTES:
                    problems.append(RecordProblem(f"{path}!{info.filename}", "record too large"))
                    continue
                try:
                    rec = json.loads(zf.read(info))
                except (ValueError, OSError, zipfile.BadZipFile) as e:
                    problems.append(RecordProblem(f"{path}!{info.filename}", f"invalid JSON: {e}"))
                    continue
                if isinstance(rec, dict):
                    yield rec
                else:
                    problems.append(RecordProblem(f"{path}!{info.filename}", "not a JSON object"))
        return
    files: list[Path]
    if path.is_file():
        files = [path]
    else:
        files = []
        for dirpath, dirnames, filenames in os.walk(path):
            dirnames.sort()
            files.extend(Path(dirpath) / f for f in sorted(filenames) if f.endswith(".json"))
    for f in files:
        count += 1
        if count > MAX_RECORDS:
            problems.append(RecordProblem(str(path), f"more than {MAX_RECORDS} records; the rest skipped"))
            return
        try:
            if f.stat().st_size > MAX_RECORD_BYTES:
                problems.append(RecordProblem(str(f), "record too large"))
                continue
            rec = json.loads(f.read_bytes())
        except (OSError, ValueError) as e:
            problems.append(RecordProblem(str(f), f"invalid JSON: {e}"))
            continue
        if isinstance(rec, dict):
            yield rec
        else:
            problems.append(RecordProblem(str(f), "not a JSON object"))


@dataclass
class OsvFilesSource(AdvisorySource):
    """`--advisories PATH`: records used directly, indexed in memory by package name."""

    paths: Sequence[Path]
    name: str = "osv-files"
    problems: list[RecordProblem] = field(default_factory=list)
    _index: dict[str, list[Advisory]] | None = None

    def _load(self) -> dict[str, list[Advisory]]:
        if self._index is not None:
            return self._index
        index: dict[str, list[Advisory]] = {}
        for p in self.paths:
            for rec in iter_osv_records(Path(p), self.problems):
                try:
                    adv = parse_osv(rec, "osv-file")
                except ValueError as e:
                    self.problems.append(RecordProblem(str(p), str(e)))
                    continue
                for name in {a.name for a in adv.affected}:
                    index.setdefault(name, []).append(adv)
        self._index = index
        return index

    def query(self, packages: Sequence[tuple[str, str]]) -> list[Advisory]:
        index = self._load()
        out: dict[str, Advisory] = {}
        for name, _ in packages:
            for adv in index.get(name.lower(), ()):
                out[adv.id] = adv
        return list(out.values())

    def describe(self) -> str:
        return "OSV records from " + ", ".join(str(p) for p in self.paths)

    @property
    def record_count(self) -> int:
        return sum(len(v) for v in self._load().values())
