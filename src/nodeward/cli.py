"""The command line: the only module that parses argv, prints, or picks an exit code.

Subcommands live in `nodeward.commands`, one module each, listed explicitly.
`main(argv)` is callable in-process, which is how the tests drive it.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import NoReturn

from nodeward import __version__
from nodeward.commands import COMMANDS, load
from nodeward.errors import (
    AdvisoryConnectionError,
    AdvisorySourceError,
    BaselineError,
    ConfigError,
    ExitCode,
    NodewardError,
    ProbeError,
    UsageError,
)

__all__ = ["build_parser", "main"]


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Show defaults only where there is one worth showing (not None, False or already stated)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if action.default in (None, False, argparse.SUPPRESS) or "default" in text or not action.option_strings:
            return text
        return super()._get_help_string(action) or text


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one clear line (and exit 2) instead of a usage dump."""

    command: str | None = None
    """On the top-level parser: the subcommand named in argv, so that an error the top level
    reports about it (`unrecognized arguments`) points at that command's help."""

    def error(self, message: str) -> NoReturn:
        prog = f"{self.prog} {self.command}" if self.command else self.prog
        sys.stderr.write(f"nodeward: error: {message} (see `{prog} --help`)\n")
        raise SystemExit(ExitCode.USAGE)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; only the command named in `argv` (every command when None) gets its arguments."""
    parser = _Parser(
        prog="nodeward",
        description="Security auditor for Node.js applications: code, routes, dependencies, secrets and live servers.",
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"nodeward {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    wanted = _command_in(argv)
    if wanted in {name for name, _ in COMMANDS}:
        parser.command = wanted
    for name, help_text in COMMANDS:
        p = sub.add_parser(name, help=help_text, description=help_text, formatter_class=_HelpFormatter)
        if argv is None or name == wanted:
            module = load(name)
            module.add_arguments(p)
            p.set_defaults(func=module.run)
    return parser


def _command_in(argv: Sequence[str] | None) -> str | None:
    """The subcommand named in argv: the first argument that is not an option."""
    for arg in argv or ():
        if not arg.startswith("-"):
            return arg
    return None


def _configure_logging(args: argparse.Namespace) -> None:
    level = logging.WARNING
    if getattr(args, "quiet", False):
        level = logging.ERROR
    if getattr(args, "verbose", False):
        level = logging.INFO
    if getattr(args, "debug", False):
        level = logging.DEBUG
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("nodeward: %(levelname)s: %(message)s"))
    log = logging.getLogger("nodeward")
    log.handlers[:] = [handler]
    log.setLevel(level)
    log.propagate = False


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0].startswith("-") and args_list[0] not in ("-h", "--help", "--version"):
        # `nodeward --format json scan .` picked `json` as the command ("invalid choice: 'json'").
        flag = args_list[0].split("=", 1)[0]
        sys.stderr.write(f"nodeward: error: {flag} goes after the command, e.g. `nodeward scan {flag} ... PATH` (see `nodeward --help`)\n")
        return ExitCode.USAGE
    try:
        parser = build_parser(args_list)  # imports the command's module: an error there is internal too
    except Exception as e:
        if "--debug" in args_list:
            raise
        sys.stderr.write(f"nodeward: internal error: {type(e).__name__}: {e} (run with --debug for the traceback)\n")
        return ExitCode.INCOMPLETE
    try:
        args = parser.parse_args(args_list)
    except SystemExit as e:
        return int(e.code) if isinstance(e.code, int) else ExitCode.USAGE
    if getattr(args, "func", None) is None:
        parser.print_help(sys.stderr)
        return ExitCode.USAGE
    _configure_logging(args)
    debug = bool(getattr(args, "debug", False))
    try:
        return int(args.func(args))
    except (ConfigError, UsageError, BaselineError) as e:
        if debug:
            raise
        sys.stderr.write(f"nodeward: error: {e}\n")
        return ExitCode.USAGE
    except (AdvisoryConnectionError, AdvisorySourceError, ProbeError) as e:
        if debug:
            raise
        sys.stderr.write(f"nodeward: error: {e}\n")
        return ExitCode.INCOMPLETE
    except NodewardError as e:
        if debug:
            raise
        sys.stderr.write(f"nodeward: error: {e}\n")
        return ExitCode.USAGE
    except KeyboardInterrupt:
        sys.stderr.write("nodeward: interrupted\n")
        return 130
    except BrokenPipeError:
        return ExitCode.OK
    except Exception as e:
        if debug:
            raise
        sys.stderr.write(
            f"nodeward: internal error: {type(e).__name__}: {e} (run with --debug for the traceback)\n"
        )
        return ExitCode.INCOMPLETE
