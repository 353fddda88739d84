"""What the route access rules' reading of handler code costs (NW510, NW511, NW513).

`access.check_routes` re-parses, with tree-sitter, the files of the few routes it is about to
report (`analysis/rules/handler_code.py`: what a handler reads, whether its delete is keyed
by the signed-in user, whether a service behind it answers 429).  This measures that step
alone on the real applications of `bench/real_apps.py` (already fetched into
`.bench-cache/real-apps/`): each app is linked once, then `check_routes` runs without the code
reader and with a fresh one (its parse cache empty), best of `--repeat` runs each.

    python bench/access_rules.py               # all fetched apps
    python bench/access_rules.py --only ghost --repeat 5
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from nodeward.analysis.link import link_project  # noqa: E402
from nodeward.analysis.rules import access  # noqa: E402
from nodeward.analysis.rules.handler_code import HandlerCode  # noqa: E402
from nodeward.config import Config  # noqa: E402
from nodeward.project import discover  # noqa: E402
from nodeward.sast.engine import run_sast  # noqa: E402

APPS_DIR = ROOT / ".bench-cache" / "real-apps"


def _best(fn: object, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    return best


def _measure(app: Path, repeat: int) -> str:
    """One app's row: `check_routes` without and with the code reader, best of `repeat`."""
    project = discover(app, Config(jobs=1))
    linked = link_project(project, run_sast(project).facts)
    reads_body: dict[tuple[str, str], bool] = {}
    for r in linked.model.routes:
        if r.handler_ref is not None:
            fn = linked.taint.func(r.handler_ref)
            reads_body[r.handler_ref] = fn is not None and "body" in fn.reads
    model = linked.model
    without = _best(lambda: access.check_routes(model, reads_body, None, None), repeat)
    readers: list[HandlerCode] = []

    def run_with() -> None:
        code = access.handler_code(linked)
        readers.append(code)
        access.check_routes(model, reads_body, None, code)

    with_code = _best(run_with, repeat)
    files = len([t for t in readers[-1]._trees.values() if t is not None])
    found = len(access.check_routes(model, reads_body, None, access.handler_code(linked)))
    return f"{app.name:15s} {len(model.routes):6d} {without * 1000:13.1f} ms {with_code * 1000:7.1f} ms {files:10d} {found:15d}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--only", help="one app folder under .bench-cache/real-apps")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    apps = sorted(p for p in APPS_DIR.iterdir() if p.is_dir() and not p.name.startswith("_")) if APPS_DIR.is_dir() else []
    if args.only:
        apps = [p for p in apps if p.name == args.only]
    if not apps:
        print("no apps: run `python bench/real_apps.py` first to fetch them", file=sys.stderr)
        return 2
    print(f"{'app':15s} {'routes':>6s} {'rules w/o code':>15s} {'with code':>10s} {'files read':>10s} {'route findings':>15s}")
    for app in apps:
        print(_measure(app, args.repeat))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
