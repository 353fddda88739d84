"""Supply-chain hygiene checks (NW702-NW708) over manifests, lockfiles and CI config."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path, PurePosixPath

from nodeward.deps.advisories.npmrc import read_npmrc
from nodeward.deps.detail import PackageDetail
from nodeward.deps.graph import Graph
from nodeward.deps.model import Lockfile, Package, spec_range
from nodeward.deps.overrides import direct_overrides, override_for
from nodeward.deps.provenance import audit_version
from nodeward.deps.rules import (
    INSTALL_SCRIPT,
    LOCKFILE_OUT_OF_SYNC,
    MISSING_INTEGRITY,
    MISSING_LOCKFILE,
    NON_REGISTRY_SOURCE,
    SCRIPTS_IN_CI,
    UNPINNED_RANGE,
)
from nodeward.deps.sources.base import LOCKFILE_NAMES
from nodeward.deps.sources.manifest import DEP_FIELDS, Manifest, read_manifest
from nodeward.model import Finding, Rule, Severity, SourceSpan, make_fingerprint

__all__ = [
    "CI_FILES",
    "ci_findings",
    "lockfile_findings",
    "missing_lockfile_findings",
    "out_of_sync_findings",
    "unpinned_findings",
]

_UNPINNED = {"*", "", "x", "X", "latest", "next"}
_INSTALL_CMD = re.compile(r"(?<![\w-])(npm\s+(?:ci|install|i)(?![\w-])|yarn(?:\s+install(?![\w-])|\s*(?:$|[;&|'\"]))|pnpm\s+(?:install|i)(?![\w-])|bun\s+install(?![\w-]))")
_SHA1_FRAGMENT = re.compile(r"#[0-9a-f]{40}$")
CI_FILES = (".gitlab-ci.yml", ".circleci/config.yml", "azure-pipelines.yml", "bitbucket-pipelines.yml", "Jenkinsfile", ".travis.yml")


def _finding(rule: Rule, path: str, line: int, snippet: str, message: str, key: str, fix: str, detail: PackageDetail | None = None) -> Finding:
    return Finding(
        rule_id=rule.id,
        rule_name=rule.name,
        severity=rule.severity,
        confidence=rule.confidence,
        message=message,
        location=SourceSpan(path, line, 1, line, len(snippet) + 1, snippet),
        fingerprint=make_fingerprint(rule.id, path, key),
        cwe=rule.cwe,
        owasp=rule.owasp,
        fix=fix,
        detail=detail,
    )


def _line(lines: Sequence[str], n: int) -> str:
    return lines[n - 1].strip() if 0 < n <= len(lines) else ""


def _origin(pkg: Package) -> str:
    """The git URL, tarball URL or path a package comes from, without yarn Berry's
    `name@` prefix and `::locator` suffix or npm v1's install-path key."""
    text = pkg.resolved or ("" if pkg.key.startswith("node_modules/") else pkg.key)
    text = text.split("::", 1)[0]
    for prefix in (f"{pkg.name}@", *((f"{pkg.alias}@",) if pkg.alias else ())):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    return text


def _non_registry_finding(lock: Lockfile, pkg: Package, snippet: str, graph: Graph | None) -> Finding:
    """NW704 for one git/URL/file package: where it comes from, how it reached the project,
    and whether its advisories could be checked (see `provenance.audit_version`)."""
    where = {"git": "a git repository", "url": "a tarball URL", "file": "a local path"}[pkg.source]
    origin = _origin(pkg)
    audited = audit_version(pkg)
    paths: tuple[str, ...] = ()
    if graph is not None:
        found, _total, _more = graph.paths(pkg.key)
        paths = tuple(" > ".join(dp.steps) for dp in sorted(found, key=lambda dp: (len(dp.steps), dp.steps))[:3])
    via = f" (via {paths[0]})" if paths and paths[0].count(" > ") > 1 else ""
    if audited.version is not None:
        status = f"checked against advisories as {audited.version}, the version {audited.source} declares"
    else:
        status = "it cannot be audited: the lockfile records no registry version to match advisories against"
    detail = PackageDetail(pkg.name, pkg.version, lock.path, source=pkg.source, origin=origin, audited=audited.version is not None, dependency_paths=paths)
    in_repo = pkg.source == "file" and _inside_project(origin)
    if in_repo:
        where = "a file inside this project"
    finding = _finding(
        NON_REGISTRY_SOURCE, lock.path, pkg.line, snippet,
        f"`{pkg.name}` is installed from {where}{via}, outside the registry; {status}",
        f"{pkg.name}@{pkg.version}", "Install it from a registry with a pinned version (a fork can be published under a scope), or vendor it into the repository and review it.", detail,
    )
    if in_repo and audited.version is not None:
        # A monorepo packing its own packages into the repository (`file:components/x-1.0.0.tgz`):
        # the source is the team's, the version was audited; what is left is a packed archive
        # that code review cannot see into.
        return replace(finding, severity=Severity.LOW)
    return finding


