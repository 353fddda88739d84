"""Options and output handling shared by the subcommands."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from nodeward.config import Config, load_config
from nodeward.errors import ExitCode, UsageError
from nodeward.model import Confidence, ScanResult, Severity
from nodeward.report import FORMATS, RenderOptions

__all__ = [
    "add_common_options",
    "add_output_options",
    "config_from_args",
    "emit",
    "exit_code",
    "write_output",
]

_SEVERITIES = [str(s) for s in Severity]
T = TypeVar("T")


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"NODEWARD_{name}", default)


def add_output_options(p: argparse.ArgumentParser, formats: tuple[str, ...] = ("text", "json", "sarif", "html")) -> None:
    g = p.add_argument_group("output")
    default = _env("FORMAT", "text")
    g.add_argument("--format", "-f", choices=formats, default=default if default in formats else "text", help="report format (env NODEWARD_FORMAT)")
    g.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    g.add_argument("--fail-on", choices=_SEVERITIES, default=_env("FAIL_ON"), help="exit 1 when a finding is at or above this severity (default: high, or the config's fail_on)")
    g.add_argument("--min-severity", choices=_SEVERITIES, default=_env("MIN_SEVERITY"), help="report only findings at or above this severity")
    g.add_argument("--min-confidence", choices=[str(c) for c in Confidence], default=_env("MIN_CONFIDENCE"), help="report only findings at or above this confidence")
    g.add_argument("--strict", action="store_true", help="exit 3 when the scan was incomplete (parse errors, unreadable lockfile entries, skipped sources)")
    g.add_argument("--no-color", action="store_true", help="never colour the text report")


def add_common_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("general")
    g.add_argument("--config", metavar="FILE", help="config file (default: .nodeward.toml or package.json \"nodeward\" at the scan root)")
    g.add_argument("--quiet", "-q", action="store_true", help="print only the report")
    g.add_argument("--verbose", "-v", action="store_true", help="log progress and skipped files")
    g.add_argument("--debug", action="store_true", help="log everything and re-raise internal errors")


def _threshold(args: argparse.Namespace, attr: str, parse: Callable[[str], T]) -> T | None:
    """A --fail-on/--min-* value, parsed. argparse checks choices only for values typed on the
    command line, not for defaults taken from NODEWARD_* variables: a bad variable is a usage
    error naming it, not an internal error."""
    value = getattr(args, attr, None)
    if not value:
        return None
    try:
        return parse(value)
    except ValueError as e:
        flag = "--" + attr.replace("_", "-")
        raise UsageError(f"{flag} (or NODEWARD_{attr.upper()}): {e}") from None


def config_from_args(root: Path, args: argparse.Namespace) -> Config:
    """Config file values, overridden by the flags the user actually gave."""
    explicit = Path(args.config) if getattr(args, "config", None) else None
    if explicit is not None and explicit.is_dir():
        raise UsageError(f"{explicit}: --config takes a file (.nodeward.toml or package.json), not a folder")
    if explicit is not None and not explicit.is_file():
        raise UsageError(f"{explicit}: config file not found")
    config = load_config(root, explicit)
    excludes = tuple(getattr(args, "exclude", None) or ())
    return config.with_overrides(
        fail_on=_threshold(args, "fail_on", Severity.parse),
        min_severity=_threshold(args, "min_severity", Severity.parse),
        min_confidence=_threshold(args, "min_confidence", Confidence.parse),
        exclude=(*config.exclude, *excludes) if excludes else None,
        jobs=getattr(args, "jobs", None),
        use_cache=False if getattr(args, "no_cache", False) else None,
        include_node_modules=True if getattr(args, "include_node_modules", False) else None,
        strict=True if getattr(args, "strict", False) else None,
    )


def exit_code(result: ScanResult, config: Config) -> int:
    if result.failed:
        return ExitCode.INCOMPLETE
    if config.strict and result.incomplete:
        return ExitCode.INCOMPLETE
    if any(f.severity >= config.fail_on for f in result.active_findings):
        return ExitCode.FINDINGS
    if any(506 in f.cwe and f.rule_id.startswith("NW7") for f in result.active_findings):
        return ExitCode.FINDINGS
    return ExitCode.OK


def write_output(text: str, output: str | None) -> None:
    """Write to --output (created lazily, only once rendering succeeded) or stdout.

    Missing parent folders are created, as ESLint's and semgrep's `--output` do: CI jobs
    write into `reports/` folders that do not exist on a fresh checkout."""
    if output:
        try:
            Path(output).parent.mkdir(parents=True, exist_ok=True)
            Path(output).write_text(text, encoding="utf-8")
        except OSError as e:
            raise UsageError(f"{output}: cannot write report: {e.strerror}") from None
        return
    sys.stdout.write(text)
    if text and not text.endswith("\n"):
        sys.stdout.write("\n")
    sys.stdout.flush()


def emit(result: ScanResult, config: Config, args: argparse.Namespace) -> int:
    """Render in the chosen format, write it, and return the exit code."""
    fmt = getattr(args, "format", "text")
    to_tty = not getattr(args, "output", None) and sys.stdout.isatty()
    options = RenderOptions(
        color=to_tty and not getattr(args, "no_color", False) and "NO_COLOR" not in os.environ,
        verbose=bool(getattr(args, "verbose", False)),
        fail_on=config.fail_on,
    )
    write_output(FORMATS[fmt](result, options), getattr(args, "output", None))
    code = exit_code(result, config)
    if getattr(args, "output", None) and not getattr(args, "quiet", False):
        sys.stderr.write(f"nodeward: wrote {fmt} report to {args.output}\n")
    return code
