"""Is this exact version affected?  OSV range evaluation with npm version order.

Every source's answer is re-checked here against the locked version, so a feed
that over-reports (or a stale cache) cannot put a wrong finding in front of the
user.  Event bounds that are not valid semver (`1.0`, `v2`) are padded the way
npm coerces them; a bound that still cannot be read makes the range count as
affecting the version (never a silent "clean"), and is recorded as such.
"""

from __future__ import annotations

import functools
import re

from nodeward.deps.advisories.model import AffectedPackage, AffectedRange
from nodeward.deps.semver import Version, parse_version, satisfies

__all__ = ["affected_by", "bound_version", "fixed_versions_for"]

_PARTIAL = re.compile(r"^\s*[v=]?\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-?([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?\s*$")
_ZERO = Version(0, 0, 0, (0,))
"""`0.0.0-0`, the lowest version there is: OSV's `introduced: "0"` means every version."""


def bound_version(text: str) -> Version | None:
    """An event value as a Version: strict semver, loose semver, or `1.0` padded to `1.0.0`."""
    if text == "0":
        return _ZERO
    v = parse_version(text) or parse_version(text, loose=True)
    if v is not None:
        return v
    m = _PARTIAL.match(text)
    if m is None:
        return None
    # A partial bound names a whole release line, as a node-semver x-range does with
    # includePrerelease: `1.0` starts at `1.0.0-0`, below the line's first prerelease.
    pre = f"-{m.group(4)}" if m.group(4) else ("-0" if m.group(3) is None else "")
    return parse_version(f"{m.group(1)}.{m.group(2) or 0}.{m.group(3) or 0}{pre}", loose=True)


def _in_range(r: AffectedRange, v: Version) -> bool:
    """OSV semantics: sort events by version; introduced opens, fixed/last_affected close."""
    events = _sorted_events(r)
    if not events or not any(k == "introduced" for _, _, k in events):
        return False
    affected = False
    for bound, _, kind in events:
        c = v.compare(bound)
        if kind == "introduced":
            if c >= 0:
                affected = True
        elif kind == "fixed":
            if c >= 0:
                affected = False
        elif kind == "last_affected" and c > 0:
            affected = False
    return affected


@functools.lru_cache(maxsize=65536)
def _sorted_events(r: AffectedRange) -> tuple[tuple[Version, int, str], ...]:
    """A range's events as Versions in precedence order (memoised: ranges are frozen)."""
    events: list[tuple[Version, int, str]] = []
    for kind, value in r.events:
        if kind == "limit":
            continue
        b = bound_version(value)
        if b is None:
            # Unreadable bound: be conservative for introduced, ignore a closing bound.
            if kind == "introduced":
                b = _ZERO
            else:
                continue
        order = {"introduced": 0, "last_affected": 1, "fixed": 2}[kind]
        events.append((b, order, kind))
    # Sort by version (SemVer precedence), keeping introduced before a fix at the same version.
    def cmp(a: tuple[Version, int, str], b: tuple[Version, int, str]) -> int:
        c = a[0].compare(b[0])
        return c if c else (a[1] > b[1]) - (a[1] < b[1])

    events.sort(key=functools.cmp_to_key(cmp))
    return tuple(events)


def affected_by(pkg: AffectedPackage, version: str) -> bool:
    """Whether `version` (as locked) is inside any of the package's affected ranges or versions."""
    v = parse_version(version) or parse_version(version, loose=True)
    if version in pkg.versions:
        return True
    if v is None:
        return False
    if pkg.npm_range is not None and satisfies(v, pkg.npm_range, include_prerelease=True):
        return True
    return any(_in_range(r, v) for r in pkg.ranges)


def fixed_versions_for(pkg: AffectedPackage, version: str) -> tuple[str, ...]:
    """Fixed versions above the locked one, lowest first (the minimal upgrade comes first)."""
    v = parse_version(version) or parse_version(version, loose=True)
    out: list[tuple[Version, str]] = []
    containing = [r for r in pkg.ranges if v is not None and _in_range(r, v)]
    for r in containing or pkg.ranges:
        for kind, value in r.events:
            if kind != "fixed":
                continue
            b = bound_version(value)
            if b is None or (v is not None and b <= v):
                continue
            out.append((b, value))
    out.sort(key=lambda t: t[0])
    seen: list[str] = []
    for _, value in out:
        if value not in seen:
            seen.append(value)
    return tuple(seen)
