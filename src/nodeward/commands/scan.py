"""`nodeward scan PATH`: every static analyzer in one run."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from nodeward.commands.common import add_common_options, add_output_options, config_from_args, emit
from nodeward.errors import UsageError
from nodeward.project import discover
from nodeward.scanner import scan_project

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

NAME = "scan"
HELP = "scan a Node.js project: code, routes, dependencies and secrets"


def add_scan_options(p: argparse.ArgumentParser) -> None:
    """Discovery and engine flags, shared with `routes`, `deps` and `secrets`."""
    g = p.add_argument_group("scan")
    g.add_argument("--exclude", action="append", metavar="GLOB", help="skip paths matching this gitignore-style glob (repeatable)")
    g.add_argument("--jobs", "-j", type=int, metavar="N", help="worker processes (default: all cores)")
    g.add_argument("--no-cache", action="store_true", help="do not read or write the per-file cache")
    g.add_argument("--include-node-modules", action="store_true", help="also scan node_modules/ and bower_components/")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", help="project folder or file to scan")
    add_scan_options(p)
    p.add_argument("--history", action="store_true", help="also scan every commit of the git history for secrets")
    p.add_argument("--advisories", action="append", metavar="PATH", help="OSV advisory records (folder or .zip) for the dependency audit (repeatable; offline)")
    add_output_options(p)
    add_common_options(p)


class _Progress:
    """A rich progress bar on stderr, shown only on a TTY and only once a scan runs over ~1 s."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.start = time.perf_counter()
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            if time.perf_counter() - self.start < 1.0:
                return
            from rich.console import Console
            from rich.progress import Progress

            bar = Progress(console=Console(stderr=True), transient=True)
            bar.start()
            self.bar = bar
            self.task = bar.add_task("scanning", total=total)
        if self.task is not None:
            self.bar.update(self.task, completed=done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def run(args: argparse.Namespace) -> int:
    root = Path(args.path)
    if not root.exists():
        raise UsageError(f"{args.path}: no such file or directory")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    config = config_from_args(root, args)
    if args.history:
        config = replace(config, secrets=replace(config.secrets, history=True))
    if args.advisories:
        config = replace(config, deps=replace(config.deps, advisories=(*config.deps.advisories, *args.advisories)))
    project = discover(root, config)
    # --verbose promises progress on stderr (the bar below shows only on a terminal).
    logger.info(
        "%s: files to scan: %d (JS/TS: %d); skipped while discovering: %d",
        project.root, len(project.files), len(project.sources), len(project.skipped),
    )
    progress = _Progress(sys.stderr.isatty() and not args.quiet)
    try:
        result = scan_project(project, progress)
    finally:
        progress.close()
    logger.info(
        "scanned in %.2f s (JS/TS files from the cache: %d of %d); findings: %d, errors: %d",
        result.stats.seconds, result.stats.files_from_cache, result.stats.files_scanned,
        len(result.findings), len(result.errors),
    )
    return emit(result, config, args)
