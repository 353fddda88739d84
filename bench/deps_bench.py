"""Dependency-audit benchmark: a 2,000-package lockfile against ~200,000 OSV records.

Builds (once, cached in .bench-cache/deps/) a synthetic OSV database the size of
OSV's full npm export and a synthetic npm v3 lockfile of 2,000 packages whose
names overlap the database, then times `nodeward deps` on it (parse, graph,
hygiene, one indexed SQLite lookup, local re-check of every candidate advisory)
with the database already built.  Also audits the real corpus lockfile
(bench/corpus.py) when it is present.

    python bench/deps_bench.py [--profile realistic|dense] [--records 200000] [--packages 2000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".bench-cache" / "deps"


def _name(i: int) -> str:
    return f"@bench/pkg-{i:06d}" if i % 7 == 0 else f"bench-pkg-{i:06d}"


def _ghsa_like(i: int, name: str, rnd: random.Random) -> dict[str, Any]:
    major = rnd.randrange(0, 6)
    ranges = []
    for _ in range(rnd.choice((1, 1, 2, 3))):
        intro = f"{major}.{rnd.randrange(0, 10)}.0"
        events: list[dict[str, str]] = [{"introduced": intro if rnd.random() > 0.2 else "0"}]
        if rnd.random() > 0.1:
            events.append({"fixed": f"{major}.{rnd.randrange(10, 20)}.{rnd.randrange(0, 5)}"})
        ranges.append({"type": "ECOSYSTEM", "events": events})
        major += 1
    return {
        "schema_version": "1.4.0",
        "id": f"GHSA-bnch-{i // 10000:04d}-{i % 10000:04d}",
        "modified": "2025-01-01T00:00:00Z",
        "aliases": [f"CVE-2025-{i:06d}"],
        "summary": f"Synthetic advisory {i} for {name}",
        "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}],
        "affected": [{"package": {"ecosystem": "npm", "name": name}, "ranges": ranges}],
        "database_specific": {"severity": rnd.choice(["LOW", "MODERATE", "HIGH", "CRITICAL"]), "cwe_ids": ["CWE-79"]},
    }


def synthetic_records(count: int, names: int, profile: str, seed: int = 1) -> Iterator[dict[str, Any]]:
    """OSV records shaped like the real npm export.

    `realistic`: 90% malware records (`MAL-`, one version each, names typosquats that
    no lockfile contains) and 10% GHSA-style records over `names // 5` packages, the
    proportions of OSV's npm export.  `dense`: every record GHSA-style over `names`
    packages, so a lockfile drawn from them hits ~3 advisories per package (a stress test).
    """
    rnd = random.Random(seed)
    for i in range(count):
        if profile == "realistic" and i % 10:
            yield {
                "schema_version": "1.5.0",
                "id": f"MAL-2025-{i:06d}",
                "modified": "2025-01-01T00:00:00Z",
                "summary": f"Malicious code in typosquat-{i:06d} (npm)",
                "affected": [{"package": {"ecosystem": "npm", "name": f"typosquat-{i:06d}"}, "versions": ["1.0.0"]}],
                "database_specific": {"malicious-packages-origins": [{"source": "ossf-package-analysis"}]},
            }
            continue
        pool = names // 5 if profile == "realistic" else names
        yield _ghsa_like(i, _name(rnd.randrange(pool)), rnd)


def synthetic_lockfile(folder: Path, packages: int, names: int, profile: str, seed: int = 2) -> None:
    """An npm v3 lockfile: 100 direct dependencies, the rest transitive, some nested copies.

    `realistic`: 10% of its packages have advisories (drawn from the vulnerable pool);
    `dense`: every package is drawn from the advisory pool."""
    rnd = random.Random(seed)
    if profile == "realistic":
        vuln = rnd.sample(range(names // 5), packages // 10)
        clean = rnd.sample(range(names, names * 2), packages - len(vuln))
        chosen = vuln + clean
        rnd.shuffle(chosen)
    else:
        chosen = rnd.sample(range(names), packages)
    entries: dict[str, Any] = {}
    keys = []
    for n, i in enumerate(chosen):
        name = _name(i)
        key = f"node_modules/{name}"
        if n > packages * 0.9 and keys:
            key = f"{rnd.choice(keys)}/node_modules/{name}"
        version = f"{rnd.randrange(0, 6)}.{rnd.randrange(0, 20)}.{rnd.randrange(0, 5)}"
        entries[key] = {
            "version": version,
            "resolved": f"https://registry.npmjs.org/{name}/-/{name.rsplit('/', 1)[-1]}-{version}.tgz",
            "integrity": "sha512-YmVuY2htYXJrLWludGVncml0eS12YWx1ZQ==",
        }
        keys.append(key)
    top = [k for k in keys if k.count("node_modules/") == 1]
    for k in keys:
        deps = {}
        for t in rnd.sample(top, 3):
            if t != k:
                deps[t.split("node_modules/", 1)[1]] = "*"
        entries[k]["dependencies"] = deps
    direct = {k.split("node_modules/", 1)[1]: entries[k]["version"] for k in top[:100]}
    lock = {
        "name": "bench-app",
        "version": "1.0.0",
        "lockfileVersion": 3,
        "requires": True,
        "packages": {"": {"name": "bench-app", "version": "1.0.0", "dependencies": direct}, **entries},
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "package.json").write_text(json.dumps({"name": "bench-app", "version": "1.0.0", "dependencies": direct}, indent=2))
    (folder / "package-lock.json").write_text(json.dumps(lock, indent=2))


def _audit(folder: Path, db: Path, cache: Path) -> tuple[float, float, int, int]:
    from nodeward.config import Config
    from nodeward.deps.analyzer import audit_project
    from nodeward.project import discover

    t0 = time.perf_counter()
    c0 = time.process_time()
    # The database is found through the config's cache dir (no environment changes:
    # bench/run.py runs other benchmarks in this same process).
    audit = audit_project(discover(folder, Config(use_cache=False, cache_dir=str(cache))))
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0
    vulns = sum(1 for f in audit.output.findings if f.rule_id == "NW701")
    return elapsed, cpu, vulns, audit.output.counts.get("packages", 0)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--records", type=int, default=200_000)
    p.add_argument("--packages", type=int, default=2_000)
    p.add_argument("--names", type=int, default=60_000, help="distinct package names in the synthetic database")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--profile", choices=("realistic", "dense"), default="realistic")
    args = p.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    from nodeward.deps.advisories.db import DB_FILENAME, AdvisoryDb

    cache = CACHE / f"cache-{args.profile}-{args.records}"
    db = AdvisoryDb(cache / DB_FILENAME)
    stamp = cache / "stamp.json"
    want = {"records": args.records, "names": args.names, "profile": args.profile, "v": 2}
    build_s = None
    if not (db.exists() and stamp.is_file() and json.loads(stamp.read_text()) == want):
        t0 = time.perf_counter()
        n = db.import_records(synthetic_records(args.records, args.names, args.profile), "synthetic", "2025-01-01T00:00:00+00:00")
        build_s = time.perf_counter() - t0
        stamp.write_text(json.dumps(want))
        print(f"built db: {n} records in {build_s:.1f} s, {db.path.stat().st_size / 1e6:.0f} MB")
    project = CACHE / f"project-{args.profile}-{args.packages}"
    if not (project / "package-lock.json").is_file():
        synthetic_lockfile(project, args.packages, args.names, args.profile)
    times = []
    cpus = []
    vulns = pkgs = 0
    for _ in range(args.repeat):
        t, cpu, vulns, pkgs = _audit(project, db.path, cache)
        times.append(t)
        cpus.append(cpu)
    import resource

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    stats = db.stats()
    print(
        f"deps audit ({args.profile}): {pkgs} packages vs {stats.advisories} advisories: "
        f"median {statistics.median(times):.3f} s, min {min(times):.3f} s, max {max(times):.3f} s "
        f"over {args.repeat} runs (CPU median {statistics.median(cpus):.3f} s); {vulns} NW701 findings; peak RSS {rss:.0f} MB"
    )
    corpus = ROOT / ".bench-cache" / "corpus"
    if (corpus / "package-lock.json").is_file():
        t, _, v, n = _audit(corpus, db.path, cache)
        print(f"real corpus lockfile: {n} packages audited in {t:.3f} s")
    result = {"packages": pkgs, "advisories": stats.advisories, "median_s": statistics.median(times), "cpu_median_s": statistics.median(cpus), "build_s": build_s, "peak_rss_mb": rss}
    out = ROOT / ".bench-cache" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"deps-{args.profile}.json").write_text(json.dumps(result, indent=2))
    return 0 if statistics.median(times) < 1.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
