"""Cipher review and HSTS preload list: what they cost.

Part 1 starts `tests/apps/probe-tls` (one Node process, the six TLS profiles
of `tests/probe/test_tls_ciphers_live.py`) on 127.0.0.1 and times
`probe_tls` with and without the TLS 1.2 cipher review, counting the review's
handshakes.  Part 2 writes a synthetic list in Chromium's
`transport_security_state_static.json` format (a leading `//` comment block,
`//` comment lines between entries, `"pinsets"`, and string values holding
`//`) at about the real list's size, then times `load_preload_list` (Python
heap peak via tracemalloc) and host lookups.

    python bench/probe_tls_review.py [--repeat N] [--entries N]

Nothing but 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.probe.certs import make_certs  # noqa: E402
from tests.probe.test_tls_ciphers_live import PROFILES  # noqa: E402
from tests.probe.tls_servers import start_profiles  # noqa: E402

from nodeward.probe.preload import load_preload_list  # noqa: E402
from nodeward.probe.tls import probe_tls  # noqa: E402


def _median_time(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def bench_ciphers(repeat: int) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        certs = {
            "rsa": make_certs(folder / "rsa", dns="localhost", key_type="rsa", ca_name="bench RSA CA"),
            "ec": make_certs(folder / "ec", dns="localhost", ca_name="bench ECDSA CA"),
        }
        servers = start_profiles(folder, certs, PROFILES)
        try:
            for name in PROFILES:
                url = servers.https_url(name)
                report = probe_tls(url, 5.0)
                with_review = _median_time(lambda u=url: probe_tls(u, 5.0), repeat)
                without = _median_time(lambda u=url: probe_tls(u, 5.0, ciphers=False), repeat)
                c = report.ciphers
                rows.append({
                    "profile": name,
                    "handshakes": c.handshakes if c else 0,
                    "accepted": {k: len(s) for k, s in c.accepted} if c else {},
                    "tls_s": round(without, 4),
                    "tls_plus_review_s": round(with_review, 4),
                })
        finally:
            servers.stop()
    return rows


def synthetic_list(path: Path, entries: int) -> int:
    rnd = random.Random(6)
    lines = [
        "// Copyright 2012 The Chromium Authors",
        "// Use of this source code is governed by a BSD-style license that can be",
        "// found in the LICENSE file.",
        "",
        "// This file contains the HSTS preloaded list in a machine readable format.",
        "{",
        '  "pinsets": [',
        '    { "name": "test", "static_spki_hashes": ["TestSPKI"], "report_uri": "http://report-example.test/test" }',
        "  ],",
        '  "entries": [',
    ]
    policies = ("bulk-18-weeks", "bulk-1-year", "custom", "google")
    for i in range(entries):
        if i % 500 == 0:
            lines.append(f"    // START OF BULK ENTRIES block {i // 500}: https://hstspreload.org/ submissions")
        name = f"{''.join(rnd.choice('abcdefghijklmnopqrstuvwxyz') for _ in range(rnd.randint(4, 14)))}{i}.{rnd.choice(('com', 'org', 'net', 'de', 'co.uk', 'io'))}"
        entry: dict[str, object] = {"name": name, "policy": rnd.choice(policies), "mode": "force-https", "include_subdomains": rnd.random() < 0.8}
        if i % 1000 == 0:
            entry["expect_ct_report_uri"] = "https://report.example//ct"  # `//` inside a string
        lines.append("    " + json.dumps(entry) + ",")
    lines[-1] = lines[-1].rstrip(",")
    lines += ["  ]", "}"]
    path.write_text("\n".join(lines) + "\n")
    return path.stat().st_size


def bench_list(entries: int, repeat: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "transport_security_state_static.json"
        size = synthetic_list(path, entries)
        load = _median_time(lambda: load_preload_list(str(path)), repeat)
        tracemalloc.start()
        plist = load_preload_list(str(path))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        hosts = [f"www.sub{i}.{n}" for i, n in enumerate(list(plist.entries)[:50_000])] + [f"host{i}.invalid" for i in range(50_000)]
        t = time.perf_counter()
        hits = sum(1 for h in hosts if plist.lookup(h) is not None)
        lookup = time.perf_counter() - t
    return {
        "entries": entries,
        "file_mib": round(size / 2**20, 1),
        "load_s": round(load, 3),
        "heap_peak_mib": round(peak / 2**20, 1),
        "lookups": len(hosts),
        "lookup_us_each": round(lookup / len(hosts) * 1e6, 2),
        "hits": hits,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--entries", type=int, default=160_000, help="synthetic list size (Chromium's list had ~160k entries in 2025)")
    args = ap.parse_args()
    ciphers = bench_ciphers(args.repeat)
    print("| profile | review handshakes | accepted per class | probe_tls without review | with review |")
    print("|---|---|---|---|---|")
    for r in ciphers:
        print(f"| {r['profile']} | {r['handshakes']} | {r['accepted']} | {r['tls_s']} s | {r['tls_plus_review_s']} s |")
    lst = bench_list(args.entries, max(1, args.repeat // 2))
    print()
    print(json.dumps(lst))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
