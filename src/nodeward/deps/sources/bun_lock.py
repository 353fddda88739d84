"""bun.lock (text, JSON with trailing commas); `bun.lockb` is binary and refused clearly.

Packages are keyed by install path (`@demo/a/debug` is `debug` nested under
workspace `@demo/a`); each value is `[ "name@version", registry, {meta}, integrity ]`
for registry packages, or a shorter tuple for workspace, git, file and link ones.
"""

from __future__ import annotations

import json
from typing import Any

from nodeward.deps.model import Edge, Importer, Lockfile, Package, Unreadable, classify_source
from nodeward.deps.provenance import registry_tarball_version
from nodeward.deps.semver import parse_version
from nodeward.deps.sources.jsonlines import key_lines, strip_jsonc
from nodeward.errors import LockfileError

__all__ = ["parse_bun_lock"]


def _segments(key: str) -> list[str]:
    parts = key.split("/")
    out: list[str] = []
    i = 0
    while i < len(parts):
        if parts[i].startswith("@") and i + 1 < len(parts):
            out.append(f"{parts[i]}/{parts[i + 1]}")
            i += 2
        else:
            out.append(parts[i])
            i += 1
    return out


def _resolve(packages: dict[str, Any], parent: list[str], name: str) -> str | None:
    for depth in range(len(parent), -1, -1):
        cand = "/".join([*parent[:depth], name])
        if cand in packages:
            return cand
    return None


def parse_bun_lock(rel: str, text: str) -> Lockfile:
    try:
        data = json.loads(strip_jsonc(text))
    except ValueError as e:
        raise LockfileError(f"{rel}: invalid bun.lock: {e}") from None
    if not isinstance(data, dict):
        raise LockfileError(f"{rel}: expected a JSON object, found {type(data).__name__}")
    lv = data.get("lockfileVersion")
    if lv not in (0, 1, 2):
        raise LockfileError(f"{rel}: unknown lockfileVersion {lv!r} (nodeward reads bun.lock versions 0-2)")
    raw = data.get("packages")
    workspaces = data.get("workspaces")
    if not isinstance(raw, dict) or not isinstance(workspaces, dict):
        raise LockfileError(f"{rel}: expected `workspaces` and `packages` objects")
    lines = key_lines(text)
    unreadable: list[Unreadable] = []
    packages: dict[str, Package] = {}
    ws_by_name: dict[str, str] = {}
    for path, ws in workspaces.items():
        if isinstance(ws, dict) and isinstance(ws.get("name"), str):
            ws_by_name[ws["name"]] = path
    for key, value in raw.items():
        if not isinstance(value, list) or not value or not isinstance(value[0], str):
            unreadable.append(Unreadable(key, "expected [\"name@version\", ...]"))
            continue
        ident = value[0]
        at = ident.find("@", 1)
        if at < 0:
            unreadable.append(Unreadable(key, f"cannot read {ident!r}"))
            continue
        name, spec = ident[:at], ident[at + 1 :]
        if spec.startswith("workspace:"):
            continue
        meta: dict[str, Any] = {}
        integrity: str | None = None
        resolved: str | None = None
        source = classify_source(None, spec)
        if source == "registry" and "://" not in spec and ("/" in spec or spec.endswith((".tgz", ".tar.gz"))) and parse_version(spec) is None:
            source = "file"  # bun writes a local tarball as `json5@vendor/json5-2.2.1.tgz`, without `file:`
        if source == "registry":
            if len(value) > 2 and isinstance(value[2], dict):
                meta = value[2]
            if len(value) > 3 and isinstance(value[3], str):
                integrity = value[3]
            if len(value) > 1 and isinstance(value[1], str) and value[1]:
                resolved = value[1]
        else:
            if len(value) > 1 and isinstance(value[1], dict):
                meta = value[1]
            resolved = spec
        version = spec
        if source == "git":
            version = spec.rsplit("#", 1)[-1]
        elif "://" in spec and (from_url := registry_tarball_version(name, spec)) is not None:
            # A registry tarball URL declared directly: the URL names the release.
            version, resolved = from_url, resolved or spec
        seg = _segments(key)
        installed_as = seg[-1]
        edges: list[Edge] = []
        for fld, kind in (("dependencies", "prod"), ("optionalDependencies", "optional"), ("peerDependencies", "peer")):
            d = meta.get(fld)
            if not isinstance(d, dict):
                continue
            for n, s in d.items():
                target = _resolve(raw, seg, n)
                if kind == "peer" and target is None:
                    continue
                edges.append(Edge(n, str(s), target, kind))
        os_v, cpu_v = meta.get("os"), meta.get("cpu")
        packages[key] = Package(
            key=key,
            name=name,
            version=version,
            line=lines.get(("packages", key), 1),
            alias=installed_as if installed_as != name else None,
            resolved=resolved,
            integrity=integrity,
            source=source,
            os=(os_v,) if isinstance(os_v, str) else tuple(os_v) if isinstance(os_v, list) else (),
            cpu=(cpu_v,) if isinstance(cpu_v, str) else tuple(cpu_v) if isinstance(cpu_v, list) else (),
            dependencies=tuple(edges),
        )
    trusted = data.get("trustedDependencies")
    if isinstance(trusted, list):
        from dataclasses import replace

        for key, pkg in list(packages.items()):
            if pkg.name in trusted:
                packages[key] = replace(pkg, install_script=True)
    importers: list[Importer] = []
    for path, ws in workspaces.items():
        if not isinstance(ws, dict):
            unreadable.append(Unreadable(f"workspaces/{path}", "expected an object"))
            continue
        wname = ws.get("name") if isinstance(ws.get("name"), str) else path
        edges = []
        for fld, kind in (("dependencies", "prod"), ("optionalDependencies", "optional"), ("devDependencies", "dev")):
            d = ws.get(fld)
            if not isinstance(d, dict):
                continue
            for n, s in d.items():
                if n in ws_by_name:
                    continue
                prefix = _segments(str(wname)) if path else []
                edges.append(Edge(n, str(s), _resolve(raw, prefix, n), kind))
        importers.append(Importer(path, str(wname or "(root)"), tuple(edges), lines.get(("workspaces", path), 1)))
    importers.sort(key=lambda i: i.path)
    return Lockfile(rel, "bun", "bun", tuple(importers), packages, tuple(unreadable))
