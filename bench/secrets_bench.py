"""Secrets benchmarks: engine throughput, noise on node_modules, detect-secrets side by
side, accuracy on the labelled evaluation set, and a 10,000-commit history scan.

    python bench/secrets_bench.py                  # everything (a few minutes)
    python bench/secrets_bench.py --skip-detect-secrets
    python bench/run.py --only secrets             # the same, through the bench runner

Each measurement runs in a fresh child process (`--worker ...`) that reports its own
CPU seconds (`getrusage`, user + sys, its git children included) and peak RSS, so one
measurement never pollutes another.  detect-secrets is installed in its own venv under
`.bench-cache/tools/detect-secrets-venv` (never in the project's `.venv`); because it
runs at about 0.1 MB per CPU-second, it is compared on a deterministic subset of the
corpus (whole packages in name order up to `--subset-mb`), and nodeward is measured on
that same subset too.  The history repository is generated with `git fast-import`
under `.bench-cache/secrets-history-<N>` and reused.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import string
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CACHE = ROOT / ".bench-cache"
TOOLS = CACHE / "tools"
DS_VENV = TOOLS / "detect-secrets-venv"
DS_VERSION = "1.5.0"
EVAL = ROOT / "tests" / "secrets" / "corpus"
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT / "tests" / "secrets"))


def _cpu() -> float:
    s = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def _peak_mb() -> float:
    """Peak RSS of this (Python) process in MB; git children are reported separately."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _children_peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)


# ------------------------------------------------------------------ workers (child processes)

def _worker_throughput(tree: str, engine: str, code: bool) -> dict[str, Any]:
    from nodeward.config import Config
    from nodeward.model import Confidence
    from nodeward.project import discover
    from nodeward.secrets.analyzer import analyze_project
    from nodeward.secrets.engine import Engine

    eng = Engine(engine)
    cfg = Config(include_node_modules=True, use_cache=False)
    t0, w0 = _cpu(), time.perf_counter()
    project = discover(Path(tree), cfg)
    t1 = _cpu()
    out = analyze_project(project, engine=eng, code=code)
    t2, w2 = _cpu(), time.perf_counter()
    nbytes = out.counts.get("secret_bytes", 0)
    input_bytes = sum(f.size for f in project.files)
    default = [f for f in out.findings if f.confidence >= Confidence.MEDIUM]
    return {
        "engine": eng.name,
        "code_checks": code,
        "files": out.counts.get("secret_files", 0),
        "bytes": nbytes,
        "input_bytes": input_bytes,
        "input_mb_per_cpu_s_total": round(input_bytes / 1e6 / (t2 - t0), 1),
        "discover_cpu_s": round(t1 - t0, 3),
        "scan_cpu_s": round(t2 - t1, 3),
        "wall_s": round(w2 - w0, 3),
        "mb_per_cpu_s_scan": round(nbytes / 1e6 / (t2 - t1), 1),
        "mb_per_cpu_s_total": round(nbytes / 1e6 / (t2 - t0), 1),
        "findings_default": len(default),
        "findings_default_list": sorted(f"{f.rule_id} {f.path}:{f.line}" for f in default),
        "peak_rss_mb": _peak_mb(),
    }


def _worker_history(repo: str) -> dict[str, Any]:
    from nodeward.secrets.engine import Engine
    from nodeward.secrets.history import scan_history

    eng = Engine("auto")
    t0, w0 = _cpu(), time.perf_counter()
    res = scan_history(Path(repo), eng)
    t1, w1 = _cpu(), time.perf_counter()
    removed = sum(1 for f in res.findings if getattr(f.detail, "still_present_at_head", None) is False)
    return {
        "commits": res.commits,
        "findings": len(res.findings),
        "removed_since": removed,
        "errors": [e.message for e in res.errors],
        "cpu_s": round(t1 - t0, 2),
        "wall_s": round(w1 - w0, 2),
        "peak_rss_mb": _peak_mb(),
        "git_peak_rss_mb": _children_peak_mb(),
    }


def _run_worker(*args: str) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, __file__, "--worker", *args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"worker {args} failed: {proc.stderr[-2000:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


# ------------------------------------------------------------------ detect-secrets

def ensure_detect_secrets() -> Path | None:
    exe = DS_VENV / "bin" / "detect-secrets"
    if exe.exists():
        return exe
    TOOLS.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(DS_VENV)], check=True)
        subprocess.run([str(DS_VENV / "bin" / "python"), "-m", "pip", "install", "-q", f"detect-secrets=={DS_VERSION}"], check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"detect-secrets unavailable: {e}", file=sys.stderr)
        return None
    return exe if exe.exists() else None


