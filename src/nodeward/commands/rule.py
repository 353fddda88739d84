"""`nodeward rule ID|NAME`: one rule's documentation."""

from __future__ import annotations

import argparse
import difflib
import sys

from nodeward.errors import UsageError
from nodeward.registry import ALL_RULES, lookup

NAME = "rule"
HELP = "print one rule's documentation (by id, e.g. NW101, or name)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("rule", metavar="ID|NAME")


def run(args: argparse.Namespace) -> int:
    rule = lookup(args.rule)
    if rule is None:
        keys = [r.id for r in ALL_RULES] + [r.name for r in ALL_RULES]
        close = difflib.get_close_matches(args.rule, keys, n=1)
        hint = f" (did you mean {close[0]}?)" if close else " (see `nodeward rules`)"
        raise UsageError(f"unknown rule {args.rule!r}{hint}")
    cwe = ", ".join(f"CWE-{c}" for c in rule.cwe) or "-"
    header = (
        f"# {rule.id} {rule.name}\n\n{rule.summary}\n\n"
        f"- Severity: {rule.severity}  Confidence: {rule.confidence}\n"
        f"- CWE: {cwe}  OWASP: {', '.join(rule.owasp) or '-'}\n"
        f"- Analyzer: {rule.family}  Enabled by default: {'yes' if rule.default_enabled else 'no'}\n"
    )
    if rule.guide_section:
        header += f"- Guide section: {rule.guide_section}\n"
    sys.stdout.write(header + "\n" + rule.docs)
    return 0
