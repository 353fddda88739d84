"""Match a lockfile's packages against advisories and build NW701/NW709 findings.

One finding per lockfile x package@version x advisory, whatever number of
install paths the version has; its paths, direct/dev status, reachability and
fix advice are computed from the graph, and every source's claim is re-checked
against the exact locked version here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from nodeward.deps.advisories.model import Advisory
from nodeward.deps.detail import DependencyDetail
from nodeward.deps.fixes import fix_advice
from nodeward.deps.graph import Graph
from nodeward.deps.match import affected_by, fixed_versions_for
from nodeward.deps.model import Lockfile, Package
from nodeward.deps.provenance import audit_version
from nodeward.deps.rules import MALICIOUS_PACKAGE, VULNERABLE_DEPENDENCY
from nodeward.model import Confidence, Finding, SourceSpan, make_fingerprint

__all__ = ["AUDITED_SOURCES", "AuditSettings", "audit_lockfile"]

AUDITED_SOURCES = ("registry", "url", "git", "file")
"""Sources that may carry a matchable version; `provenance.audit_version` decides per package."""


@dataclass(frozen=True, slots=True)
class AuditSettings:
    dev_severity_drop: int = 1
    imported: Mapping[str, tuple[str, ...]] | None = None
    """npm package -> importing project files; None when no module graph was built."""


def _manager(lock: Lockfile) -> str:
    if lock.format == "yarn-v1":
        return "yarn-v1"
    return lock.manager


def audit_lockfile(
    lock: Lockfile,
    graph: Graph,
    by_name: Mapping[str, Sequence[Advisory]],
    settings: AuditSettings,
    lines: Sequence[str],
) -> list[Finding]:
    groups: dict[tuple[str, str, str, str], list[Package]] = {}
    advs: dict[str, Advisory] = {}
    verdicts: dict[tuple[str, str, str], bool] = {}
    for pkg in lock.packages.values():
        candidates = by_name.get(pkg.name.lower(), ())
        if not candidates:
            continue
        audited = audit_version(pkg)
        version = audited.version
        if version is None:
            continue  # git/URL/file package with no knowable version: NW704 says so
        for adv in candidates:
            key = (pkg.name, version, adv.id)
            hit = verdicts.get(key)
            if hit is None:
                hit = verdicts[key] = any(affected_by(aff, version) for aff in adv.for_package(pkg.name))
            if hit:
                groups.setdefault((pkg.name, version, adv.id, audited.source), []).append(pkg)
                advs[adv.id] = adv
    findings: list[Finding] = []
    for (name, version, adv_id, version_source), pkgs in sorted(groups.items()):
        adv = advs[adv_id]
        pkgs.sort(key=lambda p: p.line)
        findings.append(_finding(lock, graph, adv, name, version, pkgs, settings, lines, version_source))
    return findings


def _finding(
    lock: Lockfile,
    graph: Graph,
    adv: Advisory,
    name: str,
    version: str,
    pkgs: list[Package],
    settings: AuditSettings,
    lines: Sequence[str],
    version_source: str = "",
) -> Finding:
    paths = []
    total = 0
    truncated = False
    for p in pkgs:
        found, n, more = graph.paths(p.key)
        paths.extend(found)
        total += n
        truncated = truncated or more
    paths.sort(key=lambda dp: (len(dp.steps), dp.steps))
    dev = all(graph.is_dev_only(p.key) for p in pkgs)
    direct = any(graph.is_direct(p.key) for p in pkgs)
    fixed: list[str] = []
    for aff in adv.for_package(name):
        if not affected_by(aff, version):
            continue  # other entries cover other release lines
        for f in fixed_versions_for(aff, version):
            if f not in fixed:
                fixed.append(f)
    installed_as = next((p.alias for p in pkgs if p.alias), None)
    folders = sorted({"/".join(x for x in (lock.folder, imp) if x) or "." for p in pkgs for imp in graph.importers_reaching(p.key)})
    advice = fix_advice(_manager(lock), name, installed_as, version, fixed, paths, direct, adv.malicious, workspaces=len(lock.importers) > 1, folder=lock.folder, nested_ranges_known=lock.manager != "pnpm")
    fix_text = advice.text
    if version_source and advice.minimal:
        # Not a registry release: the lockfile pins a commit or tarball, which a range cannot move.
        if pkgs[0].source == "git":
            move = f"Move the git reference of `{name}` to a commit at version {advice.minimal} or later"
        else:
            kind = "tarball URL" if pkgs[0].source == "url" else "local tarball"
            move = f"Replace the {kind} of `{name}` with one of version {advice.minimal} or later"
        fix_text = f"{move}, or install it from the registry: {advice.text}"
    reachable: bool | None = None
    imported_by: list[str] = []
    if settings.imported:
        heads = {name, *(p.alias for p in pkgs if p.alias)}
        heads.update(dp.first_edge.name for dp in paths)
        for h in sorted(heads):
            for f in settings.imported.get(h, ()):
                if f not in imported_by:
                    imported_by.append(f)
        reachable = bool(imported_by)
    rule = MALICIOUS_PACKAGE if adv.malicious else VULNERABLE_DEPENDENCY
    severity = adv.severity
    note = ""
    if dev and not adv.malicious and reachable is not True and settings.dev_severity_drop > 0:
        lowered = severity.lowered(settings.dev_severity_drop)
        if lowered != severity:
            note = f"severity lowered from {severity} to {lowered}: dev-only and not imported by the application"
            severity = lowered
    line = pkgs[0].line
    snippet = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    label = f"{installed_as} ({name}@{version})" if installed_as else f"{name}@{version}"
    summary = adv.summary or f"vulnerability in {name}"
    kind = "Malicious package" if adv.malicious else "Vulnerable dependency"
    detail = DependencyDetail(
        package=name,
        version=version,
        advisory_id=adv.id,
        aliases=adv.aliases,
        fixed_versions=tuple(fixed),
        dependency_paths=tuple(" > ".join(dp.steps) for dp in paths),
        dev=dev,
        direct=direct,
        lockfile=lock.path,
        summary=summary,
        url=adv.url,
        paths_total=total,
        paths_truncated=truncated,
        cvss_score=adv.cvss_score,
        cvss_vector=adv.cvss_vector,
        advisory_source=adv.source,
        installed_as=installed_as,
        reachable=reachable,
        imported_by=tuple(imported_by),
        minimal_fix=advice.minimal,
        fix_command=fix_text,
        severity_note=note,
        workspaces=tuple(folders),
        cvss4_score=adv.cvss4_score,
        cvss4_vector=adv.cvss4_vector,
        version_source=version_source,
    )
    cwe = tuple(sorted(set(adv.cwes) | set(rule.cwe)))
    confidence = rule.confidence
    message = f"{kind} {label}: {summary} ({adv.id})"
    if version_source:
        # The code at a commit or in an ad-hoc tarball may differ from the release.
        confidence = min(confidence, Confidence.MEDIUM)
        message += f"; version from {version_source}"
    return Finding(
        rule_id=rule.id,
        rule_name=rule.name,
        severity=severity,
        confidence=confidence,
        message=message,
        location=SourceSpan(lock.path, line, 1, line, max(1, len(lines[line - 1]) + 1) if 0 < line <= len(lines) else 1, snippet),
        fingerprint=make_fingerprint(rule.id, lock.path, f"{name}@{version}#{adv.id}"),
        cwe=cwe,
        owasp=rule.owasp,
        fix=fix_text,
        detail=detail,
    )
