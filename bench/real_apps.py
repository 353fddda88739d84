"""Scan real, actively maintained Node.js server applications and summarise the findings.

An independent accuracy check: the apps below are published on the npm registry by their
maintainers (not written for nodeward, and none is an intentionally vulnerable app). Each is
fetched with `npm pack <name>@<pinned version>` (a tarball; nothing is installed and no script
runs) into `.bench-cache/real-apps/<app>/` and extracted there once. Then
`nodeward scan <app> --format json --no-cache` runs on each (application code only: node_modules
is excluded, as by default) and the findings are counted per rule and severity.

    python bench/real_apps.py                 # fetch (if needed), scan, print the per-rule table
    python bench/real_apps.py --json OUT.json # also write every finding (for triage)
    python bench/real_apps.py --only json-server --list   # one app, every finding as a line

The per-finding triage lives in `bench/real_apps_triage.md`, the summary in `docs/ACCURACY.md`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class App:
    """One application: a folder name and the npm packages (pinned) that make it up."""

    name: str
    packages: tuple[str, ...]
    framework: str


# Pinned: the triage in bench/real_apps_triage.md is for exactly these versions.
APPS: tuple[App, ...] = (
    App("parse-server", ("parse-server@9.10.0",), "Express"),
    App("verdaccio", ("verdaccio@5.33.0",), "Express"),
    App("json-server", ("json-server@0.17.4",), "Express"),
    App("node-red", ("@node-red/editor-api@5.0.7", "@node-red/runtime@5.0.7"), "Express"),
    App("ghost", ("ghost@6.65.0",), "Express"),
    # Second pass: TypeScript-heavy servers, Koa and Fastify. unleash and directus publish the
    # compiled `dist/` JavaScript of their TypeScript sources; budibase ships its TypeScript
    # `src/` itself (Koa); homebridge-config-ui-x is NestJS on Fastify, compiled to `dist/`.
    App("unleash", ("unleash-server@8.2.0",), "Express (TypeScript, compiled dist/)"),
    App("directus", ("@directus/api@39.2.1",), "Express (TypeScript, compiled dist/, ESM)"),
    App("budibase", ("@budibase/server@3.38.1",), "Koa (TypeScript sources)"),
    App("homebridge-ui", ("homebridge-config-ui-x@5.28.0",), "NestJS on Fastify (compiled dist/)"),
)


def cache_dir() -> Path:
    """Where the apps live (`$NODEWARD_REAL_APPS_DIR` or `.bench-cache/real-apps`)."""
    base = os.environ.get("NODEWARD_REAL_APPS_DIR")
    return Path(base) if base else ROOT / ".bench-cache" / "real-apps"


def _tarball(spec: str, into: Path) -> Path:
    """`npm pack` a pinned package into `into` (cached by file name); never runs scripts."""
    into.mkdir(parents=True, exist_ok=True)
    name, _, version = spec.rpartition("@")
    expected = into / f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"
    if expected.is_file():
        return expected
    subprocess.run(
        ["npm", "pack", spec, "--ignore-scripts", "--silent", "--pack-destination", str(into)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    if not expected.is_file():
        raise SystemExit(f"npm pack {spec}: expected {expected.name}")
    return expected


def _extract(tarball: Path, target: Path) -> None:
    """Extract the tarball's `package/` folder into `target`, refusing links and escapes."""
    target.mkdir(parents=True, exist_ok=True)
    root = target.resolve()
    with tarfile.open(tarball) as tar:
        for member in tar.getmembers():
            if not (member.isfile() or member.isdir()):
                continue
            rel = member.name.split("/", 1)[1] if "/" in member.name else ""
            if not rel:
                continue
            dest = (target / rel).resolve()
            if root not in dest.parents and dest != root:
                continue
            if member.isdir():
                dest.mkdir(parents=True, exist_ok=True)
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            if source is not None:
                dest.write_bytes(source.read())


def ensure_app(app: App) -> Path:
    """The app's folder, fetched and extracted on first use (one sub-folder per package)."""
    base = cache_dir()
    folder = base / app.name
    stamp = folder / ".nodeward-real-app.json"
    if stamp.is_file() and json.loads(stamp.read_text()) == list(app.packages):
        return folder
    for spec in app.packages:
        tarball = _tarball(spec, base / "_tarballs")
        name = spec.rpartition("@")[0]
        sub = folder if len(app.packages) == 1 else folder / name.lstrip("@").replace("/", "-")
        _extract(tarball, sub)
    stamp.write_text(json.dumps(list(app.packages)))
    return folder


def scan(folder: Path, jobs: int) -> dict[str, Any]:
    """Run `nodeward scan FOLDER --format json --no-cache` and return the parsed report (plus
    `_wall_seconds`, the command's wall time including interpreter start-up)."""
    cmd = [sys.executable, "-m", "nodeward", "scan", str(folder), "--format", "json", "--no-cache", "--quiet"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if proc.returncode not in (0, 1, 3):
        raise SystemExit(f"nodeward scan {folder} exited {proc.returncode}: {proc.stderr[-2000:]}")
    report: dict[str, Any] = json.loads(proc.stdout)
    report["_wall_seconds"] = round(elapsed, 2)
    return report


def _findings(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in report.get("findings", []) if not f.get("suppressed")]


def main(argv: list[str] | None = None) -> int:
    """Fetch, scan and print one table row per (app, rule)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", default=[], help="scan only this app (repeatable)")
    parser.add_argument("--json", type=Path, help="write every finding of every app to this file")
    parser.add_argument("--list", action="store_true", help="print every finding as a line")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    apps = [a for a in APPS if not args.only or a.name in args.only]
    everything: dict[str, Any] = {}
    for app in apps:
        folder = ensure_app(app)
        report = scan(folder, args.jobs)
        findings = _findings(report)
        everything[app.name] = {"packages": list(app.packages), "findings": findings, "errors": report.get("errors", [])}
        counts = Counter((f["rule_id"], f.get("rule_name", ""), f["severity"]) for f in findings)
        files = report.get("stats", {}).get("files_scanned", "?")
        print(f"## {app.name} ({', '.join(app.packages)}): {len(findings)} findings, {files} files, {report['_wall_seconds']} s")
        for (rule, rname, sev), n in sorted(counts.items()):
            print(f"  {rule} {rname:40s} {sev:8s} {n}")
        if args.list:
            for f in findings:
                print(f"    {f['severity']:8s} {f['rule_id']} {f['path']}:{f.get('line')} {f['message'][:160]}")
    if args.json:
        args.json.write_text(json.dumps(everything, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
