"""Interleaved A/B timing of `nodeward scan` on the real apps between two source trees.

    python bench/ab_real_apps.py OLD_SRC NEW_SRC [APP ...] [--rounds 3]

OLD_SRC/NEW_SRC are `src` folders (e.g. of `git worktree add --detach /tmp/old <commit>`);
APPs are folders under `.bench-cache/real-apps/` (fetched by `bench/real_apps.py`), default
unleash and ghost.  Each round runs one scan per tree and app, alternating, so both trees see
the same machine load; wall and CPU seconds (the child's user + system time) are printed per run.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ROOT / ".bench-cache" / "real-apps"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("apps", nargs="*", default=["unleash", "ghost"])
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    for tree in (args.old, args.new):
        subprocess.run([sys.executable, "-m", "compileall", "-q", tree], check=False, capture_output=True)
    for rnd in range(args.rounds):
        for label, tree in (("old", args.old), ("new", args.new)):
            for app in args.apps:
                env = dict(os.environ, PYTHONPATH=tree)
                env.pop("PYTHONDONTWRITEBYTECODE", None)
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                started = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-m", "nodeward", "scan", str(APPS / app), "--no-cache", "--jobs", "2", "--format", "json", "--quiet", "--output", os.devnull],
                    env=env,
                    check=False,
                )
                wall = time.perf_counter() - started
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
                print(f"round {rnd} {label:3} {app:12} wall {wall:.2f} s  cpu {cpu:.2f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
