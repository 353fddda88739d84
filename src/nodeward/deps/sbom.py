"""CycloneDX 1.5 JSON: components, the dependency graph and the vulnerabilities found.

Deterministic like every other report (sorted, no timestamp unless given, a
serial number derived from the content), so an SBOM in a repository only
changes when the dependencies do.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from nodeward.deps.advisories.model import severity_from_score
from nodeward.deps.detail import DependencyDetail
from nodeward.deps.graph import Graph
from nodeward.deps.model import Lockfile, Package
from nodeward.model import ScanResult

__all__ = ["purl", "render_cyclonedx"]

_HASH_ALGS = {"sha512": "SHA-512", "sha384": "SHA-384", "sha256": "SHA-256", "sha1": "SHA-1"}


def purl(name: str, version: str) -> str:
    """`pkg:npm/%40scope/name@1.0.0` per the purl spec (the scope's `@` is encoded)."""
    if name.startswith("@") and "/" in name:
        scope, base = name.split("/", 1)
        return f"pkg:npm/{quote(scope)}/{quote(base)}@{quote(version)}"
    return f"pkg:npm/{quote(name)}@{quote(version)}"


def _hashes(integrity: str | None) -> list[dict[str, str]]:
    out = []
    for part in (integrity or "").split():
        alg, _, b64 = part.partition("-")
        if alg in _HASH_ALGS and b64:
            try:
                out.append({"alg": _HASH_ALGS[alg], "content": base64.b64decode(b64, validate=True).hex()})
            except ValueError:
                continue
    return out


def _ref(lock: Lockfile, pkg: Package) -> str:
    return f"{purl(pkg.name, pkg.version)}#{lock.path}"


def render_cyclonedx(result: ScanResult, lockfiles: Sequence[Lockfile], project_name: str, timestamp: str | None = None) -> str:
    from nodeward import __version__

    components: dict[str, dict[str, Any]] = {}
    deps: dict[str, set[str]] = {}
    root_ref = f"project:{project_name}"
    deps[root_ref] = set()
    for lock in lockfiles:
        graph = Graph(lock)
        refs = {key: _ref(lock, p) for key, p in lock.packages.items()}
        for key, pkg in lock.packages.items():
            ref = refs[key]
            if ref not in components:
                comp: dict[str, Any] = {
                    "type": "library",
                    "bom-ref": ref,
                    "name": pkg.name.split("/", 1)[1] if pkg.name.startswith("@") and "/" in pkg.name else pkg.name,
                    "version": pkg.version,
                    "scope": "optional" if graph.is_dev_only(key) or pkg.optional else "required",
                    "properties": [{"name": "nodeward:lockfile", "value": lock.path}],
                }
                if pkg.name.startswith("@") and "/" in pkg.name:
                    comp["group"] = pkg.name.split("/", 1)[0]
                if pkg.source in ("registry", "url"):
                    comp["purl"] = purl(pkg.name, pkg.version)
                hashes = _hashes(pkg.integrity)
                if hashes:
                    comp["hashes"] = hashes
                if pkg.resolved and pkg.resolved.startswith(("http://", "https://")):
                    comp["externalReferences"] = [{"type": "distribution", "url": pkg.resolved}]
                elif pkg.source == "git" and pkg.resolved:
                    comp["externalReferences"] = [{"type": "vcs", "url": pkg.resolved}]
                if graph.is_dev_only(key):
                    comp["properties"].append({"name": "nodeward:dev", "value": "true"})
                if pkg.alias:
                    comp["properties"].append({"name": "nodeward:installed-as", "value": pkg.alias})
                components[ref] = comp
            deps.setdefault(ref, set()).update(refs[e.target] for e in pkg.dependencies if e.target in refs)
        for imp in lock.importers:
            targets = {refs[e.target] for e in imp.edges if e.target in refs}
            if not imp.path:
                deps[root_ref].update(targets)
                continue
            # Workspaces are components of their own, depended on by the project.
            folder = "/".join(x for x in (lock.folder, imp.path) if x)
            ws_ref = f"workspace:{folder}"
            components[ws_ref] = {
                "type": "library",
                "bom-ref": ws_ref,
                "name": imp.name,
                "properties": [{"name": "nodeward:workspace", "value": folder}],
            }
            deps.setdefault(ws_ref, set()).update(targets)
            deps[root_ref].add(ws_ref)
    vulns: dict[str, dict[str, Any]] = {}
    for f in result.findings:
        d = f.detail
        if not isinstance(d, DependencyDetail):
            continue
        ref = f"{purl(d.package, d.version)}#{d.lockfile}"
        v = vulns.get(d.advisory_id)
        if v is None:
            rating: dict[str, Any] = {"severity": str(f.severity) if str(f.severity) != "info" else "info", "source": {"name": "nodeward"}}
            if d.cvss_score is not None:
                rating["score"] = d.cvss_score
            if d.cvss_vector.startswith("CVSS:3"):
                rating["method"] = "CVSSv31" if d.cvss_vector.startswith("CVSS:3.1") else "CVSSv3"
                rating["vector"] = d.cvss_vector
            ratings = [rating]
            if d.cvss4_score is not None:
                sev4 = str(severity_from_score(d.cvss4_score))
                ratings.append({"source": {"name": "nodeward"}, "score": d.cvss4_score, "severity": "none" if sev4 == "info" else sev4, "method": "CVSSv4", "vector": d.cvss4_vector})
            v = {
                "bom-ref": f"vuln:{d.advisory_id}",
                "id": d.advisory_id,
                "source": {"name": "GitHub Advisory Database" if d.advisory_id.startswith("GHSA-") else "OSV", "url": d.url},
                "ratings": ratings,
                "cwes": [c for c in f.cwe if c != 1395],
                "description": d.summary,
                "recommendation": d.fix_command,
                "advisories": [{"url": d.url}],
                "affects": [],
            }
            if d.aliases:
                v["references"] = [{"id": a, "source": {"name": "CVE" if a.startswith("CVE-") else "alias"}} for a in d.aliases]
            if f.suppression is not None:
                v["analysis"] = {"state": "exploitable", "response": ["will_not_fix"], "detail": f"ignored: {f.suppression.justification}"}
            vulns[d.advisory_id] = v
        if ref not in [a["ref"] for a in v["affects"]]:
            v["affects"].append({"ref": ref, "versions": [{"version": d.version, "status": "affected"}]})
    serial_seed = json.dumps([sorted(components), sorted(vulns)])
    bom: dict[str, Any] = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "serialNumber": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'nodeward:' + serial_seed)}",
        "version": 1,
        "metadata": {
            "tools": {"components": [{"type": "application", "name": "nodeward", "version": __version__}]},
            "component": {"type": "application", "bom-ref": root_ref, "name": project_name},
        },
        "components": [components[k] for k in sorted(components)],
        "dependencies": [{"ref": k, "dependsOn": sorted(v)} for k, v in sorted(deps.items()) if k == root_ref or k in components],
        "vulnerabilities": [vulns[k] for k in sorted(vulns)],
    }
    if timestamp:
        bom["metadata"]["timestamp"] = timestamp
    return json.dumps(bom, indent=2, sort_keys=False) + "\n"
