"""Dependency audit entry point used by `scan` and `deps`.

Finds every lockfile and package.json the discovery walk kept, parses each
lockfile into the normalised graph, runs the hygiene checks, queries the
configured advisory sources once for all (name, version) pairs, and re-checks
each advisory locally.  It never reports "clean" for something it could not
look at: unreadable lockfiles and entries, records it could not parse and
sources it could not reach all become ScanErrors with counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from nodeward.analyzer import AnalyzerOutput
from nodeward.deps.advisories.base import merge_advisories
from nodeward.deps.advisories.files import OsvFilesSource
from nodeward.deps.advisories.model import Advisory
from nodeward.deps.advisories.select import build_sources
from nodeward.deps.audit import AUDITED_SOURCES, AuditSettings, audit_lockfile
from nodeward.deps.graph import Graph
from nodeward.deps.hygiene import (
    CI_FILES,
    ci_findings,
    lockfile_findings,
    missing_lockfile_findings,
    out_of_sync_findings,
    unpinned_findings,
)
from nodeward.deps.ignores import ConfigLocation, apply_ignores
from nodeward.deps.model import Lockfile
from nodeward.deps.provenance import audit_version
from nodeward.deps.sources.base import LOCKFILE_NAMES, load_lockfile
from nodeward.deps.sources.manifest import Manifest, manifest_problem, read_manifest
from nodeward.deps.workspaces import linked_siblings
from nodeward.errors import AdvisorySourceError, LockfileError
from nodeward.model import Finding, ScanError, Skipped
from nodeward.project import Project

__all__ = ["DepsOptions", "DepsAudit", "NO_ADVISORY_DATA", "analyze_project", "audit_project", "oversized_lockfiles"]

NO_ADVISORY_DATA = (
    "no advisory data configured: known-vulnerability checks (NW701/NW709) did not run; "
    "build the local database with `nodeward db update --from PATH_OR_URL` (an OSV folder or zip), "
    "pass `--advisories PATH`, or choose `--source osv` / `--source npm`"
)


@dataclass(frozen=True, slots=True)
class DepsOptions:
    require_advisories: bool = False
    """True for `nodeward deps`: missing advisory data is fatal (exit 3) rather than a warning."""
    today: dt.date | None = None
    env: Mapping[str, str] | None = None


@dataclass(frozen=True, slots=True)
class DepsAudit:
    """Everything the deps command needs beyond findings (the SBOM uses the graphs)."""

    output: AnalyzerOutput
    lockfiles: tuple[Lockfile, ...]
    advisories: tuple[Advisory, ...]


def _basename(rel: str) -> str:
    return rel.rsplit("/", 1)[-1]


def _folder(rel: str) -> str:
    return rel.rsplit("/", 1)[0] if "/" in rel else ""


def _is_ci_file(rel: str) -> bool:
    if rel.startswith(".github/workflows/") and rel.endswith((".yml", ".yaml")):
        return True
    return rel in CI_FILES


def _config_location(project: Project) -> ConfigLocation | None:
    src = project.config.source
    if not src:
        return None
    path = Path(src)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        text = ""
    try:
        rel = path.resolve().relative_to(project.root).as_posix()
    except ValueError:
        rel = str(path)
    return ConfigLocation(rel, text)


def analyze_project(
    project: Project,
    imported_packages: Mapping[str, tuple[str, ...]] | None = None,
    *,
    options: DepsOptions | None = None,
) -> AnalyzerOutput:
    """Findings for every lockfile and manifest in the project."""
    return audit_project(project, imported_packages, options=options).output


def audit_project(
    project: Project,
    imported_packages: Mapping[str, tuple[str, ...]] | None = None,
    *,
    options: DepsOptions | None = None,
) -> DepsAudit:
    options = options or DepsOptions()
    root = project.root
    config = project.config
    errors: list[ScanError] = []
    skipped: list[Skipped] = []
    findings: list[Finding] = []
    rels = [f.path for f in project.files] + list(oversized_lockfiles(project))
    relset = set(rels)
    manifests: list[tuple[str, Manifest]] = []
    for rel in rels:
        if _basename(rel) == "package.json" and "node_modules/" not in f"/{rel}":
            m = read_manifest((root / rel).parent)
            if m is None:
                why = manifest_problem((root / rel).parent)
                errors.append(ScanError(f"{rel}: {why} (package.json not read)", path=rel, kind="source", incomplete=True))
            else:
                manifests.append((rel, m))
    for rel, _m in manifests:
        folder = _folder(rel)
        for name in LOCKFILE_NAMES:
            lock_rel = f"{folder}/{name}".lstrip("/")
            if (root / lock_rel).is_dir():
                # Discovery lists files only: without this it would read as "no lockfile".
                errors.append(ScanError(f"{lock_rel}: is a directory, not a lockfile", path=lock_rel, kind="source", incomplete=True))
    locks: list[Lockfile] = []
    lock_folders: set[str] = set()
    texts: dict[str, list[str]] = {}
    for rel in sorted(r for r in rels if _basename(r) in LOCKFILE_NAMES and "node_modules/" not in f"/{r}"):
        lock_folders.add(_folder(rel))
        if _basename(rel) == "package-lock.json" and (f"{_folder(rel)}/npm-shrinkwrap.json".lstrip("/")) in relset:
            skipped.append(Skipped(rel, "npm-shrinkwrap.json in the same folder takes precedence"))
            continue
        try:
            lock = load_lockfile(root, rel)
        except LockfileError as e:
            errors.append(ScanError(str(e), path=rel, kind="source", incomplete=True))
            continue
        locks.append(lock)
        try:
            texts[rel] = (root / rel).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            texts[rel] = []
        _report_coverage(lock, errors, skipped)
    # Hygiene over manifests, lockfiles and CI config.
    members = {"/".join(p for p in (lock.folder, imp.path) if p) for lock in locks for imp in lock.importers}
    findings.extend(missing_lockfile_findings(manifests, lock_folders, members))
    findings.extend(unpinned_findings(manifests, linked_siblings(root, manifests)))
    graphs = []
    for lock in locks:
        graphs.append(Graph(lock))
        findings.extend(lockfile_findings(lock, texts.get(lock.path, []), graphs[-1]))
        findings.extend(out_of_sync_findings(lock, root))
    findings.extend(ci_findings(root, sorted(r for r in rels if _is_ci_file(r))))
    # Known vulnerabilities.
    pairs = sorted({(p.name, v) for lock in locks for p in lock.packages.values() if p.source in AUDITED_SOURCES and (v := audit_version(p).version) is not None})
    merged: list[Advisory] = []
    complete = True
    if pairs:
        sources = build_sources(config, root, options.env)
        if not sources:
            complete = False
            errors.append(ScanError(NO_ADVISORY_DATA, kind="source", incomplete=True, fatal=options.require_advisories))
        fetched: list[Advisory] = []
        for src in sources:
            try:
                fetched.extend(src.query(pairs))
            except AdvisorySourceError as e:
                complete = False
                errors.append(ScanError(f"advisory source failed ({src.describe()}): {e}", kind="source", incomplete=True, fatal=True))
            if isinstance(src, OsvFilesSource) and src.problems:
                first = src.problems[0]
                errors.append(
                    ScanError(
                        f"{len(src.problems)} advisory record(s) could not be read; first: {first.where}: {first.reason}",
                        kind="source",
                        incomplete=True,
                    )
                )
        merged = merge_advisories(fetched)
        by_name: dict[str, list[Advisory]] = {}
        for adv in merged:
            for name in {a.name for a in adv.affected}:
                by_name.setdefault(name, []).append(adv)
        settings = AuditSettings(config.deps.dev_severity_drop, imported_packages or None)
        for lock, graph in zip(locks, graphs, strict=True):
            findings.extend(audit_lockfile(lock, graph, by_name, settings, texts.get(lock.path, [])))
    today = options.today or dt.date.today()
    findings = apply_ignores(findings, config.deps.ignore, today, _config_location(project), report_unused=complete)
    counts = {
        "lockfiles": len(locks),
        "packages": sum(len(lock.packages) for lock in locks),
        "advisories_matched": len({f.detail.advisory_id for f in findings if f.rule_id in ("NW701", "NW709") and f.detail is not None and hasattr(f.detail, "advisory_id")}),
    }
    out = AnalyzerOutput(tuple(findings), tuple(errors), tuple(skipped), counts)
    return DepsAudit(out, tuple(locks), tuple(merged))


def oversized_lockfiles(project: Project) -> tuple[str, ...]:
    """Lockfiles discovery skipped only for exceeding `max_file_size`.

    That limit protects the source parsers from generated bundles; real lockfiles
    of large projects often pass it (5-30 MB is common), and skipping one would
    read as "no lockfile" or, worse, as a clean audit. The lockfile loader has its
    own, much larger cap (MAX_LOCKFILE_BYTES).
    """
    out = []
    for s in project.skipped:
        if _basename(s.path) not in LOCKFILE_NAMES or "node_modules/" in f"/{s.path}":
            continue
        try:
            size = (project.root / s.path).stat().st_size
        except OSError:
            continue
        if size > project.config.max_file_size:
            out.append(s.path)
    return tuple(out)


def _report_coverage(lock: Lockfile, errors: list[ScanError], skipped: list[Skipped]) -> None:
    """Counts per lockfile, so a parser gap can never read as a clean result."""
    parsed = len(lock.packages)
    local = sum(1 for p in lock.packages.values() if p.source in ("file", "link", "workspace"))
    git = sum(1 for p in lock.packages.values() if p.source == "git")
    url = sum(1 for p in lock.packages.values() if p.source == "url")
    bad = len(lock.unreadable)
    summary = f"parsed {parsed}, local {local}, git {git}, url {url}, unreadable {bad}"
    declared = sum(len(i.edges) for i in lock.importers)
    if bad:
        first = lock.unreadable[0]
        errors.append(ScanError(f"{lock.path}: {bad} entr{'y' if bad == 1 else 'ies'} could not be read ({summary}); first: {first.entry}: {first.reason}", path=lock.path, kind="source", incomplete=True))
    if parsed == 0 and (declared or bad):
        errors.append(ScanError(f"{lock.path}: lockfile yielded zero packages ({summary}); nothing was audited", path=lock.path, kind="source", incomplete=True))
    unaudited = [p for p in lock.packages.values() if p.source in ("git", "url", "file", "registry") and audit_version(p).version is None]
    if unaudited:
        names = ", ".join(sorted({f"{p.name} ({p.source})" for p in unaudited})[:5])
        more = f" and {len(unaudited) - 5} more" if len(unaudited) > 5 else ""
        skipped.append(
            Skipped(
                lock.path,
                f"{len(unaudited)} package(s) not matched against advisories: the lockfile records no registry version for them "
                f"({names}{more}; {summary}); NW704 lists them",
            )
        )
