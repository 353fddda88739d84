"""`nodeward secrets PATH`: hard-coded credentials, `.env` hygiene and (with
`--history`) every commit of the git history."""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from nodeward.commands.common import add_common_options, add_output_options, config_from_args, emit
from nodeward.commands.scan import add_scan_options
from nodeward.errors import UsageError
from nodeward.project import discover
from nodeward.scanner import finalize

if TYPE_CHECKING:
    from nodeward.model import Finding
    from nodeward.suppress import SuppressionComment

NAME = "secrets"
HELP = "find hard-coded secrets, committed .env files and secrets in git history"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Flags of `nodeward secrets` (discovery and output flags are shared with `scan`)."""
    p.add_argument("path", help="project folder or file to scan")
    add_scan_options(p)
    g = p.add_argument_group("secrets")
    g.add_argument("--history", action="store_true", help="also scan every line added in every commit of the git history")
    g.add_argument(
        "--history-range",
        metavar="RANGE",
        help="with --history, only commits in this git revision range (e.g. origin/main..HEAD) instead of all refs",
    )
    g.add_argument(
        "--baseline",
        metavar="FILE",
        help="suppress findings whose fingerprints are in FILE; FILE is created from this scan when missing",
    )
    g.add_argument("--update-baseline", action="store_true", help="rewrite --baseline FILE from this scan")
    g.add_argument(
        "--engine",
        choices=("auto", "hyperscan", "re"),
        default="auto",
        help="matching engine: Hyperscan when installed, else pure-Python `re` (same results)",
    )
    add_output_options(p)
    add_common_options(p)


def run(args: argparse.Namespace) -> int:
    """Scan, apply the baseline, finalize and emit; returns the exit code."""
    from nodeward.secrets.analyzer import analyze_project
    from nodeward.secrets.baseline import apply_baseline, load_baseline, write_baseline
    from nodeward.secrets.engine import Engine, available_engines

    started = time.perf_counter()
    root = Path(args.path)
    if not root.exists():
        raise UsageError(f"{args.path}: no such file or directory")
    if args.history_range is not None and (not args.history_range.strip() or args.history_range.startswith("-")):
        raise UsageError(f"--history-range {args.history_range!r}: expected a git revision range like origin/main..HEAD")
    if args.history_range and not args.history:
        args.history = True
    if args.engine == "hyperscan" and "hyperscan" not in available_engines():
        raise UsageError("--engine hyperscan: the `hyperscan` package is not installed (pip install 'nodeward[fast]')")
    config = config_from_args(root, args)
    secrets_cfg = config.secrets
    if args.history:
        secrets_cfg = replace(secrets_cfg, history=True)
    if args.min_confidence:
        # For this command the flag is the secrets threshold too (docs/test examples are LOW).
        secrets_cfg = replace(secrets_cfg, min_confidence=config.min_confidence)
    config = replace(config, secrets=secrets_cfg)
    project = discover(root, config)
    # `--baseline FILE` is relative to the working directory like any CLI path; the config's
    # `secrets.baseline` belongs to the project, so it is relative to the scan root.
    baseline = Path(args.baseline) if args.baseline else None
    if baseline is None and secrets_cfg.baseline:
        baseline = project.root / secrets_cfg.baseline
    if args.update_baseline and baseline is None:
        raise UsageError("--update-baseline needs --baseline FILE (or `baseline` in the [secrets] config)")
    output = analyze_project(project, code=True, engine=Engine(args.engine), history_range=args.history_range)
    findings = list(output.findings)
    if baseline is not None:
        path = baseline
        if args.update_baseline or not path.exists():
            write_baseline(path, findings)
        findings = apply_baseline(findings, load_baseline(path), str(path))
        output = replace(output, findings=tuple(findings))
    result = finalize(
        project.root,
        config,
        [output],
        families={"secrets"},
        suppressions=_source_suppressions(project.root, output.findings),
        extra_skipped=project.skipped,
        started=started,
        files=output.counts.get("secret_files", 0),
        nbytes=output.counts.get("secret_bytes", 0),
    )
    return emit(result, config, args)


def _source_suppressions(root: Path, findings: Sequence[Finding]) -> list[SuppressionComment]:
    """`// nodeward-ignore NW813 reason` comments in the JS/TS files that have a secrets
    finding, as `scan` honours them (found on the syntax tree, never by a regex).

    Only comments naming secrets rules are kept: this command does not run the other
    rules, so a comment for one of them must not be reported as unused here."""
    import tree_sitter as ts

    from nodeward.registry import ALL_RULES
    from nodeward.sast.parse import get_language, language_for, parse
    from nodeward.suppress import find_suppressions

    secrets_keys = {r.id.upper() for r in ALL_RULES if r.family == "secrets"}
    secrets_keys |= {r.name.lower() for r in ALL_RULES if r.family == "secrets"}
    out: list[SuppressionComment] = []
    for path in sorted({f.path for f in findings if f.path}):
        lang = language_for(path)
        if lang is None:
            continue
        try:
            source = (root / path).read_bytes()
        except OSError:
            continue
        if b"nodeward-ignore" not in source:
            continue
        query = ts.Query(get_language(lang), "(comment) @c")
        comments = ts.QueryCursor(query).captures(parse(source, lang).root_node).get("c", [])
        out.extend(
            c
            for c in find_suppressions(path, source, comments)
            if c.rules and all(t.upper() in secrets_keys or t.lower() in secrets_keys for t in c.rules)
        )
    return out
