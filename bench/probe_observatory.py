"""Live probe benchmark: nodeward probe vs MDN HTTP Observatory's own scanner, on the test apps.

Starts `tests/apps/probe-hardened` and `tests/apps/probe-insecure` on
127.0.0.1 ports 80 and 443 (the Observatory package, 1.4.8, scans only the
default ports; run as root, with those ports free), then for each app:

- runs `nodeward.probe.probe_url` (wall time, requests sent, Python heap peak
  via tracemalloc),
- runs the Observatory scanner locally (`bench/observatory/scan.mjs`, the npm
  package `@mdn/mdn-http-observatory` installed from the committed lockfile with
  `npm ci --ignore-scripts`; its HSTS preload list is normally downloaded by an
  install script, so an empty list is written instead: 127.0.0.1 is not
  preloaded either way),
- compares the per-test results and scores with nodeward's
  Observatory-comparable rows.

    python bench/probe_observatory.py        # prints a Markdown table and JSON

Nothing but 127.0.0.1 is contacted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.probe.certs import make_certs  # noqa: E402
from tests.probe.conftest import _site  # noqa: E402
from tests.probe.servers import start_app  # noqa: E402

from nodeward.probe import ProbeOptions, probe_url  # noqa: E402

OBS = ROOT / "bench" / "observatory"


def ensure_observatory() -> None:
    pkg = OBS / "node_modules" / "@mdn" / "mdn-http-observatory"
    if not pkg.is_dir():
        subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=OBS, check=True)
    preload = pkg / "conf" / "hsts-preload.json"
    if not preload.exists():
        preload.write_text("{}")


def run_app(app: str, tmp: Path) -> dict[str, object]:
    if app == "probe-insecure":
        certs = make_certs(tmp / "certs", ip=None, dns="insecure.invalid", expired=True)
        env = {"TLS_KEY": str(certs.key), "TLS_CERT": str(certs.cert), "SITE_ROOT": str(_site(tmp))}
        options = ProbeOptions(https_url="https://127.0.0.1/", insecure=True, ca_cert=str(certs.ca), login_path="/login",
                               login_body="user=admin&password=wrong", rate_limit_probe=True)
    else:
        certs = make_certs(tmp / "certs")
        env = {"TLS_KEY": str(certs.key), "TLS_CERT": str(certs.cert)}
        options = ProbeOptions(https_url="https://127.0.0.1/", ca_cert=str(certs.ca), login_path="/login",
                               login_body="user=admin&password=wrong", rate_limit_probe=True)
    server = start_app(app, env, tmp / "server.log", ports=(80, 443))
    try:
        tracemalloc.start()
        t0 = time.perf_counter()
        result = probe_url("http://127.0.0.1/", options)
        nodeward_s = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        t0 = time.perf_counter()
        proc = subprocess.run(["node", "scan.mjs", "127.0.0.1"], cwd=OBS, capture_output=True, text=True, timeout=180,
                              env={**os.environ, "NODE_EXTRA_CA_CERTS": str(certs.ca)})
        observatory_s = time.perf_counter() - t0
    finally:
        server.stop()
    obs = json.loads(proc.stdout)
    grade = next(f for f in result.findings if f.rule_id == "NW900")
    fields = grade.detail.json_fields() if grade.detail else {}
    rows = {c["check"]: c for c in fields["checks"] if c["source"] == "observatory"}  # type: ignore[index,union-attr]
    tests = []
    for name, t in obs["tests"].items():
        ours = rows.get(name, {})
        tests.append({"test": name, "observatory": t["result"], "observatory_mod": t["scoreModifier"],
                      "nodeward": ours.get("result"), "nodeward_mod": ours.get("modifier"),
                      "same": ours.get("result") == t["result"] and ours.get("modifier") == t["scoreModifier"]})
    return {
        "app": app,
        "observatory_score": obs["score"], "observatory_grade": obs["grade"],
        "nodeward_observatory_score": fields["observatory_score"], "nodeward_observatory_grade": fields["observatory_grade"],
        "nodeward_score": fields["score"], "nodeward_grade": fields["grade"],
        "nodeward_findings": sorted({f.rule_id for f in result.findings}),
        "nodeward_seconds": round(nodeward_s, 3), "observatory_seconds": round(observatory_s, 3),
        "nodeward_requests": result.stats.counts.get("requests"),
        "nodeward_heap_peak_kib": peak // 1024,
        "tests": tests,
    }


def main() -> int:
    ensure_observatory()
    out = []
    for app in ("probe-hardened", "probe-insecure"):
        with tempfile.TemporaryDirectory() as d:
            out.append(run_app(app, Path(d)))
    for r in out:
        print(f"\n### {r['app']}: Observatory {r['observatory_grade']} ({r['observatory_score']}), "
              f"nodeward Observatory-comparable {r['nodeward_observatory_grade']} ({r['nodeward_observatory_score']}), "
              f"nodeward overall {r['nodeward_grade']} ({r['nodeward_score']})")
        print(f"nodeward {r['nodeward_seconds']}s, {r['nodeward_requests']} requests, heap peak {r['nodeward_heap_peak_kib']} KiB; "
              f"Observatory {r['observatory_seconds']}s")
        print("\n| test | Observatory | nodeward | same |\n|---|---|---|---|")
        for t in r["tests"]:  # type: ignore[union-attr]
            print(f"| {t['test']} | {t['observatory']} ({t['observatory_mod']}) | {t['nodeward']} ({t['nodeward_mod']}) | {'yes' if t['same'] else 'NO'} |")
    print("\n" + json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
