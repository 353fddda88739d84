"""`nodeward routes --format html` benchmark: what the HTML route map costs over JSON.

    python bench/routes_html_bench.py

1. End to end, each in a fresh process with 2 workers and no cache: `nodeward routes -f json`
   and `-f html` on a generated Express project (an app with global helmet/session/CSRF,
   N routers in their own files, each with router-level authentication and three routes,
   one with a validator and a rate limiter), for 250 and 1000 routers.
2. The renderer alone, in this process: `render_routes_html` over synthetic route tables of
   1,000 / 5,000 / 20,000 routes with 7 middleware each (CPU time, page size, peak RSS).

Figures go to docs/BENCHMARKS.md ("routes --format html" section).
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
JOBS = 2


def _project(root: Path, routers: int) -> None:
    (root / "app.js").write_text(
        "const express = require('express');\nconst helmet = require('helmet');\n"
        "const session = require('express-session');\nconst { csrfSync } = require('csrf-sync');\n"
        "const { csrfSynchronisedProtection } = csrfSync();\nconst app = express();\n"
        "app.use(helmet());\napp.use(express.json({ limit: '100kb' }));\n"
        "app.use(session({ secret: process.env.S, resave: false, saveUninitialized: false }));\n"
        "app.use(csrfSynchronisedProtection);\n"
        + "".join(f"app.use('/api/r{i}', require('./routes/r{i}'));\n" for i in range(routers))
        + "module.exports = app;\n"
    )
    (root / "routes").mkdir()
    (root / "middleware").mkdir()
    (root / "middleware" / "auth.js").write_text(
        "function requireUser(req, res, next) {\n  if (!req.session.user) return res.status(401).end();\n  next();\n}\n"
        "module.exports = { requireUser };\n"
    )
    for i in range(routers):
        (root / "routes" / f"r{i}.js").write_text(
            "const express = require('express');\nconst rateLimit = require('express-rate-limit');\n"
            "const { body } = require('express-validator');\nconst { requireUser } = require('../middleware/auth');\n"
            "const router = express.Router();\nconst limiter = rateLimit({ windowMs: 60000, max: 10 });\n"
            "router.use(requireUser);\n"
            "router.get('/items', (req, res) => res.json([]));\n"
            "router.get('/items/:id', (req, res) => res.json({ id: req.params.id }));\n"
            "router.post('/items', limiter, body('name').isString(), (req, res) => res.status(201).end());\n"
            "module.exports = router;\n"
        )


def _run(cmd: list[str]) -> tuple[float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{cmd}: exit {proc.returncode}: {proc.stderr.decode(errors='replace')[-2000:]}")
    out = proc.stdout
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, len(out)


def end_to_end() -> None:
    for routers in (250, 1000):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            _project(root, routers)
            for fmt in ("json", "html"):
                wall, cpu, size = _run([sys.executable, "-m", "nodeward", "routes", str(root), "-f", fmt, "--no-cache", "-j", str(JOBS)])
                print(f"routes -f {fmt:4s} {routers * 3:5d} routes ({routers + 2} files): wall {wall:.2f} s, CPU {cpu:.2f} s, output {size / 1e6:.2f} MB")


def renderer_only() -> None:
    from nodeward.analysis.appmodel import Middleware, Route
    from nodeward.report.routes_html import RoutesPage, render_routes_html

    glob = (
        Middleware("helmet()", ("helmet",), "app.js", 7, "global", "`helmet()`"),
        Middleware("express.json({ limit: '100kb' })", ("body_parser",), "app.js", 8, "global", "`express.json()`"),
        Middleware("session(…)", ("session",), "app.js", 9, "global", "`express-session()`"),
        Middleware("csrfSynchronisedProtection", ("csrf",), "app.js", 10, "global", "`csrf-sync`"),
    )
    for n in (1000, 5000, 20000):
        routes = []
        for i in range(n):
            f = f"routes/r{i // 3}.js"
            chain = (
                *glob,
                Middleware("requireUser", ("authentication",), "middleware/auth.js", 1, "router", "custom middleware requireUser (checks `session.user`)"),
                Middleware("limiter", ("rate_limit",), f, 6, "route", "`express-rate-limit`"),
                Middleware("body('name').isString()", ("validation",), f, 10, "route", "`express-validator`"),
            )
            prot = {"authentication": chain[4], "authorization": None, "validation": chain[6], "rate_limit": chain[5], "csrf": chain[3]}
            routes.append(Route(("GET", "POST", "DELETE")[i % 3], f"/api/r{i // 3}/items/{i}", f, 8 + i % 3, "(req, res) => {", None, chain, prot, "express", "app.js:6", True, f, 8 + i % 3))
        page = RoutesPage(routes=routes, project="synthetic", version="bench")
        t0 = time.process_time()
        html = render_routes_html(page)
        cpu = time.process_time() - t0
        # Sizes run in ascending order, so the process's peak RSS so far is this size's peak.
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"render_routes_html {n:6d} routes x 7 middleware: CPU {cpu:.2f} s ({n / cpu:,.0f} routes/s), page {len(html) / 1e6:.1f} MB, peak RSS {rss:.0f} MB")
        del html, routes, page


if __name__ == "__main__":
    end_to_end()
    renderer_only()
