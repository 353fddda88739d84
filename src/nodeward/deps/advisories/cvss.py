"""CVSS base scores from vector strings: v3.0/v3.1 by FIRST's formula, v4.0 through the
`cvss` package (Red Hat's implementation of FIRST's v4.0 calculator).

OSV records carry only the vector; the numeric score decides the severity when a
record has no GHSA severity label, and is reported in SARIF, JSON, text and
CycloneDX.  CVSS 4.0 is not a formula but a lookup over macro-vectors with
interpolation, so it is not re-derived here: the `cvss` package ports FIRST's
reference calculator and is checked against its published values in the tests.
"""

from __future__ import annotations

import functools
import math

__all__ = ["cvss3_base_score", "cvss4_base_score", "cvss_version"]

_AV = {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2}
_AC = {"L": 0.77, "H": 0.44}
_PR_U = {"N": 0.85, "L": 0.62, "H": 0.27}
_PR_C = {"N": 0.85, "L": 0.68, "H": 0.5}
_UI = {"N": 0.85, "R": 0.62}
_CIA = {"H": 0.56, "L": 0.22, "N": 0.0}


def _roundup(x: float) -> float:
    i = round(x * 100000)
    if i % 10000 == 0:
        return i / 100000.0
    return (math.floor(i / 10000) + 1) / 10.0


def cvss_version(vector: str) -> str:
    """`3.0`, `3.1`, `4.0`... from a `CVSS:x.y/...` prefix, or "" when there is none."""
    head = vector.strip().split("/", 1)[0]
    return head[5:] if head.startswith("CVSS:") else ""


def cvss3_base_score(vector: str) -> float | None:
    """The base score of a `CVSS:3.x/AV:N/...` vector, or None when it is not one."""
    parts = vector.strip().split("/")
    if not parts or not parts[0].startswith("CVSS:3"):
        return None
    m: dict[str, str] = {}
    for p in parts[1:]:
        k, _, v = p.partition(":")
        m[k] = v
    try:
        scope_changed = m["S"] == "C"
        iss = 1 - (1 - _CIA[m["C"]]) * (1 - _CIA[m["I"]]) * (1 - _CIA[m["A"]])
        if scope_changed:
            impact = 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15
        else:
            impact = 6.42 * iss
        pr = (_PR_C if scope_changed else _PR_U)[m["PR"]]
        exploit = 8.22 * _AV[m["AV"]] * _AC[m["AC"]] * pr * _UI[m["UI"]]
    except KeyError:
        return None
    if impact <= 0:
        return 0.0
    if scope_changed:
        return _roundup(min(1.08 * (impact + exploit), 10))
    return _roundup(min(impact + exploit, 10))


@functools.lru_cache(maxsize=4096)
def cvss4_base_score(vector: str) -> float | None:
    """The score of a `CVSS:4.0/AV:N/...` vector, or None when it is not a valid one.

    This is the base score (CVSS-B) for the base-only vectors advisories publish; a
    vector that also carries threat or environmental metrics (`E:U`) gets the
    CVSS-BT/BE value, as FIRST's calculator and GitHub's advisory API show it.

    Vectors repeat heavily across a feed (a few hundred distinct ones in OSV's npm
    export), so results are cached: importing a database scores each vector once.
    The `cvss` package is imported here, not at module top, because most scans
    read scores already stored in the offline database and never need it.
    """
    v = vector.strip()
    if not v.startswith("CVSS:4.0/"):
        return None
    from cvss import CVSS4  # type: ignore[import-untyped]
    from cvss.exceptions import CVSSError  # type: ignore[import-untyped]

    try:
        score = CVSS4(v).base_score
    except (CVSSError, KeyError, ValueError, IndexError):
        return None
    try:
        return float(score)
    except (TypeError, ValueError):
        return None
