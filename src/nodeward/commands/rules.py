"""`nodeward rules`: the table of every rule."""

from __future__ import annotations

import argparse
import json
import sys

from nodeward.registry import ALL_RULES

NAME = "rules"
HELP = "list every rule with its id, name, severity and default state"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", "-f", choices=("text", "json", "markdown"), default="text")
    # Choices from the registry: a typo was "0 rules" and exit 0, not a usage error.
    families = tuple(dict.fromkeys(r.family for r in ALL_RULES))
    p.add_argument("--family", choices=families, help="only rules of one analyzer: " + ", ".join(families))


def run(args: argparse.Namespace) -> int:
    rules = [r for r in ALL_RULES if not args.family or r.family == args.family]
    if args.format == "json":
        data = [
            {
                "id": r.id,
                "name": r.name,
                "summary": r.summary,
                "severity": str(r.severity),
                "confidence": str(r.confidence),
                "cwe": list(r.cwe),
                "owasp": list(r.owasp),
                "family": r.family,
                "default_enabled": r.default_enabled,
            }
            for r in rules
        ]
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return 0
    if args.format == "markdown":
        from nodeward.report.markdown import rules_table

        sys.stdout.write(rules_table(rules))
        return 0
    width = max((len(r.name) for r in rules), default=10)
    for r in rules:
        flag = " " if r.default_enabled else "*"
        cwe = ",".join(f"CWE-{c}" for c in r.cwe)
        sys.stdout.write(f"{r.id}{flag} {r.name:<{width}}  {str(r.severity):<8} {r.family:<7} {cwe:<14} {r.summary}\n")
    sys.stdout.write(f"\n{len(rules)} rules (* = off by default; enable with `enable = [...]` in .nodeward.toml)\n")
    return 0
