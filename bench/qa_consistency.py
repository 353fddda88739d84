"""QA: the same report whatever the worker count and cache state, and what the cache saves.

Scans one package folder of the benchmark corpus (`bench/corpus.py`) four times in fresh
processes, each with its own cache folder:

1. `--jobs 1 --no-cache`      (the reference)
2. default jobs, cold cache   (writes the per-file cache)
3. default jobs, warm cache   (reads it back)
4. `--jobs 1`, warm cache

and checks that the JSON reports are identical apart from `stats.seconds` and
`stats.files_from_cache` (which must equal `files_scanned` on warm runs). Then times the
two report-wide passes that `finalize` runs over every finding after the QA fixes: reading
lines back for byte -> character columns and for redacting every secret on a line.

    python bench/qa_consistency.py [PACKAGE]     # default: sequelize
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import ensure_corpus  # noqa: E402


def _scan(target: Path, cache: Path, *extra: str) -> tuple[dict[str, Any], float, int]:
    """One `nodeward scan` in a child process: the report, wall seconds, peak RSS (KB)."""
    out = cache.parent / f"report-{time.monotonic_ns()}.json"
    cmd = [sys.executable, "-m", "nodeward", "scan", str(target), "-f", "json", "-o", str(out), "-q", "--fail-on", "critical", *extra]
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(cmd, check=False, env={"NODEWARD_CACHE_DIR": str(cache), "PATH": "/usr/bin:/bin"})
    wall = time.perf_counter() - started
    peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)
    return json.loads(out.read_text(encoding="utf-8")), wall, peak


def _comparable(doc: dict[str, Any]) -> dict[str, Any]:
    doc = json.loads(json.dumps(doc))
    doc["stats"].pop("seconds")
    doc["stats"].pop("files_from_cache")
    return doc


def main() -> int:
    package = sys.argv[1] if len(sys.argv) > 1 else "sequelize"
    target = ensure_corpus() / "node_modules" / package
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        runs = {
            "jobs=1, no cache": _scan(target, base / "c0", "--jobs", "1", "--no-cache"),
            "default jobs, cold cache": _scan(target, base / "c1"),
            "default jobs, warm cache": _scan(target, base / "c1"),
            "jobs=1, warm cache": _scan(target, base / "c1", "--jobs", "1"),
        }
    reference = _comparable(runs["jobs=1, no cache"][0])
    ok = True
    print(f"target: {target} ({reference['stats']['files_scanned']} JS/TS files, {len(reference['findings'])} findings)")
    for name, (doc, wall, _peak) in runs.items():
        same = _comparable(doc) == reference
        ok &= same
        stats = doc["stats"]
        print(f"{name:26s} wall {wall:6.2f} s  scan {stats['seconds']:6.2f} s  from cache {stats['files_from_cache']:4d}/{stats['files_scanned']:<4d}  identical: {same}")
        if "warm" in name and stats["files_from_cache"] != stats["files_scanned"]:
            ok = False
    _time_finalize_passes(target)
    return 0 if ok else 1


def _time_finalize_passes(target: Path) -> None:
    """The two report-wide passes over this scan's findings, in this process."""
    from nodeward.columns import to_character_columns
    from nodeward.config import Config
    from nodeward.project import discover
    from nodeward.scanner import scan_project
    from nodeward.secrets.overlap import mask_overlapping

    result = scan_project(discover(target, Config(use_cache=False)))
    findings = list(result.findings)
    started = time.perf_counter()
    for _ in range(10):
        to_character_columns(target, findings)
    columns = (time.perf_counter() - started) / 10
    started = time.perf_counter()
    for _ in range(10):
        mask_overlapping(findings, target)
    masking = (time.perf_counter() - started) / 10
    print(f"finalize passes over {len(findings)} findings: columns {columns * 1000:.1f} ms, secret masking {masking * 1000:.1f} ms")


if __name__ == "__main__":
    raise SystemExit(main())
