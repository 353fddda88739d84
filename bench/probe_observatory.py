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

    python bench/probe_observatory.py             # the two test apps: Markdown table and JSON
    python bench/probe_observatory.py --variants  # ~40 header/cookie/redirect/SRI configurations
                                                  # served by bench/observatory/variant-server.mjs
    python bench/probe_observatory.py --variants --write-reference
                                                  # also pins Observatory's verdicts for the tests

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
REFERENCE = ROOT / "tests" / "probe" / "data" / "observatory_reference.json"


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


GOOD_HEADERS: list[list[str]] = [
    ["Content-Security-Policy", "default-src 'self'; base-uri 'self'; object-src 'none'; frame-ancestors 'self'"],
    ["Strict-Transport-Security", "max-age=31536000; includeSubDomains"],
    ["X-Content-Type-Options", "nosniff"],
    ["X-Frame-Options", "SAMEORIGIN"],
    ["Referrer-Policy", "no-referrer"],
    ["Cross-Origin-Resource-Policy", "same-origin"],
]
BODY = "<!doctype html><title>v</title><p>variant</p>"


def _variant(headers: dict[str, str | None] | None = None, cookies: tuple[str, ...] = (), body: str = BODY,
             redirect: str = "https") -> dict[str, object]:
    out = [[k, v] for k, v in GOOD_HEADERS if not headers or k not in headers]
    out += [[k, v] for k, v in (headers or {}).items() if v is not None]
    return {"headers": out, "cookies": list(cookies), "body": body, "redirect": redirect}


CSP = "Content-Security-Policy"
VARIANTS: dict[str, dict[str, object]] = {
    "helmet-like": _variant(),
    "no-security-headers": _variant({k: None for k, _ in GOOD_HEADERS}),
    "csp-unsafe-inline": _variant({CSP: "default-src 'self'; script-src 'self' 'unsafe-inline'"}),
    "csp-unsafe-eval": _variant({CSP: "default-src 'self'; script-src 'self' 'unsafe-eval'"}),
    "csp-default-none": _variant({CSP: "default-src 'none'; img-src 'self'; frame-ancestors 'none'"}),
    "csp-http-connect": _variant({CSP: "default-src 'self'; connect-src http://api.example.test"}),
    "csp-http-img": _variant({CSP: "default-src 'self'; img-src http://img.example.test"}),
    "csp-strict-dynamic-nonce": _variant({CSP: "default-src 'self'; script-src 'nonce-r4nd0m' 'strict-dynamic' https:"}),
    "csp-strict-dynamic-alone": _variant({CSP: "default-src 'self'; script-src 'strict-dynamic'"}),
    "csp-meta-only": _variant({CSP: None}, body="<!doctype html><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'\"><title>v</title>"),
    "csp-report-only": _variant({CSP: None, "Content-Security-Policy-Report-Only": "default-src 'self'"}),
    "csp-duplicate-directive": _variant({CSP: "default-src 'self'; script-src 'self'; script-src *"}),
    "csp-style-inline": _variant({CSP: "default-src 'self'; style-src 'self' 'unsafe-inline'"}),
    "cookie-session-no-secure-hsts": _variant(cookies=("sessionid=abc; Path=/; HttpOnly; SameSite=Lax",)),
    "cookie-session-no-httponly": _variant(cookies=("sessionid=abc; Path=/; Secure; SameSite=Lax",)),
    "cookie-samesite-invalid": _variant(cookies=("pref=abc; Path=/; Secure; SameSite=Bogus",)),
    "cookie-csrf-no-samesite": _variant(cookies=("csrftoken=abc; Path=/; Secure",)),
    "cookie-plain-no-secure-no-hsts": _variant({"Strict-Transport-Security": None}, cookies=("pref=abc; Path=/; SameSite=Lax",)),
    "cookie-all-good": _variant(cookies=("__Host-sess=abc; Path=/; Secure; HttpOnly; SameSite=Strict",)),
    "cookie-good-no-samesite": _variant(cookies=("sessionid=abc; Path=/; Secure; HttpOnly",)),
    "referrer-unsafe-url": _variant({"Referrer-Policy": "unsafe-url"}),
    "referrer-downgrade": _variant({"Referrer-Policy": "no-referrer-when-downgrade"}),
    "referrer-invalid": _variant({"Referrer-Policy": "bogus"}),
    "referrer-meta": _variant({"Referrer-Policy": None}, body="<!doctype html><meta name=\"referrer\" content=\"no-referrer\"><title>v</title>"),
    "referrer-missing": _variant({"Referrer-Policy": None}),
    "hsts-short": _variant({"Strict-Transport-Security": "max-age=86400"}),
    "hsts-invalid": _variant({"Strict-Transport-Security": "max-age=abc"}),
    "hsts-missing": _variant({"Strict-Transport-Security": None}),
    "xfo-deny-no-frame-ancestors": _variant({CSP: "default-src 'self'", "X-Frame-Options": "DENY"}),
    "xfo-allow-from": _variant({CSP: "default-src 'self'", "X-Frame-Options": "ALLOW-FROM https://example.test"}),
    "xfo-invalid": _variant({CSP: "default-src 'self'", "X-Frame-Options": "BOGUS"}),
    "xfo-missing": _variant({CSP: "default-src 'self'", "X-Frame-Options": None}),
    "xcto-invalid": _variant({"X-Content-Type-Options": "sniff"}),
    "corp-cross-origin": _variant({"Cross-Origin-Resource-Policy": "cross-origin"}),
    "corp-same-site": _variant({"Cross-Origin-Resource-Policy": "same-site"}),
    "corp-invalid": _variant({"Cross-Origin-Resource-Policy": "bogus"}),
    "redirect-none": _variant(redirect="none"),
    "redirect-http-first": _variant(redirect="http-first"),
    "sri-external-https-no-integrity": _variant(body="<!doctype html><script src=\"https://cdn.example.test/lib.js\"></script>"),
    "sri-external-http": _variant(body="<!doctype html><script src=\"http://cdn.example.test/lib.js\"></script>"),
    "sri-external-with-integrity": _variant(body="<!doctype html><script src=\"https://cdn.example.test/lib.js\" integrity=\"sha384-abc\" crossorigin=\"anonymous\"></script>"),
    "sri-same-origin": _variant(body="<!doctype html><script src=\"/app.js\"></script>"),
    "cors-wildcard": _variant({"Access-Control-Allow-Origin": "*"}),
}