def _inside_project(origin: str) -> bool:
    """A `file:` path that stays inside the lockfile's folder (not `../sibling`, not absolute)."""
    path = origin[5:] if origin.startswith("file:") else origin
    path = path.replace("\\", "/")
    if not path or path.startswith("/") or (len(path) > 1 and path[1] == ":"):
        return False
    return not any(part == ".." for part in path.split("/"))


def lockfile_findings(lock: Lockfile, lines: Sequence[str], graph: Graph | None = None) -> list[Finding]:
    """NW704 (git/URL/file), NW705 (no integrity), NW706 (install scripts) for one lockfile."""
    out: list[Finding] = []
    seen: set[tuple[str, str, str]] = set()
    for pkg in sorted(lock.packages.values(), key=lambda p: (p.line, p.key)):
        ident = (pkg.name, pkg.version, pkg.resolved or "")
        snippet = _line(lines, pkg.line)
        detail = PackageDetail(pkg.name, pkg.version, lock.path)
        if pkg.source in ("git", "url", "file") and (NON_REGISTRY_SOURCE.id, *ident[:2]) not in seen:
            seen.add((NON_REGISTRY_SOURCE.id, *ident[:2]))
            out.append(_non_registry_finding(lock, pkg, snippet, graph))
        builtin_patch = "@patch:" in (pkg.resolved or "")  # Berry's built-in patches carry no checksum
        # yarn classic checks the sha1 in a tarball URL's `#<hash>` fragment when it records no integrity.
        url_hash = lock.format == "yarn-v1" and _SHA1_FRAGMENT.search(pkg.resolved or "") is not None
        # Bundled packages ship inside their parent's tarball, which its own hash covers.
        if pkg.source == "registry" and not pkg.integrity and not builtin_patch and not url_hash and not pkg.bundled and (MISSING_INTEGRITY.id, *ident[:2]) not in seen:
            seen.add((MISSING_INTEGRITY.id, *ident[:2]))
            out.append(
                _finding(
                    MISSING_INTEGRITY, lock.path, pkg.line, snippet,
                    f"`{pkg.name}@{pkg.version}` has no integrity hash in the lockfile",
                    f"{pkg.name}@{pkg.version}", "Regenerate the lockfile (`rm -rf node_modules && npm install`) so every entry records its integrity.", detail,
                )
            )
        if pkg.install_script and (INSTALL_SCRIPT.id, *ident[:2]) not in seen:
            seen.add((INSTALL_SCRIPT.id, *ident[:2]))
            out.append(
                _finding(
                    INSTALL_SCRIPT, lock.path, pkg.line, snippet,
                    f"`{pkg.name}@{pkg.version}` runs an install script",
                    f"{pkg.name}@{pkg.version}", "Install with `--ignore-scripts` and allow-list the packages that need to build.", detail,
                )
            )
    return out


