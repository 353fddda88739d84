"""App model and taint benchmark: what the cross-file analysis costs on a real npm tree.

    python bench/appmodel_bench.py            # or: python bench/run.py --only appmodel

On the corpus of `bench/corpus.py`, with 2 worker processes:

1. parse-only (`bench/parse_only.py`), the physical limit;
2. `nodeward scan` with `analyzers = ["sast"]` (workers still extract the app-model facts);
3. the same with `analyzers = ["sast", "app"]` (adds linking, taint propagation, route model, rules);
4. the full `nodeward scan` (every analyzer);
5. in one process, serially: tree-sitter parse time vs `extract_facts` time over every file
   (and the candidate search alone), the pickled size of the facts, and the linker's time;
6. linking time on generated Express projects of 100, 400 and 1600 files (routers mounted
   through a chain of files, a helper per router, a flow per route) to show it is near-linear.

Each command runs in a fresh process; CPU-seconds include its workers (RUSAGE_CHILDREN).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from corpus import ensure_corpus  # noqa: E402

JOBS = 2


def _run(label: str, cmd: list[str]) -> dict[str, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode not in (0, 1):
        print(f"{label}: exit {proc.returncode}\n{proc.stderr[-2000:]}", file=sys.stderr)
    row = {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "peak_rss_mb": round(after.ru_maxrss / 1024, 1), "exit": proc.returncode}
    print(f"{label:34s} wall {row['wall_s']:7.2f} s  cpu {row['cpu_s']:7.2f} s  exit {proc.returncode}")
    return row


def _serial_split(corpus: Path) -> dict[str, float]:
    """Parse vs facts CPU time in one process (the candidate search on its own too), the size
    of the pickled facts (what crosses the worker pipe and goes into the cache), and the
    linker's time."""
    import pickle

    from nodeward.analysis.facts import extract_facts
    from nodeward.analysis.link import link_project
    from nodeward.analysis.rules import check_project
    from nodeward.config import Config
    from nodeward.project import content_skip_reason, discover
    from nodeward.sast.parse import parse

    try:
        from nodeward.analysis.candidates import captures
    except ImportError:  # an older nodeward on PYTHONPATH, for before/after figures
        captures = None
    project = discover(corpus, Config(include_node_modules=True, use_cache=False))
    t_parse = t_facts = t_cand = t_pickle = 0.0
    facts = {}
    walked = 0
    pickled = 0
    for f in project.sources:
        with open(f.abspath, "rb") as fh:
            src = fh.read()
        if content_skip_reason(f.path, src) is not None or f.lang is None:
            continue
        t0 = time.process_time()
        tree = parse(src, f.lang)
        t1 = time.process_time()
        ff = extract_facts(f.path, src, tree, f.lang)
        t2 = time.process_time()
        if captures is not None:
            captures(src, tree, f.lang)
        t3 = time.process_time()
        blob = pickle.dumps(ff, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.loads(blob)
        t_pickle += time.process_time() - t3
        t_cand += t3 - t2
        t_facts += t2 - t1
        t_parse += t1 - t0
        if ff is not None:
            facts[f.path] = ff
            walked += ff.walked
            pickled += len(blob)
    t0 = time.process_time()
    linked = link_project(project, facts)
    flows = linked.taint.source_flows()
    findings = check_project(linked, flows)
    t_link = time.process_time() - t0
    out = {
        "files": len(project.sources),
        "walked": walked,
        "parse_cpu_s": round(t_parse, 2),
        "facts_cpu_s": round(t_facts, 2),
        "candidates_cpu_s": round(t_cand, 2),
        "facts_pickle_mb": round(pickled / 1e6, 2),
        "facts_pickle_round_trip_cpu_s": round(t_pickle, 2),
        "link_cpu_s": round(t_link, 2),
        "findings": len(findings),
    }
    print(
        f"serial: parse {out['parse_cpu_s']} s, facts {out['facts_cpu_s']} s (candidate search {out['candidates_cpu_s']} s; "
        f"{walked} of {out['files']} files walked), facts pickled {out['facts_pickle_mb']} MB "
        f"(dump+load {out['facts_pickle_round_trip_cpu_s']} s), link+rules {out['link_cpu_s']} s"
    )
    return out


def _synthetic(root: Path, n: int) -> None:
    """An Express app with n/4 routers, each in its own file with a helper file and two routes."""
    routers = max(1, n // 4)
    (root / "app.js").write_text(
        "const express = require('express');\nconst app = express();\n"
        + "".join(f"app.use('/r{i}', require('./routes/r{i}'));\n" for i in range(routers))
        + "module.exports = app;\n"
    )
    (root / "routes").mkdir()
    (root / "lib").mkdir()
    for i in range(routers):
        (root / "routes" / f"r{i}.js").write_text(
            "const express = require('express');\n"
            f"const {{ find{i} }} = require('../lib/h{i}');\n"
            "const router = express.Router();\n"
            f"router.get('/items', (req, res) => find{i}(req.query.q, res));\n"
            "router.post('/items', (req, res) => res.json({ ok: true }));\n"
            "module.exports = router;\n"
        )
        (root / "lib" / f"h{i}.js").write_text(
            f"const db = require('./db{i % 7}');\n"
            f"function find{i}(q, res) {{ db.pool.query('SELECT * FROM t WHERE a = ' + q, (e, r) => res.json(r)); }}\n"
            f"module.exports = {{ find{i} }};\n"
        )
    for k in range(7):
        (root / "lib" / f"db{k}.js").write_text("const mysql = require('mysql');\nmodule.exports = { pool: mysql.createPool({}) };\n")
    extra = n - (1 + 2 * routers + 7)
    for j in range(max(0, extra)):
        (root / "lib" / f"util{j}.js").write_text(f"module.exports = function u{j}(x) {{ return x + {j}; }};\n")


def _scaling() -> list[dict[str, float]]:
    from nodeward.analysis.link import link_project
    from nodeward.config import Config
    from nodeward.project import discover
    from nodeward.sast.engine import run_sast

    rows = []
    for n in (100, 400, 1600):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            _synthetic(root, n)
            project = discover(root, Config(use_cache=False, jobs=JOBS))
            sast = run_sast(project)
            t0 = time.perf_counter()
            linked = link_project(project, sast.facts)
            flows = linked.taint.source_flows()
            dt = time.perf_counter() - t0
            rows.append({"files": len(project.sources), "routes": len(linked.model.routes), "flows": len(flows), "link_s": round(dt, 3)})
            print(f"synthetic {len(project.sources):5d} files: {len(linked.model.routes)} routes, {len(flows)} flows, link {dt:.3f} s")
    return rows


def main(argv: list[str] | None = None) -> int:
    corpus = ensure_corpus()
    py = sys.executable
    report: dict[str, object] = {"corpus": str(corpus), "jobs": JOBS}
    with tempfile.TemporaryDirectory() as tmp:
        sast_cfg = Path(tmp) / "sast.toml"
        sast_cfg.write_text('analyzers = ["sast"]\n')
        app_cfg = Path(tmp) / "app.toml"
        app_cfg.write_text('analyzers = ["sast", "app"]\n')
        scan = [py, "-m", "nodeward", "scan", str(corpus), "--include-node-modules", "--no-cache", "--jobs", str(JOBS), "-f", "json", "-o", str(Path(tmp) / "out.json"), "-q"]
        report["parse_only"] = _run("parse-only", [py, str(BENCH / "parse_only.py"), str(corpus), "--jobs", str(JOBS), "--include-node-modules"])
        report["scan_sast"] = _run("scan analyzers=[sast]", [*scan, "--config", str(sast_cfg)])
        report["scan_sast_app"] = _run("scan analyzers=[sast, app]", [*scan, "--config", str(app_cfg)])
        report["scan_full"] = _run("scan (every analyzer)", scan)
    report["serial"] = _serial_split(corpus)
    report["scaling"] = _scaling()
    p = report["parse_only"]
    f = report["scan_full"]
    assert isinstance(p, dict) and isinstance(f, dict)
    ratio = p["wall_s"] / f["wall_s"] if f["wall_s"] else 0.0
    report["full_scan_vs_parse_only"] = round(ratio, 3)
    # Per CPU-second: steadier than wall time on a machine other jobs share.
    cpu_ratio = {k: round(p["cpu_s"] / r["cpu_s"], 3) if r["cpu_s"] else 0.0 for k, r in (("sast_app", report["scan_sast_app"]), ("full", f)) if isinstance(r, dict)}
    report["cpu_throughput_vs_parse_only"] = cpu_ratio
    print(f"full scan throughput = {ratio:.1%} of parse-only (wall); per CPU-second: full scan {cpu_ratio['full']:.1%}, sast+app {cpu_ratio['sast_app']:.1%}")
    out = ROOT / ".bench-cache" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "appmodel.json").write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