def run_variants(tmp: Path) -> list[dict[str, object]]:
    """Serve each variant on 127.0.0.1:80/443; compare Observatory's ten tests with nodeward's rows."""
    certs = make_certs(tmp / "certs")
    out: list[dict[str, object]] = []
    for name, variant in VARIANTS.items():
        env = {**os.environ, "VARIANT": json.dumps(variant), "TLS_KEY": str(certs.key), "TLS_CERT": str(certs.cert)}
        server = subprocess.Popen(["node", "variant-server.mjs"], cwd=OBS, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            assert server.stdout is not None
            server.stdout.readline()  # "ready"
            result = probe_url("http://127.0.0.1/", ProbeOptions(https_url="https://127.0.0.1/", ca_cert=str(certs.ca), check_tls=False))
            proc = subprocess.run(["node", "scan.mjs", "127.0.0.1"], cwd=OBS, capture_output=True, text=True, timeout=180,
                                  env={**os.environ, "NODE_EXTRA_CA_CERTS": str(certs.ca)})
        finally:
            server.terminate()
            server.wait(timeout=10)
        obs = json.loads(proc.stdout)
        grade = next(f for f in result.findings if f.rule_id == "NW900")
        fields = grade.detail.json_fields() if grade.detail else {}
        rows = {c["check"]: c for c in fields["checks"] if c["source"] == "observatory"}  # type: ignore[index,union-attr]
        diffs = {t: (r["result"], rows.get(t, {}).get("result")) for t, r in obs["tests"].items()
                 if (r["result"], r["scoreModifier"]) != (rows.get(t, {}).get("result"), rows.get(t, {}).get("modifier"))}
        out.append({"variant": name, "observatory_score": obs["score"], "nodeward_observatory_score": fields["observatory_score"],
                    "tests": len(obs["tests"]), "disagreements": diffs, "config": variant,
                    "observatory": {t: [r["result"], r["scoreModifier"]] for t, r in obs["tests"].items()}})
    return out


def main() -> int:
    ensure_observatory()
    if "--variants" in sys.argv:
        with tempfile.TemporaryDirectory() as d:
            results = run_variants(Path(d))
        tests = sum(int(r["tests"]) for r in results)  # type: ignore[call-overload]
        bad = sum(len(r["disagreements"]) for r in results)  # type: ignore[arg-type]
        same_score = sum(1 for r in results if r["observatory_score"] == r["nodeward_observatory_score"])
        print("| variant | Observatory score | nodeward Observatory-comparable | disagreements |\n|---|---|---|---|")
        for r in results:
            print(f"| {r['variant']} | {r['observatory_score']} | {r['nodeward_observatory_score']} | {r['disagreements'] or '-'} |")
        print(f"\n{len(results)} variants, {tests - bad}/{tests} test results identical, {same_score}/{len(results)} scores identical")
        if "--write-reference" in sys.argv:
            # Observatory's own verdicts, pinned for tests/probe/test_observatory_reference.py (no node needed there).
            ref = {str(r["variant"]): {"config": r["config"], "score": r["observatory_score"], "tests": r["observatory"]} for r in results}
            REFERENCE.write_text(json.dumps(ref, indent=1, sort_keys=True) + "\n")
            print(f"wrote {REFERENCE.relative_to(ROOT)}")
        return 0
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
