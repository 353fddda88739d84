"""Build the benchmark corpus once: a real npm tree of popular packages.

`npm install --ignore-scripts` of a fixed list of package versions into a cached
folder (`.bench-cache/corpus`, or `$NODEWARD_BENCH_DIR`).  No install script
runs.  The folder is reused while its package list is unchanged.

    python bench/corpus.py          # builds (if needed) and prints the path and size
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PACKAGES = {
    "express": "4.21.2",
    "mongoose": "8.9.5",
    "sequelize": "6.37.5",
    "webpack": "5.97.1",
    "typescript": "5.7.3",
    "lodash": "4.17.21",
    "moment": "2.30.1",
    "axios": "1.7.9"
}


def corpus_dir() -> Path:
    base = os.environ.get("NODEWARD_BENCH_DIR")
    return Path(base) if base else ROOT / ".bench-cache" / "corpus"


def ensure_corpus() -> Path:
    """The corpus folder, installing it first when missing or stale."""
    target = corpus_dir()
    manifest = {"name": "nodeward-bench-corpus", "private": True, "version": "1.0.0", "dependencies": PACKAGES}
    stamp = target / ".nodeward-corpus.json"
    if stamp.is_file() and json.loads(stamp.read_text()) == manifest:
        return target
    target.mkdir(parents=True, exist_ok=True)
    (target / "package.json").write_text(json.dumps(manifest, indent=2) + "\n")
    subprocess.run(
        ["npm", "install", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=target,
        check=True,
    )
    stamp.write_text(json.dumps(manifest))
    return target


def corpus_files(root: Path, exts: tuple[str, ...] = (".js", ".cjs", ".mjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")) -> list[Path]:
    """Source files of the corpus (what a parse-only baseline should parse)."""
    out = []
    for dirpath, _dirs, files in os.walk(root):
        out.extend(Path(dirpath) / name for name in files if name.endswith(exts) and not name.endswith(".d.ts"))
    return sorted(out)


if __name__ == "__main__":
    path = ensure_corpus()
    files = corpus_files(path)
    size = sum(f.stat().st_size for f in files)
    print(f"{path}: {len(files)} source files, {size / 1e6:.1f} MB")
    sys.exit(0)
