"""What the app-tree review fixes cost: `serving.scan_modules` (server starts, now also
serverless adapters and `listen({ port })`) and `static_roots.browser_files` (served folders,
now also reading the project's modules for computed `require`s into a served folder and the
served files for Node-only built-ins).

Both run once per scan in the main process, after the workers.  Measured on the real servers of
`bench/real_apps.py` (already fetched into `.bench-cache/real-apps/`) and on the benchmark corpus
(`bench/corpus.py`, with its installed packages), best of `--repeat`, CPU time of this process:

    python bench/app_tree_review_bench.py
    NODEWARD_SRC=/path/to/other/src python bench/app_tree_review_bench.py   # another nodeward, for before/after

`browser_files` gets no import map here (the linker's resolver is not run): the transitive
closure over static imports it then skips is a set walk over the few server files found.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, os.environ.get("NODEWARD_SRC", str(ROOT / "src")))
sys.path.insert(1, str(BENCH))

from corpus import ensure_corpus  # type: ignore[import-not-found]  # noqa: E402

from nodeward.analysis.serving import scan_modules  # noqa: E402
from nodeward.analysis.static_roots import browser_files  # noqa: E402
from nodeward.config import Config  # noqa: E402
from nodeward.project import Project, discover  # noqa: E402

APPS = ("ghost", "unleash", "directus", "budibase", "parse-server", "verdaccio", "node-red", "json-server", "homebridge-ui")


def _best(fn: object, repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.process_time()
        out = fn()  # type: ignore[operator]
        best = min(best, time.process_time() - t0)
    return best, out


def measure(project: Project, repeat: int) -> tuple[int, float, float, int, int, int]:
    """(code files, scan_modules CPU-s, browser_files CPU-s, starts, served folders, browser files)."""
    files = list(project.files)
    t_scan, got = _best(lambda: scan_modules(files), repeat)
    starts, served = got  # type: ignore[misc]
    t_browser, browser = _best(lambda: browser_files(files, {}, served), repeat)
    return sum(1 for f in files if f.lang is not None), t_scan, t_browser, len(starts), len(served), len(browser)  # type: ignore[arg-type]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    base = ROOT / ".bench-cache" / "real-apps"
    rows: list[tuple[str, Project]] = [(name, discover(base / name, Config(use_cache=False))) for name in APPS if (base / name).is_dir()]
    rows.append(("benchmark corpus (--include-node-modules)", discover(ensure_corpus(), Config(include_node_modules=True, use_cache=False))))
    print("| project | code files | scan_modules | browser_files | server starts / static folders / browser files |")
    print("|---|---:|---:|---:|---|")
    for name, project in rows:
        n, t_scan, t_browser, starts, served, browser = measure(project, args.repeat)
        print(f"| {name} | {n} | {t_scan * 1000:.1f} ms | {t_browser * 1000:.1f} ms | {starts} / {served} / {browser} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