def run_detect_secrets(exe: Path, tree: Path) -> dict[str, Any]:
    """`detect-secrets scan --all-files` on `tree`; CPU of the whole process tree."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    w0 = time.perf_counter()
    proc = subprocess.run([str(exe), "scan", "--all-files"], cwd=tree, capture_output=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    results = json.loads(proc.stdout)["results"] if proc.returncode == 0 else {}
    findings = [(path, item["line_number"], item["type"]) for path, items in results.items() for item in items]
    return {"returncode": proc.returncode, "cpu_s": round(cpu, 2), "wall_s": round(time.perf_counter() - w0, 2), "findings": findings}


def build_subset(corpus: Path, limit_mb: float) -> Path:
    """Whole packages in name order until `limit_mb` of files: deterministic and like for like."""
    target = CACHE / f"secrets-subset-{int(limit_mb)}mb"
    stamp = target / ".subset"
    if stamp.exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    (target / "node_modules").mkdir(parents=True)
    total = 0
    for pkg in sorted((corpus / "node_modules").iterdir()):
        if pkg.name.startswith(".") or pkg.name.startswith("@") or not pkg.is_dir():
            continue
        size = sum(p.stat().st_size for p in pkg.rglob("*") if p.is_file())
        shutil.copytree(pkg, target / "node_modules" / pkg.name, symlinks=True)
        total += size
        if total >= limit_mb * 1e6:
            break
    stamp.write_text(str(total))
    return target


# ------------------------------------------------------------------ history repository

def build_history_repo(commits: int) -> Path:
    """A repository of `commits` commits (git fast-import); every 100th adds a fake GitHub
    token in a config file and the next one replaces it with an environment lookup."""
    target = CACHE / f"secrets-history-{commits}"
    if (target / ".git").is_dir() and (target / ".built").exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=target, check=True)
    rng = random.Random(commits)
    alnum = string.ascii_letters + string.digits
    chunks: list[bytes] = []

    def blob(text: str) -> bytes:
        data = text.encode()
        return b"data %d\n" % len(data) + data + b"\n"

    secrets = 0
    for i in range(1, commits + 1):
        files: list[tuple[str, str]] = []
        lines = [f"// module {i % 200}, revision {i}", "'use strict';"] + [f"exports.v{k} = {rng.randint(0, 10**6)};" for k in range(20)]
        files.append((f"src/mod{i % 200}.js", "\n".join(lines) + "\n"))
        slot = i // 100
        if i % 100 == 0:
            token = "ghp_" + "".join(rng.choice(alnum) for _ in range(36))
            files.append((f"config/service{slot}.js", f"module.exports = {{\n  name: 'svc{slot}',\n  token: '{token}',\n}};\n"))
            secrets += 1
        elif i % 100 == 1 and slot > 0:
            files.append((f"config/service{slot}.js", f"module.exports = {{\n  name: 'svc{slot}',\n  token: process.env.TOKEN_{slot},\n}};\n"))
        ts = 1_600_000_000 + i * 600
        head = f"commit refs/heads/main\nmark :{i}\nauthor Bench <bench@example.invalid> {ts} +0000\ncommitter Bench <bench@example.invalid> {ts} +0000\n"
        chunk = head.encode() + blob(f"change {i}")
        if i > 1:
            chunk += f"from :{i - 1}\n".encode()
        for path, text in files:
            chunk += f"M 100644 inline {path}\n".encode() + blob(text)
        chunks.append(chunk + b"\n")
    subprocess.run(["git", "fast-import", "--quiet"], cwd=target, input=b"".join(chunks), check=True)
    subprocess.run(["git", "checkout", "-q", "main"], cwd=target, check=True)
    (target / ".git" / "info" / "exclude").write_text(".built\n")
    (target / ".built").write_text(f"{commits} commits, {secrets} secrets\n")
    return target


# ------------------------------------------------------------------ accuracy

def accuracy(ds_exe: Path | None) -> dict[str, Any]:
    from nw_secrets_helpers import labels, secrets_scan, triples

    expected = labels()
    got = triples(secrets_scan(EVAL))
    per_rule: dict[str, dict[str, int]] = {}
    for rule in sorted({r for _, _, r in expected | got}):
        e = {t for t in expected if t[2] == rule}
        g = {t for t in got if t[2] == rule}
        per_rule[rule] = {"tp": len(e & g), "fp": len(g - e), "fn": len(e - g)}
    tp = len(expected & got)
    out: dict[str, Any] = {
        "labelled": len(expected),
        "nodeward": {"tp": tp, "fp": len(got - expected), "fn": len(expected - got), "per_rule": per_rule},
    }
    if ds_exe is not None:
        ds = run_detect_secrets(ds_exe, EVAL)
        # detect-secrets reports one line per secret type; compare by (path, line).
        exp_lines = {(p, ln) for p, ln, _ in expected}
        ds_lines = {(p, ln) for p, ln, _ in ds["findings"]}
        out["detect_secrets"] = {"tp": len(exp_lines & ds_lines), "fp": len(ds_lines - exp_lines), "fn": len(exp_lines - ds_lines)}
        nw_lines = {(p, ln) for p, ln, _ in got}
        out["nodeward_by_line"] = {"tp": len(exp_lines & nw_lines), "fp": len(nw_lines - exp_lines), "fn": len(exp_lines - nw_lines)}
    return out


def _pr(d: dict[str, int]) -> str:
    p = d["tp"] / (d["tp"] + d["fp"]) if d["tp"] + d["fp"] else 1.0
    r = d["tp"] / (d["tp"] + d["fn"]) if d["tp"] + d["fn"] else 1.0
    return f"precision {p:.2f}, recall {r:.2f} (TP {d['tp']}, FP {d['fp']}, FN {d['fn']})"


# ------------------------------------------------------------------ main

def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="secrets_bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--skip-detect-secrets", action="store_true")
    p.add_argument("--subset-mb", type=float, default=5.0)
    p.add_argument("--ds-full", action="store_true", help="also run detect-secrets on the whole corpus (about 8 CPU-minutes)")
    p.add_argument("--commits", type=int, default=10_000)
    p.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        kind, *rest = args.worker
        if kind == "throughput":
            res = _worker_throughput(rest[0], rest[1], rest[2] == "code")
        else:
            res = _worker_history(rest[0])
        print(json.dumps(res))
        return 0

    from corpus import ensure_corpus

    corpus = ensure_corpus()
    report: dict[str, Any] = {"corpus": str(corpus)}
    print(f"== secrets: corpus {corpus}")
    # Warm the page cache once so both engines read from memory.
    _run_worker("throughput", str(corpus), "re", "text")
    for engine in ("hyperscan", "re"):
        r = _run_worker("throughput", str(corpus), engine, "text")
        report[f"corpus_{engine}"] = r
        print(
            f"{engine:>9}: {r['bytes'] / 1e6:.1f} MB in {r['files']} files, scan {r['scan_cpu_s']} CPU-s "
            f"= {r['mb_per_cpu_s_scan']} MB/CPU-s ({r['mb_per_cpu_s_total']} with discovery), "
            f"{r['findings_default']} findings at default confidence, peak {r['peak_rss_mb']} MB"
        )
        for line in r["findings_default_list"]:
            print(f"           {line}")
    full = _run_worker("throughput", str(corpus), "hyperscan", "code")
    report["corpus_with_code_checks"] = full
    print(
        f"with code checks (tree-sitter, every JS/TS file): scan {full['scan_cpu_s']} CPU-s = "
        f"{full['mb_per_cpu_s_scan']} MB/CPU-s, {full['findings_default']} findings at default confidence"
    )
    ds_exe = None if args.skip_detect_secrets else ensure_detect_secrets()
    if ds_exe is not None:
        subset = build_subset(corpus, args.subset_mb)
        nw = _run_worker("throughput", str(subset), "hyperscan", "text")
        ds = run_detect_secrets(ds_exe, subset)
        # Both tools get the same tree: rate = the tree's input bytes per CPU-second.
        mb = nw["input_bytes"] / 1e6
        nw_rate = nw["input_mb_per_cpu_s_total"]
        ds_rate = mb / ds["cpu_s"] if ds["cpu_s"] else 0.0
        report["subset"] = {"path": str(subset), "mb": round(mb, 2), "nodeward": nw, "detect_secrets": {k: v for k, v in ds.items() if k != "findings"} | {"count": len(ds["findings"])}}
        print(
            f"subset {subset.name} ({mb:.1f} MB input): nodeward {nw_rate} MB/CPU-s (discovery included), "
            f"{nw['findings_default']} findings; detect-secrets {ds['cpu_s']} CPU-s = {ds_rate:.2f} MB/CPU-s, "
            f"{len(ds['findings'])} findings; ratio {nw_rate / ds_rate if ds_rate else float('nan'):.0f}x"
        )
    if ds_exe is not None and args.ds_full:
        ds = run_detect_secrets(ds_exe, corpus)
        in_lock = sum(1 for path, _, _ in ds["findings"] if path.endswith("package-lock.json"))
        report["corpus_detect_secrets"] = {"cpu_s": ds["cpu_s"], "wall_s": ds["wall_s"], "count": len(ds["findings"]), "in_lockfiles": in_lock}
        total = report["corpus_hyperscan"]["input_bytes"] / 1e6
        print(
            f"detect-secrets on the whole corpus: {ds['cpu_s']} CPU-s = {total / ds['cpu_s']:.2f} MB/CPU-s, "
            f"{len(ds['findings'])} findings ({in_lock} in package-lock.json)"
        )
    acc = accuracy(ds_exe)
    report["accuracy"] = acc
    print(f"evaluation set ({acc['labelled']} labelled secrets): nodeward {_pr(acc['nodeward'])}")
    if "detect_secrets" in acc:
        print(f"  by line: nodeward {_pr(acc['nodeward_by_line'])}; detect-secrets {_pr(acc['detect_secrets'])}")
    for n in sorted({1_000, args.commits}):
        repo = build_history_repo(n)
        h = _run_worker("history", str(repo))
        report[f"history_{n}"] = h
        print(f"history {n} commits: {h['findings']} secrets ({h['removed_since']} removed since), {h['cpu_s']} CPU-s, {h['wall_s']} s wall, "
              f"peak RSS {h['peak_rss_mb']} MB (nodeward) / {h['git_peak_rss_mb']} MB (git)")
    out = CACHE / "results" / "secrets.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, sort_keys=True))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main(sys.argv[1:]))
