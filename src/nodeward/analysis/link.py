"""Project-level step of the app model: link per-file facts, run cross-file rules.

Runs once per scan in the main process over the facts the workers produced
(cached with each file): resolves the module graph, records which npm packages
each file imports (the dependency audit's reachability input), propagates
taint across function summaries and files, builds the route table, and lets
the project-level rules judge it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from nodeward.analysis.appmodel import AppModel, build_app_model
from nodeward.analysis.facts import extract_facts
from nodeward.analysis.ir import FACTS_VERSION, FileFacts
from nodeward.analysis.modules import BUILTINS, Resolver, load_jsonc, package_name
from nodeward.analysis.serving import starts_and_served
from nodeward.analysis.static_roots import browser_files
from nodeward.analysis.taint.propagate import UNANALYSED, Flow, FuncRef, TaintLinker
from nodeward.analysis.taint.stores import StoreIndex
from nodeward.analyzer import AnalyzerOutput
from nodeward.model import Finding, ScanError
from nodeward.project import Project, ProjectFile, content_skip_reason
from nodeward.sast.parse import parse

__all__ = ["LinkedProject", "analyze_project", "link_project"]

logger = logging.getLogger(__name__)

MAX_EXPORT_HOPS = 12
LAZY_FILE_MAX = 128 * 1024
"""Bundles bigger than this are never walked on demand (calls into them pass taint through)."""
LAZY_BUDGET = 2 * 1024 * 1024
"""Total bytes the linker may walk on demand in one scan, so linking stays bounded."""
_NON_CODE = (".json", ".css", ".scss", ".svg", ".png", ".node", ".html", ".txt", ".md", ".wasm", ".yaml", ".yml")


@dataclass
class LinkedProject:
    """The linked model shared by `scan` (rules) and `routes` (the table)."""
    facts: dict[str, FileFacts]
    resolver: Resolver
    taint: TaintLinker
    model: AppModel
    imported_packages: dict[str, tuple[str, ...]]
    unresolved: list[tuple[str, int, str]]
    """(file, line, why) of imports that could not be followed (dependencies' own are left out)."""
    declared_packages: frozenset[str] | None = None
    """Packages the project's own package.json files depend on (None: no manifest found)."""
    browser_files: frozenset[str] = frozenset()
    """Files below a folder the project serves statically (`express.static(dir)`...): browser
    code, see `static_roots.py`."""


class _Callees:
    """Resolve call targets (local functions, imported functions, class methods)."""

    def __init__(self, facts: dict[str, FileFacts], resolver: Resolver, loader: Callable[[str], FileFacts | None] | None = None) -> None:
        self.facts = facts
        self.resolver = resolver
        self.loader = loader
        """Walks a file on demand (for the taint linker and the route model's handlers)."""
        self._loaded: set[str] = set()

    def resolve_import(self, spec: str, importer: str) -> str | None:
        """The project file an import specifier names, or None for packages."""
        return self.resolver.resolve(spec, importer)

    def __call__(self, path: str, callee: tuple[str, str, str]) -> FuncRef | None:
        kind, spec, member = callee
        if kind == "local":
            if member.startswith("?"):
                return UNANALYSED
            ff = self.facts.get(path)
            return (path, member) if ff is not None and member in ff.functions else None
        target = self.resolver.resolve(spec, path)
        if target is None:
            return None
        return self.export(target, member, 0)

    def export(self, file: str, member: str, hops: int) -> FuncRef | None:
        """The function an exported member path names in `file`, following re-exports."""
        ff = self.facts.get(file)
        if (ff is None or not ff.walked) and self.loader is not None and file not in self._loaded:
            self._loaded.add(file)
            loaded = self.loader(file)
            if loaded is not None:
                self.facts[file] = loaded
                ff = loaded
        if ff is None or not ff.walked:
            return UNANALYSED
        if hops > MAX_EXPORT_HOPS:
            return None
        first, _, rest = member.partition(".")
        first = first or "default"
        exp = ff.exports.get(first)
        if exp is not None:
            if exp.kind == "local":
                key = f"{exp.a}.{rest}" if rest else exp.a
                return (file, key) if key in ff.functions else None
            target = self.resolver.resolve(exp.a, file)
            if target is None:
                return None
            return self.export(target, f"{exp.b}.{rest}" if rest else exp.b, hops + 1)
        for star in ff.star_exports:
            target = self.resolver.resolve(star, file)
            if target is not None and target != file:
                found = self.export(target, member, hops + 1)
                if found is not None and found != UNANALYSED:
                    return found
        default = ff.exports.get("default")
        if default is not None and default.kind == "local" and first != "default":
            key = f"{default.a}.{member}"
            if key in ff.functions:
                return (file, key)
        return None


def _extract(pf: ProjectFile | None, path: str, *, force: bool) -> FileFacts | None:
    """Facts of one file computed in this process (stale cache entries, on-demand walks)."""
    if pf is None or pf.lang is None:
        return None
    try:
        with open(pf.abspath, "rb") as fh:
            source = fh.read()
        if content_skip_reason(path, source) is not None:
            return None
        return extract_facts(path, source, parse(source, pf.lang), pf.lang, force=force)
    except Exception:  # the same resilience as the workers: skip the file, keep going
        logger.debug("analysis of %s in the linker failed", path, exc_info=True)
        return None


def link_project(project: Project, facts: Mapping[str, object]) -> LinkedProject:
    """Resolve modules, taint and routes for a project's facts (shared by `scan` and `routes`)."""
    typed = {p: f for p, f in facts.items() if isinstance(f, FileFacts) and getattr(f, "version", None) == FACTS_VERSION}
    stale = [p for p in facts if p not in typed]
    sources = [f.path for f in project.files if f.lang is not None]
    manifests = [f.path for f in project.files if f.path.rsplit("/", 1)[-1] == "package.json" or (f.path.rsplit("/", 1)[-1].startswith("tsconfig") and f.path.endswith(".json"))]
    resolver = Resolver.for_project(project.root, sources, manifests)
    packages: dict[str, set[str]] = {}
    unresolved: list[tuple[str, int, str]] = []
    for path, ff in typed.items():
        for imp in ff.imports:
            if resolver.resolve(imp.spec, path) is not None:
                continue
            if imp.spec.startswith((".", "/")):
                if not imp.spec.endswith(_NON_CODE):
                    unresolved.append((path, imp.line, f"import of `{imp.spec}` not found in the project; not followed"))
                continue
            name = package_name(imp.spec)
            if name in BUILTINS or imp.spec.startswith("node:"):
                continue
            packages.setdefault(name, set()).add(path)
        unresolved.extend((path, line, "`require`/`import()` of a computed name; not followed") for line in ff.unresolved)
    unresolved = [u for u in unresolved if "node_modules/" not in u[0] and not u[0].startswith("node_modules")]
    by_path = {f.path: f for f in project.files if f.lang is not None}
    for path in stale:  # facts cached by another nodeward version: extract them again
        refreshed = _extract(by_path.get(path), path, force=False)
        if refreshed is not None:
            typed[path] = refreshed
    budget = [LAZY_BUDGET]

    def load(path: str) -> FileFacts | None:
        """Walk a file the workers skipped, now that tainted data reaches it (or a route's
        handler or middleware lives in it: `app.get('/', site.index)` with a `site.js` that
        reads nothing from the request still holds the handler's line and its checks)."""
        pf = by_path.get(path)
        if pf is None or pf.lang is None or pf.size > LAZY_FILE_MAX or pf.size > budget[0]:
            return None
        budget[0] -= pf.size
        return _extract(pf, path, force=True)

    callees = _Callees(typed, resolver)
    model = build_app_model(typed, callees.resolve_import, callees, _Callees(typed, resolver, load))
    # Servers started where the walker sees no app (`bin/www`): the app-tree rules' evidence;
    # folders served as static files: browser code.
    # (What each module does to serve came with its facts from the workers: nothing is read again.)
    starts, served = starts_and_served(((p, ff.serving) for p, ff in sorted(typed.items())), frozenset(p for p, tied in model.listen_sites if tied))
    model.listen_sites.extend((p, False) for p, _line in starts)
    # Built after the route model, which walks the files of mounted middleware on demand.
    stores = StoreIndex(typed, ((*(m.ref for m in r.middleware), r.handler_ref) for r in model.routes))
    linker = TaintLinker(typed, callees, _Callees(typed, resolver, load), stores)
    imported = {p: [t for t in (resolver.resolve(i.spec, p) for i in ff.imports) if t is not None] for p, ff in typed.items()}
    return LinkedProject(
        dict(typed),
        resolver,
        linker,
        model,
        {k: tuple(sorted(v)) for k, v in sorted(packages.items())},
        sorted(unresolved),
        _declared_packages(project.root, manifests),
        browser_files(project.files, imported, served),
    )


_DEPENDENCY_KEYS = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")


def _declared_packages(root: Path, manifests: list[str]) -> frozenset[str] | None:
    """Every package the project's own manifests name (installed packages' manifests left out)."""
    found: set[str] | None = None
    for rel in manifests:
        if rel.rsplit("/", 1)[-1] != "package.json" or rel.startswith("node_modules/") or "/node_modules/" in rel:
            continue
        data = load_jsonc(root / rel)
        if data is None:
            continue
        found = found if found is not None else set()
        for key in _DEPENDENCY_KEYS:
            deps = data.get(key)
            if isinstance(deps, dict):
                found.update(str(name) for name in deps)
    return frozenset(found) if found is not None else None


def analyze_project(project: Project, facts: Mapping[str, object]) -> AnalyzerOutput:
    """Cross-file findings (routes, taint) from the per-file facts."""
    from nodeward.analysis.rules import check_project

    try:
        linked = link_project(project, facts)
    except Exception as e:  # a bug here must not lose the other analyzers' results
        logger.debug("app model failed", exc_info=True)
        return AnalyzerOutput(errors=(ScanError(f"internal error in app model: {type(e).__name__}: {e}", "", 0, "internal"),))
    findings: list[Finding] = []
    errors: list[ScanError] = []
    try:
        flows: list[Flow] = linked.taint.source_flows()
        findings.extend(check_project(linked, flows))
    except Exception as e:
        logger.debug("app rules failed", exc_info=True)
        errors.append(ScanError(f"internal error in app rules: {type(e).__name__}: {e}", "", 0, "internal"))
    for path, line, why in linked.unresolved:
        errors.append(ScanError(why, path, line, "resolve", incomplete=False))
    return AnalyzerOutput(
        findings=tuple(findings),
        errors=tuple(errors),
        counts={"routes": len(linked.model.routes), "apps": len(linked.model.apps)},
        imported_packages=linked.imported_packages,
        browser_files=linked.browser_files,
    )
