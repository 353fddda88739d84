"""`nodeward deps` (placeholder until its analyzer lands)."""

from __future__ import annotations

import argparse

from nodeward.errors import UsageError

NAME = "deps"
HELP = "deps (not available yet)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("args", nargs="*")


def run(args: argparse.Namespace) -> int:
    raise UsageError("`nodeward deps` is not available in this build")