def out_of_sync_findings(lock: Lockfile, root: Path) -> list[Finding]:
    """NW703: declared ranges the locked versions do not satisfy, and missing or extra entries."""
    out: list[Finding] = []
    base = PurePosixPath(lock.folder)
    workspace_names = {i.name for i in lock.importers}
    lock_folder = root / lock.folder if lock.folder else root
    root_manifest = read_manifest(lock_folder)
    root_overrides = direct_overrides(lock, root_manifest, lock_folder)
    workspace_overrides = direct_overrides(lock, root_manifest, lock_folder, workspace=True)
    for imp in lock.importers:
        overrides = workspace_overrides if imp.path else root_overrides
        folder = root / lock.folder / imp.path if imp.path else root / lock.folder
        manifest = read_manifest(folder)
        if manifest is None:
            continue
        rel = (base / imp.path / "package.json").as_posix() if imp.path else (base / "package.json").as_posix()
        rel = rel.lstrip("./") if rel.startswith("./") else rel
        edges = {e.name: e for e in imp.edges}
        declared = manifest.declared()
        for name, spec, kind in declared:
            fld = {"prod": "dependencies", "dev": "devDependencies", "optional": "optionalDependencies"}[kind]
            line = manifest.line_of(fld, name)
            snippet = _line(manifest.text.splitlines(), line)
            e = edges.get(name)
            if e is None or e.target is None:
                if lock.format in ("npm-v1",) and e is None:
                    continue
                if spec.startswith(("workspace:", "link:", "file:", "portal:")) or name in workspace_names:
                    continue  # a sibling workspace, linked rather than locked
                out.append(
                    _finding(
                        LOCKFILE_OUT_OF_SYNC, rel, line, snippet,
                        f"`{name}` is declared in package.json but has no entry in {lock.path}",
                        f"missing:{lock.path}:{name}", "Run the package manager's install to update the lockfile, and commit it.", PackageDetail(name, "", lock.path, spec),
                    )
                )
                continue
            pkg = lock.packages.get(e.target)
            rng = spec_range(spec)
            if pkg is None or pkg.source not in ("registry",) or rng is None:
                continue
            from nodeward.deps.semver import satisfies

            if not satisfies(pkg.version, rng, loose=True):
                if override_for(name, spec, pkg.version, overrides) is not None:
                    continue  # installed at the version the project overrides it to, on purpose
                out.append(
                    _finding(
                        LOCKFILE_OUT_OF_SYNC, rel, line, snippet,
                        f"`{name}` is declared as `{spec}` but {lock.path} locks {pkg.version}",
                        f"range:{lock.path}:{name}", "Run the package manager's install to update the lockfile, and commit it.", PackageDetail(pkg.name, pkg.version, lock.path, spec),
                    )
                )
        if lock.format in ("npm-v1", "yarn-v1"):
            continue  # importer edges come from package.json itself: nothing extra to detect
        names = {n for n, _, _ in declared}
        for e in imp.edges:
            if e.kind == "peer" or e.name in names:
                continue
            out.append(
                _finding(
                    LOCKFILE_OUT_OF_SYNC, rel, 1, _line(manifest.text.splitlines(), 1),
                    f"{lock.path} locks `{e.name}` for {imp.name}, which package.json no longer declares",
                    f"extra:{lock.path}:{imp.path}:{e.name}", "Run the package manager's install to prune the lockfile, and commit it.", PackageDetail(e.name, "", lock.path, e.spec),
                )
            )
    return out


def missing_lockfile_findings(manifests: Iterable[tuple[str, Manifest]], lock_folders: set[str], workspace_members: set[str]) -> list[Finding]:
    """NW702 for package.json files with dependencies and no lockfile here or above."""
    out: list[Finding] = []
    for rel, m in manifests:
        if not m.declared():
            continue
        folder = rel.rsplit("/", 1)[0] if "/" in rel else ""
        if folder in workspace_members:
            continue
        parts = folder.split("/") if folder else []
        if any("/".join(parts[:i]) in lock_folders for i in range(len(parts), -1, -1)):
            continue
        # A workspace under an ignored-but-present lockfile is reported once, at that lockfile's project.
        ancestors = list(m.path.parent.parents)[: len(parts)]
        if any((d / n).is_file() for d in ancestors for n in LOCKFILE_NAMES):
            continue
        line = next((m.lines.get((f,), 0) for f, _ in DEP_FIELDS if m.lines.get((f,))), 1)
        on_disk = [n for n in LOCKFILE_NAMES if (m.path.parent / n).is_file()]
        message = "package.json declares dependencies but no lockfile pins them"
        if on_disk:
            # Excluded by .gitignore or --exclude: CI and every other clone install without it.
            message = f"package.json declares dependencies but its lockfile ({on_disk[0]}) is ignored, so it is not committed or audited"
        out.append(
            _finding(
                MISSING_LOCKFILE, rel, line, _line(m.text.splitlines(), line),
                message,
                "missing-lockfile", "Run `npm install` (or yarn/pnpm/bun) and commit the lockfile; install with `npm ci` in CI.",
            )
        )
    return out


