"""package-lock.json / npm-shrinkwrap.json, lockfileVersion 1, 2 and 3.

v2 and v3 keep a flat `packages` map keyed by install path
(`node_modules/a/node_modules/b`); dependencies resolve the way Node resolves
them at run time, by walking up those paths.  v1 keeps a nested `dependencies`
tree and no importer information, so its roots come from package.json.
"""

from __future__ import annotations

from collections.abc import Container
from typing import Any

from nodeward.deps.model import Edge, Importer, Lockfile, Package, Unreadable, classify_source
from nodeward.deps.provenance import registry_tarball_version
from nodeward.deps.sources.jsonlines import key_lines
from nodeward.deps.sources.manifest import Manifest
from nodeward.errors import LockfileError

__all__ = ["parse_npm_lock"]

_NM = "node_modules/"


def _name_from_path(key: str) -> str:
    tail = key.rsplit(_NM, 1)[-1]
    return tail


def _parent_location(loc: str) -> str | None:
    """`a/node_modules/b/node_modules/c` -> `a/node_modules/b`; top-level -> ``."""
    i = loc.rfind("/" + _NM)
    if i >= 0:
        return loc[:i]
    if loc.startswith(_NM) or loc:
        # A top-level package or a workspace folder: Node keeps walking up to the root.
        return ""
    return None


def _resolve(packages: Container[str], loc: str, name: str) -> str | None:
    """Node's lookup: `<loc>/node_modules/<name>`, then each ancestor's."""
    cur: str | None = loc
    for _ in range(200):
        if cur is None:
            return None
        cand = f"{cur}/{_NM}{name}" if cur else f"{_NM}{name}"
        if cand in packages:
            return cand
        cur = _parent_location(cur) if cur else None
    return None


def _alias(spec: str) -> tuple[str | None, str]:
    if spec.startswith("npm:"):
        body = spec[4:]
        at = body.rfind("@")
        if at > 0:
            return body[:at], body[at + 1 :]
        return body, ""
    return None, spec


def _tuple(v: Any) -> tuple[str, ...]:
    if isinstance(v, str):
        return (v,)
    if isinstance(v, list):
        return tuple(x for x in v if isinstance(x, str))
    return ()


def parse_npm_lock(rel: str, data: Any, text: str, manifest: Manifest | None) -> Lockfile:
    if not isinstance(data, dict):
        raise LockfileError(f"{rel}: expected a JSON object, found {type(data).__name__}")
    version = data.get("lockfileVersion")
    if version in (2, 3) and isinstance(data.get("packages"), dict):
        return _parse_packages(rel, data, text, int(version))
    if version == 1 or (version is None and isinstance(data.get("dependencies"), dict)):
        return _parse_v1(rel, data, text, manifest)
    if version in (2, 3):
        raise LockfileError(f"{rel}: lockfileVersion {version} but no `packages` object")
    raise LockfileError(f"{rel}: unknown lockfileVersion {version!r} (nodeward reads 1, 2 and 3)")


def _parse_packages(rel: str, data: dict[str, Any], text: str, version: int) -> Lockfile:
    raw: dict[str, Any] = data["packages"]
    lines = key_lines(text)
    unreadable: list[Unreadable] = []
    packages: dict[str, Package] = {}
    importers: list[Importer] = []
    links: dict[str, str] = {}
    importer_locs = [k for k, v in raw.items() if isinstance(v, dict) and (k == "" or _NM not in k) and not v.get("link")]
    for key, entry in raw.items():
        if not isinstance(entry, dict):
            unreadable.append(Unreadable(key or "(root)", f"expected an object, found {type(entry).__name__}"))
            continue
        line = lines.get(("packages", key), 1)
        if key in importer_locs:
            edges = []
            for fld, kind in (("dependencies", "prod"), ("optionalDependencies", "optional"), ("devDependencies", "dev"), ("peerDependencies", "peer")):
                deps = entry.get(fld)
                if not isinstance(deps, dict):
                    continue
                for dname, spec in deps.items():
                    target = _resolve(raw, key, dname)
                    if kind == "peer" and target is None:
                        continue
                    edges.append(Edge(dname, str(spec), target, kind))
            name = entry.get("name") if isinstance(entry.get("name"), str) else (data.get("name") if key == "" else key)
            importers.append(Importer(key, str(name or key or "(root)"), tuple(edges), line))
            continue
        if entry.get("link"):
            target = entry.get("resolved")
            if isinstance(target, str):
                links[key] = target
            continue
        if _NM not in key:
            continue
        ver = entry.get("version")
        installed_as = _name_from_path(key)
        real = entry.get("name") if isinstance(entry.get("name"), str) else installed_as
        resolved = entry.get("resolved") if isinstance(entry.get("resolved"), str) else None
        if not isinstance(ver, str) or not ver:
            unreadable.append(Unreadable(key, "no version"))
            continue
        source = classify_source(resolved, ver)
        edges = []
        for fld, kind in (("dependencies", "prod"), ("optionalDependencies", "optional"), ("peerDependencies", "peer")):
            deps = entry.get(fld)
            if not isinstance(deps, dict):
                continue
            for dname, spec in deps.items():
                target = _resolve(raw, key, dname)
                if kind == "peer" and target is None:
                    continue
                edges.append(Edge(dname, str(spec), target, kind))
        packages[key] = Package(
            key=key,
            name=str(real),
            version=ver,
            line=line,
            alias=installed_as if real != installed_as else None,
            resolved=resolved,
            integrity=entry.get("integrity") if isinstance(entry.get("integrity"), str) else None,
            source=source,
            dev=bool(entry.get("dev")) or bool(entry.get("devOptional")),
            optional=bool(entry.get("optional")) or bool(entry.get("devOptional")),
            peer=bool(entry.get("peer")),
            bundled=bool(entry.get("inBundle")),
            os=_tuple(entry.get("os")),
            cpu=_tuple(entry.get("cpu")),
            install_script=bool(entry.get("hasInstallScript")),
            dependencies=tuple(edges),
        )
    if not importers:
        importers.append(Importer("", str(data.get("name") or "(root)")))
    return Lockfile(
        rel,
        f"npm-v{version}",
        "npm",
        tuple(importers),
        packages,
        tuple(unreadable),
        links,
    )


