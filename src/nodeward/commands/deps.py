"""`nodeward deps PATH`: the dependency audit alone, and the CycloneDX SBOM.

Unlike `scan`, missing advisory data is fatal here (exit 3): the command's
whole answer is "which locked versions are vulnerable", and it must not print
an empty list when it had nothing to compare against.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from dataclasses import replace
from pathlib import Path

from nodeward.commands.common import (
    add_common_options,
    add_output_options,
    config_from_args,
    emit,
    exit_code,
    write_output,
)
from nodeward.commands.scan import add_scan_options
from nodeward.errors import UsageError
from nodeward.project import discover
from nodeward.scanner import finalize

logger = logging.getLogger(__name__)

NAME = "deps"
HELP = "audit lockfiles against advisories, check supply-chain hygiene, export a CycloneDX SBOM"
FORMATS = ("text", "json", "sarif", "html", "cyclonedx")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", help="project folder (or one lockfile) to audit")
    g = p.add_argument_group("advisories")
    g.add_argument("--advisories", action="append", metavar="PATH", help="OSV records to use directly: a folder or .zip (repeatable; offline; env NODEWARD_ADVISORIES, paths separated by the OS path separator)")
    g.add_argument(
        "--source",
        action="append",
        choices=("offline", "osv", "npm"),
        help="advisory source (repeatable): offline = --advisories or the local db (default, no network); osv = the OSV API; npm = the registry's bulk endpoint from .npmrc",
    )
    g.add_argument("--osv-url", metavar="URL", help="OSV API base URL (default https://api.osv.dev)")
    g.add_argument("--timeout", type=float, metavar="SECONDS", help="network timeout per request (default 10)")
    g.add_argument("--dev-severity-drop", type=int, metavar="N", help="levels to lower unimported dev-only findings by (default 1)")
    g.add_argument("--reachability", action="store_true", help="also build the module graph to mark which vulnerable packages the code imports")
    add_scan_options(p)
    add_output_options(p, FORMATS)
    add_common_options(p)


def run(args: argparse.Namespace) -> int:
    from nodeward.deps.analyzer import DepsOptions, audit_project, oversized_lockfiles
    from nodeward.deps.sbom import render_cyclonedx

    root = Path(args.path)
    if not root.exists():
        raise UsageError(f"{args.path}: no such file or directory")
    if root.is_file() and root.name == "package.json":
        root = root.parent  # the project, not one manifest: its lockfile sits beside it
    if args.timeout is not None and args.timeout <= 0:
        raise UsageError("--timeout must be positive")
    if args.dev_severity_drop is not None and args.dev_severity_drop < 0:
        raise UsageError("--dev-severity-drop must be 0 or more")
    config = config_from_args(root, args)
    deps = config.deps
    if args.advisories:
        for a in args.advisories:
            if not Path(a).exists():
                raise UsageError(f"{a}: advisories path not found")
        deps = replace(deps, advisories=tuple(str(Path(a).resolve()) for a in args.advisories))
    if args.source:
        deps = replace(deps, sources=tuple(dict.fromkeys(args.source)))
    if args.osv_url:
        deps = replace(deps, osv_url=args.osv_url)
    if args.timeout is not None:
        deps = replace(deps, timeout=args.timeout)
    if args.dev_severity_drop is not None:
        deps = replace(deps, dev_severity_drop=args.dev_severity_drop)
    config = replace(config, deps=deps)
    started = time.perf_counter()
    project = discover(root, config)
    imported = _imports(project) if args.reachability else None
    audit = audit_project(project, imported, options=DepsOptions(require_advisories=True))
    audited = set(oversized_lockfiles(project))  # audited despite max_file_size: not "skipped"
    skipped = tuple(s for s in project.skipped if s.path not in audited)
    result = finalize(project.root, config, [audit.output], families={"deps"}, extra_skipped=skipped, started=started, files=len(audit.lockfiles))
    if not audit.lockfiles and not any(f.path.rsplit("/", 1)[-1] == "package.json" for f in project.files):
        # "✔ no findings" alone reads as a clean audit of a folder that holds no project.
        logger.warning("%s: no package.json or lockfile found: nothing to audit", root)
    if args.format == "cyclonedx":
        name = project.root.name
        from nodeward.deps.sources.manifest import read_manifest

        m = read_manifest(project.root)
        if m is not None and m.name:
            name = m.name
        write_output(render_cyclonedx(result, audit.lockfiles, name), args.output)
        if args.output and not args.quiet:
            sys.stderr.write(f"nodeward: wrote cyclonedx report to {args.output}\n")
        return exit_code(result, config)
    return emit(result, config, args)


def _imports(project: object) -> dict[str, tuple[str, ...]]:
    """npm package -> importing files, from the app model (empty if it cannot run)."""
    from nodeward.analysis.link import analyze_project as analyze_app
    from nodeward.project import Project
    from nodeward.sast.engine import run_sast

    assert isinstance(project, Project)
    sast = run_sast(project, None)
    return dict(analyze_app(project, sast.facts).imported_packages)
