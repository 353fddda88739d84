"""Config-file ignores for advisories: scoped, justified, expiring, and reported when stale.

An ignore applies to a finding when its `id` is the advisory id or one of its
aliases, and its optional `package`, `versions` (a node-semver range) and
`path` (a glob or folder prefix of the lockfile) all match.  An expired ignore
applies to nothing and is itself a finding (NW710); one that matched nothing is
NW711.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Sequence
from dataclasses import replace

from nodeward.config import DepsIgnore
from nodeward.deps.detail import DependencyDetail
from nodeward.deps.rules import EXPIRED_IGNORE, UNUSED_IGNORE
from nodeward.deps.semver import satisfies
from nodeward.model import Finding, SourceSpan, Suppression, make_fingerprint

__all__ = ["ConfigLocation", "apply_ignores"]


class ConfigLocation:
    """Where the config file is (relative to the scan root when inside it) and its text."""

    __slots__ = ("path", "text")

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text

    def line_of(self, needle: str) -> int:
        for i, line in enumerate(self.text.splitlines(), 1):
            if needle in line:
                return i
        return 1


def _matches(ign: DepsIgnore, d: DependencyDetail) -> bool:
    ids = {d.advisory_id.upper(), *(a.upper() for a in d.aliases)}
    if ign.id.strip().upper() not in ids:
        return False
    if ign.package and ign.package.lower() not in {d.package.lower(), (d.installed_as or "").lower()}:
        return False
    if ign.versions and not satisfies(d.version, ign.versions, include_prerelease=True):
        return False
    if ign.path and not _path_matches(ign.path, d):
        return False
    return True


def _under(path: str, pattern: str) -> bool:
    p = pattern.strip().rstrip("/").removeprefix("./") or "."
    return fnmatch.fnmatch(path, pattern) or path == p or p == "." or path.startswith(p + "/")


def _path_matches(pattern: str, d: DependencyDetail) -> bool:
    """The lockfile is under `pattern`, or every workspace that reaches the package is.

    One root lockfile serves every workspace of a monorepo, so `path = "packages/api"`
    has to be able to mean "the findings that workspace brings in"."""
    if _under(d.lockfile, pattern):
        return True
    return bool(d.workspaces) and all(_under(w, pattern) for w in d.workspaces)


def apply_ignores(
    findings: Sequence[Finding],
    ignores: Sequence[DepsIgnore],
    today: dt.date,
    where: ConfigLocation | None,
    report_unused: bool = True,
) -> list[Finding]:
    """Findings with matching ignores attached as suppressions, plus NW710/NW711 findings.

    `report_unused` is False when the advisory check did not (fully) run: an ignore
    cannot be called stale when nothing was matched against it."""
    if not ignores:
        return list(findings)
    used = [False] * len(ignores)
    out: list[Finding] = []
    for f in findings:
        d = f.detail
        if isinstance(d, DependencyDetail) and f.suppression is None:
            for i, ign in enumerate(ignores):
                if ign.expires is not None and ign.expires < today:
                    continue
                if _matches(ign, d):
                    used[i] = True
                    until = f" (until {ign.expires.isoformat()})" if ign.expires else ""
                    f = replace(f, suppression=Suppression("external", f"{ign.reason}{until}", where.path if where else "", where.line_of(ign.id) if where else 0))
                    break
        out.append(f)
    path = where.path if where else ".nodeward.toml"
    for i, ign in enumerate(ignores):
        line = where.line_of(ign.id) if where else 1
        span = SourceSpan(path, line, 1, line, 1, f'id = "{ign.id}"')
        if ign.expires is not None and ign.expires < today:
            out.append(
                Finding(
                    rule_id=EXPIRED_IGNORE.id,
                    rule_name=EXPIRED_IGNORE.name,
                    severity=EXPIRED_IGNORE.severity,
                    confidence=EXPIRED_IGNORE.confidence,
                    message=f"Ignore for `{ign.id}` expired on {ign.expires.isoformat()}; the advisory is reported again",
                    location=span,
                    fingerprint=make_fingerprint(EXPIRED_IGNORE.id, path, f"{ign.id}|{ign.package}|{ign.path}"),
                    owasp=EXPIRED_IGNORE.owasp,
                    fix="Fix the dependency, or renew the ignore with a new `expires` date and a current reason.",
                )
            )
        elif not used[i] and report_unused:
            out.append(
                Finding(
                    rule_id=UNUSED_IGNORE.id,
                    rule_name=UNUSED_IGNORE.name,
                    severity=UNUSED_IGNORE.severity,
                    confidence=UNUSED_IGNORE.confidence,
                    message=f"Ignore for `{ign.id}` matches no finding; remove it",
                    location=span,
                    fingerprint=make_fingerprint(UNUSED_IGNORE.id, path, f"{ign.id}|{ign.package}|{ign.path}"),
                    fix="Delete the stale `[[deps.ignore]]` entry.",
                )
            )
    return out
