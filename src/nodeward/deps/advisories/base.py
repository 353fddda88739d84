"""The seam every advisory feed plugs into, and alias merging across feeds."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import replace

from nodeward.deps.advisories.model import Advisory

__all__ = ["AdvisorySource", "merge_advisories"]


class AdvisorySource(ABC):
    """Given the packages of a project, return every advisory that may concern them.

    Sources may over-return (all advisories for a name); the audit re-checks each
    against the exact locked version.  Network sources raise
    `AdvisoryConnectionError` when unreachable, never return an empty answer.
    """

    name: str = "source"

    @abstractmethod
    def query(self, packages: Sequence[tuple[str, str]]) -> list[Advisory]:
        """Advisories for these (name, version) pairs."""

    def describe(self) -> str:
        return self.name


def _rank(ident: str) -> int:
    if ident.startswith("GHSA-"):
        return 0
    if ident.startswith("CVE-"):
        return 1
    if ident.startswith("MAL-"):
        return 2
    return 3


def merge_advisories(advisories: Iterable[Advisory]) -> list[Advisory]:
    """Collapse records that share an id or alias (GHSA <-> CVE <-> npm) into one.

    The primary id prefers GHSA, then CVE; the worst severity, every alias, and
    every affected entry survive, so the merged record matches whatever any of
    its parts matched.  Withdrawn records are dropped.
    """
    items = [a for a in advisories if not a.withdrawn]
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, adv in enumerate(items):
        for ident in adv.all_ids():
            key = ident.upper()
            if key in owner:
                parent[find(i)] = find(owner[key])
            else:
                owner[key] = i
    groups: dict[int, list[Advisory]] = {}
    for i, adv in enumerate(items):
        groups.setdefault(find(i), []).append(adv)
    out: list[Advisory] = []
    for members in groups.values():
        if len(members) == 1:
            out.append(members[0])
            continue
        ids = sorted({i for m in members for i in m.all_ids()}, key=lambda x: (_rank(x), x))
        base = min(members, key=lambda m: (_rank(m.id), m.id))
        seen_aff = []
        for m in members:
            for a in m.affected:
                if a not in seen_aff:
                    seen_aff.append(a)
        # The highest-scoring member's vector goes with its score, per CVSS version.
        v3 = max((m for m in members if m.cvss_score is not None), key=lambda m: m.cvss_score or 0.0, default=None)
        v4 = max((m for m in members if m.cvss4_score is not None), key=lambda m: m.cvss4_score or 0.0, default=None)
        out.append(
            replace(
                base,
                id=ids[0],
                aliases=tuple(i for i in ids[1:]),
                severity=max(m.severity for m in members),
                affected=tuple(seen_aff),
                cwes=tuple(sorted({c for m in members for c in m.cwes})),
                cvss_score=v3.cvss_score if v3 else None,
                cvss_vector=v3.cvss_vector if v3 else next((m.cvss_vector for m in members if m.cvss_vector), ""),
                cvss4_score=v4.cvss4_score if v4 else None,
                cvss4_vector=v4.cvss4_vector if v4 else next((m.cvss4_vector for m in members if m.cvss4_vector), ""),
                references=tuple(dict.fromkeys(r for m in members for r in m.references)),
                source="+".join(sorted({m.source for m in members})),
            )
        )
    out.sort(key=lambda a: a.id)
    return out
