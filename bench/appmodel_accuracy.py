"""Recall of nodeward's taint flows against njsscan on the labelled fixtures.

    python bench/appmodel_accuracy.py

Evaluation set: `tests/apps/taint-flows` (every `// ruleid: NWxxx` annotation is a flow that
must be found at the next line; every `// ok: NWxxx` one that must not).  njsscan (PyPI,
semgrep-based) runs from `.bench-cache/tools/njsscan-venv` with semgrep from
`.bench-cache/tools/semgrep-venv` on the PATH; a njsscan finding counts as a detection when
it is within one line of the annotated line of the annotated file, whatever its rule
(generous to njsscan), and as a false positive on an `ok:` line.  nodeward counts only the
annotated rule id at the exact line.  Second set: the request-data flows of
`examples/insecure-express`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
TOOLS = ROOT / ".bench-cache" / "tools"
FIXTURES = ROOT / "tests" / "apps" / "taint-flows"
_ANNOTATION = re.compile(r"//\s*(ruleid|ok):\s*(NW\d{3})")


def labels(root: Path) -> tuple[set[tuple[str, str, int]], set[tuple[str, str, int]]]:
    """(rule, file, line) expected and forbidden, from the annotations."""
    expected: set[tuple[str, str, int]] = set()
    forbidden: set[tuple[str, str, int]] = set()
    for path in sorted(root.rglob("*.js")):
        rel = path.relative_to(root).as_posix()
        for i, line in enumerate(path.read_text().splitlines(), 1):
            for kind, rule in _ANNOTATION.findall(line):
                (expected if kind == "ruleid" else forbidden).add((rule, rel, i + 1))
    return expected, forbidden


def nodeward_hits(root: Path) -> set[tuple[str, str, int]]:
    """(rule, file, line) of nodeward's findings."""
    from nodeward.config import Config
    from nodeward.scanner import scan

    result = scan(root, Config(use_cache=False, analyzers=("sast", "app"), jobs=1))
    return {(f.rule_id, f.path, f.line) for f in result.findings}


def njsscan_hits(root: Path) -> set[tuple[str, int]] | None:
    """(file, line) of njsscan's findings, or None when it cannot run here."""
    njsscan = TOOLS / "njsscan-venv" / "bin" / "njsscan"
    semgrep_bin = TOOLS / "semgrep-venv" / "bin"
    if not njsscan.exists() or not (semgrep_bin / "semgrep").exists():
        return None
    env = dict(os.environ, PATH=f"{semgrep_bin}{os.pathsep}{os.environ.get('PATH', '')}")
    with tempfile.TemporaryDirectory() as tmp:
        # A neutral folder name: semgrep's default ignores skip paths under `tests/` or `examples/`.
        copy = Path(tmp) / "app"
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns("node_modules"))
        root = copy
        out = Path(tmp) / "njsscan.json"
        subprocess.run([str(njsscan), "--json", "-o", str(out), str(root)], env=env, capture_output=True, text=True, timeout=900)
        data = json.loads(out.read_text())
    if data.get("errors"):
        print("njsscan errors:", data["errors"], file=sys.stderr)
    hits: set[tuple[str, int]] = set()
    for section in ("nodejs", "templates"):
        for rule in data.get(section, {}).values():
            for f in rule.get("files", []):
                rel = Path(f["file_path"]).resolve().relative_to(root.resolve()).as_posix()
                lines = f.get("match_lines") or [0, 0]
                for line in range(int(lines[0]), int(lines[-1]) + 1):
                    hits.add((rel, line))
    return hits


INSECURE = ROOT / "examples" / "insecure-express"
INSECURE_FLOWS = {
    ("NW210", "app.js", 37), ("NW116", "app.js", 41), ("NW112", "lib/db.js", 8), ("NW652", "routes/admin.js", 14),
    ("NW113", "routes/auth.js", 14), ("NW113", "routes/auth.js", 25), ("NW114", "routes/files.js", 7),
    ("NW110", "routes/files.js", 12), ("NW113", "routes/notes.js", 13), ("NW650", "routes/notes.js", 26),
    ("NW111", "routes/notes.js", 32),
}
"""The demo app's request-data flows (sink lines), as asserted by tests/analysis/test_examples.py."""


def _near(hits: set[tuple[str, int]], path: str, line: int) -> bool:
    return any((path, line + d) in hits for d in (-1, 0, 1))


def main(argv: list[str] | None = None) -> int:
    sets = [("tests/apps/taint-flows", FIXTURES, *labels(FIXTURES)), ("examples/insecure-express", INSECURE, INSECURE_FLOWS, set())]
    for name, root, expected, forbidden in sets:
        nw = nodeward_hits(root)
        print(f"== {name}")
        print(f"nodeward: {len(expected & nw)} / {len(expected)} flows found, {len(forbidden & nw)} / {len(forbidden)} false positives")
        nj = njsscan_hits(root)
        if nj is None:
            print("njsscan: not installed (needs .bench-cache/tools/njsscan-venv and semgrep-venv)")
            continue
        ntp = sum(1 for _r, p, line in expected if _near(nj, p, line))
        nfp = sum(1 for _r, p, line in forbidden if (p, line) in nj)
        print(f"njsscan:  {ntp} / {len(expected)} flows found (any rule within one line), {nfp} / {len(forbidden)} false positives")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
