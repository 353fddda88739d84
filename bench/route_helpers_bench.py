"""What modelling routes registered through project helpers costs (`analysis/route_helpers.py`).

The walker records, for every call of a project function, the arguments a route-registering
helper would need (`CallEvent.arg_consts`), and the linker expands each helper call into the
routes it registers (base-class methods per subclass, nested helpers).  Measured here:

1. on the benchmark corpus (`bench/corpus.py`, a real npm tree), in one process: the CPU time of
   `extract_facts` over every file, the pickled size of the facts, and how many calls carry
   `arg_consts` (the walker's extra work and the extra bytes through the worker pipe and cache);
2. on the real servers of `bench/real_apps.py` that register routes through helpers (already
   fetched into `.bench-cache/real-apps/`): the number of routes and the CPU time of building the
   route model from the linked facts (best of `--repeat`).

    python bench/route_helpers_bench.py
    NODEWARD_SRC=/path/to/other/src python bench/route_helpers_bench.py   # another nodeward, for before/after

Serial and single-process on purpose (CPU-seconds are the steady figure on a shared machine).
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, os.environ.get("NODEWARD_SRC", str(ROOT / "src")))
sys.path.insert(1, str(BENCH))

from corpus import ensure_corpus  # type: ignore[import-not-found]  # noqa: E402

from nodeward.analysis.appmodel import build_app_model  # noqa: E402
from nodeward.analysis.facts import extract_facts  # noqa: E402
from nodeward.analysis.link import _Callees, link_project  # noqa: E402  (the linker's own resolvers)
from nodeward.config import Config  # noqa: E402
from nodeward.project import content_skip_reason, discover  # noqa: E402
from nodeward.sast.engine import run_sast  # noqa: E402
from nodeward.sast.parse import parse  # noqa: E402

APPS = ("unleash", "budibase", "ghost", "directus", "homebridge-ui")


def corpus_facts() -> dict[str, float]:
    """extract_facts over the corpus, serially: CPU-s, pickled MB, calls with helper arguments."""
    project = discover(ensure_corpus(), Config(include_node_modules=True, use_cache=False))
    t_facts = 0.0
    size = calls = with_consts = 0
    for f in project.sources:
        with open(f.abspath, "rb") as fh:
            src = fh.read()
        if content_skip_reason(f.path, src) is not None or f.lang is None:
            continue
        tree = parse(src, f.lang)
        t0 = time.process_time()
        ff = extract_facts(f.path, src, tree, f.lang)
        t_facts += time.process_time() - t0
        if ff is None:
            continue
        size += len(pickle.dumps(ff, protocol=pickle.HIGHEST_PROTOCOL))
        for fn in ff.functions.values():
            calls += len(fn.calls)
            with_consts += sum(1 for c in fn.calls if getattr(c, "arg_consts", ()))
    return {"files": len(project.sources), "facts_cpu_s": round(t_facts, 2), "facts_mb": round(size / 1e6, 2), "calls": calls, "calls_with_arg_consts": with_consts}


def app_model(name: str, repeat: int) -> dict[str, float] | None:
    """Routes and route-model CPU time of one real app (None when it is not fetched)."""
    folder = ROOT / ".bench-cache" / "real-apps" / name
    if not folder.is_dir():
        return None
    config = Config(use_cache=False, jobs=1)
    project = discover(folder, config)
    linked = link_project(project, run_sast(project).facts)
    facts = dict(linked.facts)
    best = float("inf")
    routes = 0
    for _ in range(repeat):
        callees = _Callees(facts, linked.resolver)
        t0 = time.process_time()
        model = build_app_model(facts, callees.resolve_import, callees, callees)
        best = min(best, time.process_time() - t0)
        routes = len(model.routes)
    return {"routes": routes, "linked_routes": len(linked.model.routes), "route_model_cpu_ms": round(best * 1000, 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-corpus", action="store_true")
    args = ap.parse_args(argv)
    if not args.skip_corpus:
        c = corpus_facts()
        print(f"corpus: {c['files']} files, extract_facts {c['facts_cpu_s']} CPU-s, facts {c['facts_mb']} MB pickled, {c['calls_with_arg_consts']} of {c['calls']} project calls with helper arguments")
    for name in APPS:
        got = app_model(name, args.repeat)
        if got is None:
            print(f"{name}: not fetched (python bench/real_apps.py fetches it)")
            continue
        print(f"{name}: {got['linked_routes']} routes, route model {got['route_model_cpu_ms']} CPU-ms (best of {args.repeat})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
