"""One advisory shape for every feed, and the OSV parser that fills it.

Real records are messy (see ../shared/advisories/MANIFEST.md): package names in
capitals, ecosystems other than npm in the same record, `last_affected` events,
non-semver bounds like `1.0`, no fixed version at all, empty CVSS scores, lower
case severities.  Parsing keeps only the npm parts and never raises on a field it
does not understand; `parse_osv` raises ValueError only when a record has no id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nodeward.deps.advisories.cvss import cvss3_base_score, cvss4_base_score
from nodeward.model import Severity

__all__ = [
    "Advisory",
    "AffectedPackage",
    "AffectedRange",
    "from_compact",
    "parse_osv",
    "severity_from_label",
    "severity_from_score",
    "to_compact",
]

def _obj(v: Any) -> dict[str, Any]:
    """`v` when it is a mapping, else an empty dict (lockfiles and feeds hold surprises)."""
    return v if isinstance(v, dict) else {}


def _str(v: Any) -> str:
    return v if isinstance(v, str) else ""



@dataclass(frozen=True, slots=True)
class AffectedRange:
    type: str
    """SEMVER or ECOSYSTEM (GIT ranges are skipped: npm versions are not commits)."""
    events: tuple[tuple[str, str], ...]
    """(`introduced` | `fixed` | `last_affected` | `limit`, version) in record order."""


@dataclass(frozen=True, slots=True)
class AffectedPackage:
    name: str
    """Lower-cased npm package name (npm names are case-insensitive in practice)."""
    ranges: tuple[AffectedRange, ...] = ()
    versions: tuple[str, ...] = ()
    npm_range: str | None = None
    """A node-semver range of vulnerable versions (npm's bulk endpoint speaks this)."""


@dataclass(frozen=True, slots=True)
class Advisory:
    id: str
    aliases: tuple[str, ...]
    summary: str
    severity: Severity
    affected: tuple[AffectedPackage, ...]
    details: str = ""
    cvss_score: float | None = None
    """CVSS v3.x base score (from `cvss_vector`)."""
    cvss_vector: str = ""
    """The record's CVSS v3.x vector (or, for records with neither v3 nor v4, any other
    `CVSS:` vector, kept for display)."""
    cwes: tuple[int, ...] = ()
    references: tuple[str, ...] = ()
    published: str = ""
    modified: str = ""
    withdrawn: str = ""
    source: str = "osv"
    """osv-file, offline-db, osv-api or npm: where the record came from."""
    cvss4_score: float | None = None
    """CVSS 4.0 score of `cvss4_vector` (FIRST's calculator, via the `cvss` package)."""
    cvss4_vector: str = ""

    @property
    def best_cvss(self) -> tuple[float | None, str]:
        """(score, vector) of the newest CVSS version the record scores: 4.0, else 3.x.

        FIRST's v4.0 supersedes v3.1; when a record carries both, v4 is the one to
        show first and the one that rates a record without a GHSA severity label.
        """
        if self.cvss4_score is not None:
            return self.cvss4_score, self.cvss4_vector
        return self.cvss_score, self.cvss_vector

    @property
    def malicious(self) -> bool:
        """Malware, not a bug: OSV `MAL-` ids or GHSA's CWE-506 (embedded malicious code)."""
        return self.id.startswith("MAL-") or any(a.startswith("MAL-") for a in self.aliases) or 506 in self.cwes

    @property
    def url(self) -> str:
        if self.id.startswith("GHSA-"):
            return f"https://github.com/advisories/{self.id}"
        return f"https://osv.dev/vulnerability/{self.id}"

    def all_ids(self) -> tuple[str, ...]:
        return (self.id, *self.aliases)

    def for_package(self, name: str) -> tuple[AffectedPackage, ...]:
        low = name.lower()
        return tuple(a for a in self.affected if a.name == low)


_LABELS = {"low": Severity.LOW, "moderate": Severity.MEDIUM, "medium": Severity.MEDIUM, "high": Severity.HIGH, "critical": Severity.CRITICAL, "info": Severity.INFO, "none": Severity.INFO}


def severity_from_label(label: str) -> Severity | None:
    return _LABELS.get(label.strip().lower())


def severity_from_score(score: float) -> Severity:
    """CVSS v3 qualitative rating scale."""
    if score >= 9.0:
        return Severity.CRITICAL
    if score >= 7.0:
        return Severity.HIGH
    if score >= 4.0:
        return Severity.MEDIUM
    if score > 0.0:
        return Severity.LOW
    return Severity.INFO


def _list(v: Any) -> list[Any]:
    """`v` when it is a list, else empty: a feed's `affected: 5` is data we skip, not a crash."""
    return v if isinstance(v, list) else []


def _strs(v: Any) -> tuple[str, ...]:
    return tuple(x for x in v if isinstance(x, str) and x) if isinstance(v, list) else ()


def _cwe(text: str) -> int | None:
    t = text.strip().upper()
    if t.startswith("CWE-") and t[4:].isdigit():
        return int(t[4:])
    return None


def _cvss(entries: Any) -> tuple[float | None, str, float | None, str]:
    """(v3 score, v3 vector, v4 score, v4 vector) from an OSV `severity` list.

    The vector's own `CVSS:x.y/` prefix decides its version (feeds have mislabelled
    the `type`); a v3 or v4 vector that does not score is kept for display with no
    score, and another `CVSS:` vector is kept only when there is no v3 one.
    """
    score: float | None = None
    vector = ""
    score4: float | None = None
    vector4 = ""
    other = ""
    for sev in _list(entries):
        if not isinstance(sev, dict):
            continue
        s = _str(sev.get("score")).strip()
        if s.startswith("CVSS:3") and not vector:
            vector, score = s, cvss3_base_score(s)
        elif s.startswith("CVSS:4") and not vector4:
            vector4, score4 = s, cvss4_base_score(s)
        elif s.startswith("CVSS:") and not other:
            other = s
    return score, vector or other, score4, vector4


def parse_osv(record: Mapping[str, Any], source: str = "osv") -> Advisory:
    """An Advisory with only the npm parts of an OSV record (possibly none)."""
    rid = record.get("id")
    if not isinstance(rid, str) or not rid:
        raise ValueError("record has no `id`")
    affected: list[AffectedPackage] = []
    for aff in _list(record.get("affected")):
        if not isinstance(aff, dict):
            continue
        pkg = _obj(aff.get("package"))
        eco = str(pkg.get("ecosystem") or "")
        name = pkg.get("name")
        if eco.split(":", 1)[0].lower() != "npm" or not isinstance(name, str) or not name:
            continue
        ranges = []
        for r in _list(aff.get("ranges")):
            if not isinstance(r, dict) or str(r.get("type", "")).upper() not in ("SEMVER", "ECOSYSTEM"):
                continue
            events: list[tuple[str, str]] = []
            for ev in _list(r.get("events")):
                if isinstance(ev, dict):
                    events.extend((k, ev[k].strip()) for k in ("introduced", "fixed", "last_affected", "limit") if isinstance(ev.get(k), str))
            ranges.append(AffectedRange(str(r["type"]).upper(), tuple(events)))
        affected.append(AffectedPackage(name.strip().lower(), tuple(ranges), _strs(aff.get("versions"))))
    dbs = _obj(record.get("database_specific"))
    cwes = tuple(sorted({c for c in (_cwe(x) for x in _strs(dbs.get("cwe_ids"))) if c is not None}))
    score, vector, score4, vector4 = _cvss(record.get("severity"))
    severity = severity_from_label(str(dbs.get("severity") or "")) if dbs.get("severity") else None
    if severity is None and score4 is not None:
        severity = severity_from_score(score4)
    if severity is None and score is not None:
        severity = severity_from_score(score)
    if severity is None:
        severity = Severity.MEDIUM
    refs = tuple(r["url"] for r in _list(record.get("references")) if isinstance(r, dict) and isinstance(r.get("url"), str))
    summary = _str(record.get("summary"))
    details = _str(record.get("details"))
    adv = Advisory(
        id=rid,
        aliases=tuple(a for a in _strs(record.get("aliases")) if a != rid),
        summary=summary or details.strip().split("\n", 1)[0][:200],
        severity=severity,
        affected=tuple(affected),
        details=details,
        cvss_score=score,
        cvss_vector=vector,
        cwes=cwes,
        references=refs,
        published=str(record.get("published") or ""),
        modified=str(record.get("modified") or ""),
        withdrawn=str(record.get("withdrawn") or ""),
        source=source,
        cvss4_score=score4,
        cvss4_vector=vector4,
    )
    if adv.malicious:
        from dataclasses import replace

        adv = replace(adv, severity=Severity.CRITICAL)
    return adv


def to_compact(adv: Advisory) -> list[Any]:
    """The parsed advisory as plain JSON lists: stored beside the raw record in the offline
    database so a lookup rebuilds Advisories without re-parsing OSV (the hot path)."""
    return [
        adv.id,
        list(adv.aliases),
        adv.summary,
        adv.severity.value,
        [[a.name, [[r.type, [list(e) for e in r.events]] for r in a.ranges], list(a.versions), a.npm_range] for a in adv.affected],
        adv.cvss_score,
        adv.cvss_vector,
        list(adv.cwes),
        list(adv.references[:5]),
        adv.published,
        adv.modified,
        adv.withdrawn,
        adv.cvss4_score,
        adv.cvss4_vector,
    ]


def from_compact(data: list[Any], source: str) -> Advisory:
    """Rebuild an Advisory from `to_compact`'s lists.

    Databases built before CVSS 4.0 support store 12 items and, for a record whose
    only vector was v4, that vector in the v3 slot: it is moved and scored here, so
    such a database keeps working (records with both versions show v4 after the
    next `nodeward db update`).
    """
    vector = data[6]
    score4 = data[12] if len(data) > 13 else None
    vector4 = data[13] if len(data) > 13 else ""
    if not vector4 and isinstance(vector, str) and vector.startswith("CVSS:4"):
        vector4, vector, score4 = vector, "", cvss4_base_score(vector)
    affected = tuple(
        AffectedPackage(
            name,
            tuple(AffectedRange(rtype, tuple((k, v) for k, v in events)) for rtype, events in ranges),
            tuple(versions),
            npm_range,
        )
        for name, ranges, versions, npm_range in data[4]
    )
    return Advisory(
        id=data[0],
        aliases=tuple(data[1]),
        summary=data[2],
        severity=Severity(data[3]),
        affected=affected,
        cvss_score=data[5],
        cvss_vector=vector,
        cwes=tuple(data[7]),
        references=tuple(data[8]),
        published=data[9],
        modified=data[10],
        withdrawn=data[11],
        source=source,
        cvss4_score=score4,
        cvss4_vector=vector4,
    )
