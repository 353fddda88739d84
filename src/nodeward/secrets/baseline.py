"""Secrets baselines that do not churn.

`{"version": 1, "findings": [{"fingerprint", "rule_id", "path"}]}`, sorted, with
no line numbers, no timestamps and no secret values: fingerprints hash the
value, so moving a secret to another line keeps it baselined while a new
secret in the same file is reported.  Format upgrades are explicit functions
(`UPGRADES[n]` turns version n into n + 1).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from nodeward.errors import BaselineError
from nodeward.model import Finding, Suppression

__all__ = ["VERSION", "apply_baseline", "dump_baseline", "load_baseline", "write_baseline"]

VERSION = 1

UPGRADES: Mapping[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}
"""version -> function upgrading a baseline of that version to the next one."""


def dump_baseline(findings: Iterable[Finding]) -> str:
    """The baseline text for `findings` (deterministic: sorted, no line numbers)."""
    entries = sorted(
        {(f.fingerprint, f.rule_id, f.path) for f in findings},
        key=lambda e: (e[2], e[1], e[0]),
    )
    doc = {"version": VERSION, "findings": [{"fingerprint": fp, "rule_id": r, "path": p} for fp, r, p in entries]}
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


def write_baseline(path: Path, findings: Iterable[Finding]) -> None:
    """Write the baseline for `findings` to `path` (missing folders created, as `--output`
    does); BaselineError when it cannot."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump_baseline(findings), encoding="utf-8")
    except OSError as e:
        raise BaselineError(f"{path}: cannot write baseline: {e.strerror}") from None


def load_baseline(path: Path) -> set[str]:
    """Fingerprints in a baseline file; BaselineError with the path on any problem."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise BaselineError(f"{path}: cannot read baseline: {e.strerror}") from None
    except (ValueError, UnicodeDecodeError) as e:
        raise BaselineError(f"{path}: not a nodeward baseline (invalid JSON: {e})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("version"), int):
        raise BaselineError(f"{path}: not a nodeward baseline (no integer \"version\")")
    version = doc["version"]
    if version > VERSION:
        raise BaselineError(f"{path}: baseline version {version} is newer than this nodeward supports ({VERSION})")
    while version < VERSION:
        upgrade = UPGRADES.get(version)
        if upgrade is None:
            raise BaselineError(f"{path}: cannot upgrade baseline version {version}")
        doc = upgrade(doc)
        version = doc["version"]
    items = doc.get("findings")
    if not isinstance(items, list):
        raise BaselineError(f"{path}: \"findings\" must be a list")
    out: set[str] = set()
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("fingerprint"), str):
            raise BaselineError(f"{path}: findings[{i}] has no \"fingerprint\" string")
        out.add(item["fingerprint"])
    return out


def apply_baseline(findings: Iterable[Finding], fingerprints: set[str], source: str) -> list[Finding]:
    """Findings with those in the baseline marked suppressed (kind `external`)."""
    out = []
    for f in findings:
        if f.suppression is None and f.fingerprint in fingerprints:
            f = replace(f, suppression=Suppression("external", f"in baseline {source}"))
        out.append(f)
    return out
