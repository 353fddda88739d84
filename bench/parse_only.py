"""The physical limit for the core benchmark: read and tree-sitter-parse the same
files `nodeward scan` analyses, with the same number of worker processes, and
nothing else.

    python bench/parse_only.py CORPUS [--jobs N] [--include-node-modules]

Prints one JSON object: files, bytes, seconds.  CPU time and peak RSS are
measured by the caller (`bench/run.py`) from outside, so both sides are
measured the same way.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from nodeward.config import Config
from nodeward.project import content_skip_reason, discover, generated_bundle_reason
from nodeward.sast.parse import Lang, parse


def _parse_one(task: tuple[str, str, Lang]) -> int:
    abspath, relpath, lang = task
    with open(abspath, "rb") as fh:
        source = fh.read()
    # The scan skips the same files (binary, minified, generated bundles) before parsing.
    if content_skip_reason(relpath, source) is not None or generated_bundle_reason(relpath, source) is not None:
        return -1
    parse(source, lang)
    return len(source)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--include-node-modules", action="store_true")
    args = ap.parse_args(argv)
    started = time.perf_counter()
    project = discover(Path(args.root), Config(include_node_modules=args.include_node_modules, use_cache=False))
    tasks = [(str(f.abspath), f.path, f.lang) for f in project.sources if f.lang is not None]
    chunksize = max(1, min(32, len(tasks) // (args.jobs * 8) or 1))
    sizes: list[int]
    if args.jobs == 1:
        sizes = [_parse_one(t) for t in tasks]
    else:
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            sizes = list(pool.map(_parse_one, tasks, chunksize=chunksize))
    parsed = [s for s in sizes if s >= 0]
    print(json.dumps({"files": len(parsed), "bytes": sum(parsed), "seconds": round(time.perf_counter() - started, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