_ANY_VERSION = {"*", "", "x", "X"}
"""Ranges every version satisfies, so a linked workspace sibling satisfies them too (unlike
the dist-tags `latest`/`next`, which name a registry release)."""


def unpinned_findings(manifests: Iterable[tuple[str, Manifest]], siblings: Mapping[str, frozenset[str]] | None = None) -> list[Finding]:
    """NW707 for `*`, `latest`, `x` and empty ranges.  `siblings` (package.json path ->
    names, from `workspaces.linked_siblings`) are the packages of the same workspace that
    the package manager links locally: `*` to one of them is the repository's own code."""
    out: list[Finding] = []
    siblings = siblings or {}
    for rel, m in manifests:
        linked = siblings.get(rel, frozenset())
        for fld, _ in DEP_FIELDS:
            deps = m.data.get(fld)
            if not isinstance(deps, dict):
                continue
            for name, spec in deps.items():
                if isinstance(spec, str) and spec.strip() in _ANY_VERSION and name in linked:
                    continue
                if isinstance(spec, str) and spec.strip() in _UNPINNED:
                    line = m.line_of(fld, name)
                    out.append(
                        _finding(
                            UNPINNED_RANGE, rel, line, _line(m.text.splitlines(), line),
                            f"`{name}` accepts any version (`{spec}`)",
                            f"{fld}:{name}", f"Declare a range such as `^<current major>.x` for `{name}` and keep the lockfile committed.", PackageDetail(name, "", "", spec),
                        )
                    )
    return out


def _scripts_off_by_default(root: Path) -> set[str]:
    """Package managers whose installs already skip dependency lifecycle scripts here.

    bun runs dependency scripts only for `trustedDependencies`; pnpm 10 only for
    `onlyBuiltDependencies` (and earlier pnpm when that allow-list is configured);
    Yarn Berry runs none with `enableScripts: false` in .yarnrc.yml.
    """
    off = {"bun"}
    manifest = read_manifest(root)
    data = manifest.data if manifest is not None else {}
    pm = data.get("packageManager")
    if isinstance(pm, str) and pm.startswith("pnpm@"):
        major = pm[5:].split(".", 1)[0]
        if major.isdigit() and int(major) >= 10:
            off.add("pnpm")
    pnpm_cfg = data.get("pnpm")
    if isinstance(pnpm_cfg, dict) and "onlyBuiltDependencies" in pnpm_cfg:
        off.add("pnpm")
    try:
        if "onlyBuiltDependencies" in (root / "pnpm-workspace.yaml").read_text(encoding="utf-8", errors="replace"):
            off.add("pnpm")
    except OSError:
        pass
    try:
        yarnrc = (root / ".yarnrc.yml").read_text(encoding="utf-8", errors="replace")
        if re.search(r"(?m)^enableScripts:\s*false\s*$", yarnrc):
            off.add("yarn")
    except OSError:
        pass
    return off


def ci_findings(root: Path, ci_files: Iterable[str]) -> list[Finding]:
    """NW708: install commands in CI without `--ignore-scripts`, unless the project turns
    dependency scripts off another way (.npmrc, .yarnrc.yml, pnpm/bun defaults)."""
    rc = read_npmrc(root / ".npmrc", {})
    if rc.get("ignore-scripts", "").lower() == "true":
        return []
    off = _scripts_off_by_default(root)
    out: list[Finding] = []
    for rel in ci_files:
        try:
            text = (root / rel).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if re.search(r"(?i)npm_config_ignore_scripts\s*[:=]\s*['\"]?true", text):
            continue
        for n, line in enumerate(text.splitlines(), 1):
            stripped = line.strip()
            if stripped.startswith("#") or "ignore-scripts" in line:
                continue
            m = _INSTALL_CMD.search(line)
            if m is None:
                continue
            cmd = m.group(1).strip(" ;&|'\"")
            if cmd.split()[0] in off:
                continue
            out.append(
                _finding(
                    SCRIPTS_IN_CI, rel, n, stripped,
                    f"CI runs `{cmd}` with install scripts enabled",
                    f"{n}:{stripped}", "Add `--ignore-scripts` (or `ignore-scripts=true` in the project .npmrc) and run needed builds explicitly.",
                )
            )
    return out
