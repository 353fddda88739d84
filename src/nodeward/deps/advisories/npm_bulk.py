"""npm's bulk advisory endpoint, `POST <registry>/-/npm/v1/security/advisories/bulk`.

Body `{name: [versions...]}`; answer `{name: [{id, url, title, severity,
vulnerable_versions, cwe, cvss}]}`.  The ranges are node-semver ranges, checked
with `includePrerelease` like npm does; the GHSA id is taken from the URL so the
record merges with OSV's copy of the same advisory.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from nodeward.deps.advisories.base import AdvisorySource
from nodeward.deps.advisories.cvss import cvss3_base_score, cvss4_base_score
from nodeward.deps.advisories.http import make_client, request_json
from nodeward.deps.advisories.model import (
    Advisory,
    AffectedPackage,
    severity_from_label,
    severity_from_score,
)
from nodeward.deps.advisories.npmrc import RegistryConfig
from nodeward.errors import AdvisorySourceError
from nodeward.model import Severity

__all__ = ["NpmBulkSource", "BULK_PATH"]

def _obj(v: Any) -> dict[str, Any]:
    """`v` when it is a mapping, else an empty dict (lockfiles and feeds hold surprises)."""
    return v if isinstance(v, dict) else {}


def _str(v: Any) -> str:
    return v if isinstance(v, str) else ""


BULK_PATH = "-/npm/v1/security/advisories/bulk"
_GHSA = re.compile(r"GHSA-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}", re.I)
_HINT = "check the registry in .npmrc and the network, or use `--source offline`"
BATCH = 500


@dataclass
class NpmBulkSource(AdvisorySource):
    registry: RegistryConfig
    timeout: float = 10.0
    name: str = "npm-bulk"

    def describe(self) -> str:
        return f"npm bulk advisories at {self.registry.url} (from {self.registry.origin})"

    def query(self, packages: Sequence[tuple[str, str]]) -> list[Advisory]:
        url = self.registry.url + BULK_PATH
        body: dict[str, list[str]] = {}
        for n, v in packages:
            body.setdefault(n, [])
            if v not in body[n]:
                body[n].append(v)
        headers = {"Content-Type": "application/json"}
        if self.registry.token:
            headers["Authorization"] = f"Bearer {self.registry.token}"
        out: list[Advisory] = []
        names = sorted(body)
        with make_client(self.timeout) as client:
            for i in range(0, len(names), BATCH):
                chunk = {n: body[n] for n in names[i : i + BATCH]}
                data = request_json(client, "POST", url, _HINT, json=chunk, headers=headers)
                if not isinstance(data, dict):
                    raise AdvisorySourceError(f"{url}: malformed response (expected an object)")
                for name, advs in data.items():
                    if not isinstance(advs, list):
                        continue
                    out.extend(a for a in (self._advisory(str(name), x) for x in advs) if a is not None)
        return out

    @staticmethod
    def _advisory(name: str, item: Any) -> Advisory | None:
        if not isinstance(item, dict) or not isinstance(item.get("vulnerable_versions"), str):
            return None
        url = str(item.get("url") or "")
        m = _GHSA.search(url) or _GHSA.search(str(item.get("github_advisory_id") or ""))
        rid = m.group(0) if m else f"NPM-{item.get('id')}"
        cvss = _obj(item.get("cvss"))
        vector = str(cvss.get("vectorString") or "")
        given = cvss.get("score") if isinstance(cvss.get("score"), (int, float)) and cvss.get("score") else None
        vector4 = ""
        score4: float | None = None
        if vector.startswith("CVSS:4"):
            # GitHub gives some advisories only a v4 vector; it goes with the v4 fields.
            vector4, vector = vector, ""
            score4 = float(given) if given is not None else cvss4_base_score(vector4)
            score = None
        else:
            score = given if given is not None else cvss3_base_score(vector) if vector else None
        rated = score4 if score4 is not None else score
        sev = severity_from_label(str(item.get("severity") or "")) or (severity_from_score(float(rated)) if rated else Severity.MEDIUM)
        cwes = tuple(sorted({int(c[4:]) for c in item.get("cwe") or [] if isinstance(c, str) and c.upper().startswith("CWE-") and c[4:].isdigit()}))
        aliases = (f"NPM-{item['id']}",) if m and item.get("id") is not None else ()
        return Advisory(
            id=rid,
            aliases=aliases,
            summary=str(item.get("title") or ""),
            severity=Severity.CRITICAL if 506 in cwes else sev,
            affected=(AffectedPackage(name.lower(), (), (), str(item["vulnerable_versions"])),),
            cvss_score=float(score) if score else None,
            cvss_vector=vector,
            cwes=cwes,
            references=(url,) if url else (),
            source="npm",
            cvss4_score=score4,
            cvss4_vector=vector4,
        )