def _parse_v1(rel: str, data: dict[str, Any], text: str, manifest: Manifest | None) -> Lockfile:
    lines = key_lines(text)
    packages: dict[str, Package] = {}
    unreadable: list[Unreadable] = []
    pending: list[tuple[str, dict[str, Any], tuple[str, ...]]] = []

    def walk(deps: Any, loc: str, keypath: tuple[str, ...], depth: int) -> None:
        if not isinstance(deps, dict) or depth > 100:
            return
        for name, entry in deps.items():
            key = f"{loc}/{_NM}{name}" if loc else f"{_NM}{name}"
            kp = (*keypath, name)
            if not isinstance(entry, dict):
                unreadable.append(Unreadable(key, "expected an object"))
                continue
            pending.append((key, entry, kp))
            walk(entry.get("dependencies"), key, (*kp, "dependencies"), depth + 1)

    walk(data.get("dependencies"), "", ("dependencies",), 0)
    keys = {k for k, _, _ in pending}
    for key, entry, kp in pending:
        ver = entry.get("version")
        if not isinstance(ver, str) or not ver:
            unreadable.append(Unreadable(key, "no version"))
            continue
        installed_as = _name_from_path(key)
        alias_target, alias_ver = _alias(ver)
        name = alias_target or installed_as
        version = alias_ver if alias_target else ver
        resolved = entry.get("resolved") if isinstance(entry.get("resolved"), str) else None
        source = classify_source(resolved, ver)
        if source in ("git", "url", "file"):
            # v1 stores the spec (`git+https://...#sha`) as the version of such packages.
            version = ver.rsplit("#", 1)[-1] if source == "git" else ver
            resolved = resolved or ver
        elif "://" in version and (from_url := registry_tarball_version(name, version)) is not None:
            # A registry tarball URL declared directly: the URL names the release.
            resolved, version = resolved or version, from_url
        pkg_edges: list[Edge] = []
        requires = entry.get("requires")
        if isinstance(requires, dict):
            for dname, spec in requires.items():
                pkg_edges.append(Edge(dname, str(spec), _resolve(keys, key, dname), "prod"))
        packages[key] = Package(
            key=key,
            name=name,
            version=version,
            line=lines.get(kp, 1),
            alias=installed_as if alias_target else None,
            resolved=resolved,
            integrity=entry.get("integrity") if isinstance(entry.get("integrity"), str) else None,
            source=source,
            dev=bool(entry.get("dev")),
            optional=bool(entry.get("optional")),
            bundled=bool(entry.get("bundled")),
            dependencies=tuple(pkg_edges),
        )
    edges: list[Edge] = []
    if manifest is not None:
        for dname, spec, kind in manifest.declared():
            edges.append(Edge(dname, spec, f"{_NM}{dname}" if f"{_NM}{dname}" in packages else None, kind))
    else:
        for key, pkg in packages.items():
            if key.count(_NM) == 1:
                kind = "dev" if pkg.dev else ("optional" if pkg.optional else "prod")
                edges.append(Edge(_name_from_path(key), pkg.version, key, kind))
    root = Importer("", str(data.get("name") or (manifest.name if manifest else "") or "(root)"), tuple(edges), 1)
    return Lockfile(rel, "npm-v1", "npm", (root,), packages, tuple(unreadable))
