"""pnpm-lock.yaml, lockfileVersion 5.x, 6.x and 9.x (multi-document files included).

Package ids changed format twice: `/name/1.0.0_peer@2.0.0` (5.x),
`/name@1.0.0(peer@2.0.0)` (6.x) and `name@1.0.0(peer@2.0.0)` (9.x, where
`packages` holds metadata by `name@version` and `snapshots` holds the
dependency edges by full id).  Importers reference packages by version (with the
peer suffix) or, for aliases, by full id.
"""

from __future__ import annotations

from typing import Any

from nodeward.deps.model import Edge, Importer, Lockfile, Package, Unreadable, classify_source
from nodeward.deps.sources.yamlnodes import YamlDocument, load_yaml_documents
from nodeward.errors import LockfileError

__all__ = ["parse_pnpm_lock"]

def _obj(v: Any) -> dict[str, Any]:
    """`v` when it is a mapping, else an empty dict (lockfiles and feeds hold surprises)."""
    return v if isinstance(v, dict) else {}


def _str(v: Any) -> str:
    return v if isinstance(v, str) else ""



def _major(version: Any) -> int:
    try:
        return int(str(version).split(".", 1)[0])
    except ValueError:
        return -1


def _strip_peers(ref: str) -> str:
    i = ref.find("(")
    return ref[:i] if i > 0 else ref


def _split_id(pid: str, major: int) -> tuple[str, str]:
    """Package id -> (name, version) for the id formats of each lockfile major."""
    body = pid[1:] if pid.startswith("/") else pid
    if major == 5:
        if body.startswith("@"):
            parts = body.split("/", 2)
            name, rest = f"{parts[0]}/{parts[1]}", parts[2] if len(parts) > 2 else ""
        else:
            name, _, rest = body.partition("/")
        version = rest.split("_", 1)[0]
        return name, version
    body = _strip_peers(body)
    at = body.find("@", 1)
    if at < 0:
        return body, ""
    return body[:at], body[at + 1 :]


def _pick_document(docs: list[YamlDocument]) -> YamlDocument:
    """The main lockfile document: pnpm 9+ may put an env lockfile document first."""
    best = docs[-1]
    best_size = -1
    for doc in docs:
        if not isinstance(doc.data, dict):
            continue
        size = sum(len(v) for k in ("packages", "snapshots", "importers") if isinstance(v := doc.data.get(k), dict))
        if size > best_size:
            best, best_size = doc, size
    return best


def parse_pnpm_lock(rel: str, text: str) -> Lockfile:
    import yaml  # imported on use: most projects have no YAML lockfile

    try:
        docs = load_yaml_documents(text)
    except yaml.YAMLError as e:
        raise LockfileError(f"{rel}: invalid YAML: {str(e).splitlines()[0]}") from None
    if not docs:
        raise LockfileError(f"{rel}: empty lockfile")
    doc = _pick_document(docs)
    data = doc.data
    if not isinstance(data, dict):
        raise LockfileError(f"{rel}: expected a YAML mapping, found {type(data).__name__}")
    lv = data.get("lockfileVersion")
    major = _major(lv)
    if major not in (5, 6, 7, 9):
        raise LockfileError(f"{rel}: unknown lockfileVersion {lv!r} (nodeward reads 5.x, 6.x and 9.x)")
    fmt = f"pnpm-{lv}"
    pkgs_raw = data.get("packages") or {}
    snaps_raw = data.get("snapshots") or {}
    if not isinstance(pkgs_raw, dict) or not isinstance(snaps_raw, dict):
        raise LockfileError(f"{rel}: `packages` and `snapshots` must be mappings")
    # Node table: id -> (metadata entry, dependency entry, line).
    nodes: dict[str, tuple[dict[str, Any], dict[str, Any], int]] = {}
    unreadable: list[Unreadable] = []
    if major >= 9:
        for sid, snap in snaps_raw.items():
            sid = str(sid)
            meta = pkgs_raw.get(_strip_peers(sid))
            if not isinstance(meta, dict):
                unreadable.append(Unreadable(sid, "snapshot without a `packages` entry"))
                meta = {}
            line = doc.line("packages", _strip_peers(sid))
            nodes[sid] = (meta, snap if isinstance(snap, dict) else {}, line)
        covered = {_strip_peers(k) for k in nodes}
        for pid, meta in pkgs_raw.items():
            if str(pid) not in covered and isinstance(meta, dict):
                nodes[str(pid)] = (meta, {}, doc.line("packages", str(pid)))
    else:
        for pid, entry in pkgs_raw.items():
            if not isinstance(entry, dict):
                unreadable.append(Unreadable(str(pid), "expected a mapping"))
                continue
            nodes[str(pid)] = (entry, entry, doc.line("packages", str(pid)))

    def ref_to_id(name: str, ref: str) -> str | None:
        ref = str(ref)
        if ref.startswith("link:") and ref not in nodes:
            return None  # a linked folder, not a locked package (`file:` ones are: `json5@file:x.tgz` in 9.x)
        candidates = [ref]
        if major == 5:
            candidates += [f"/{name}/{ref}"]
        elif major in (6, 7):
            candidates += [f"/{name}@{ref}"]
        else:
            candidates += [f"{name}@{ref}"]
        for c in candidates:
            if c in nodes:
                return c
        return None

    packages: dict[str, Package] = {}
    for pid, (meta, deps_entry, line) in nodes.items():
        name = meta.get("name") if isinstance(meta.get("name"), str) else None
        version = meta.get("version") if isinstance(meta.get("version"), str) else None
        id_name, id_version = _split_id(pid, 5 if major == 5 else 6)
        name = name or id_name
        version = version or id_version
        resolution = _obj(meta.get("resolution"))
        tarball = resolution.get("tarball") if isinstance(resolution.get("tarball"), str) else None
        if resolution.get("type") == "git" or resolution.get("repo"):
            source = "git"
            repo, commit = resolution.get("repo"), resolution.get("commit")
            if tarball is None and isinstance(repo, str) and isinstance(commit, str):
                # Recorded as repo + commit: keep it as the git URL npm and yarn would write.
                tarball = f"{repo if repo.startswith(('git+', 'git@', 'git:')) else 'git+' + repo}#{commit}"
        elif tarball:
            source = classify_source(tarball)
        elif resolution.get("directory"):
            source = "file"
        else:
            source = "registry" if resolution.get("integrity") else classify_source(None, id_version)
        if not version:
            unreadable.append(Unreadable(pid, "no version"))
            continue
        edges: list[Edge] = []
        for fld, kind in (("dependencies", "prod"), ("optionalDependencies", "optional")):
            d = deps_entry.get(fld)
            if isinstance(d, dict):
                edges.extend(Edge(str(n), str(r), ref_to_id(str(n), str(r)), kind) for n, r in d.items())
        os_v = meta.get("os")
        cpu_v = meta.get("cpu")
        packages[pid] = Package(
            key=pid,
            name=name,
            version=version,
            line=line,
            resolved=tarball,
            integrity=resolution.get("integrity") if isinstance(resolution.get("integrity"), str) else None,
            source=source,
            dev=bool(meta.get("dev")),
            optional=bool(meta.get("optional") or deps_entry.get("optional")),
            os=tuple(os_v) if isinstance(os_v, list) else (),
            cpu=tuple(cpu_v) if isinstance(cpu_v, list) else (),
            install_script=bool(meta.get("requiresBuild")),
            dependencies=tuple(edges),
        )
    importers_raw = data.get("importers")
    if not isinstance(importers_raw, dict):
        # Single-project lockfiles before workspaces keep the importer at the top level.
        importers_raw = {".": data}
    importers: list[Importer] = []
    for path, imp in importers_raw.items():
        if not isinstance(imp, dict):
            unreadable.append(Unreadable(f"importers/{path}", "expected a mapping"))
            continue
        specifiers = _obj(imp.get("specifiers"))
        edges = []
        for fld, kind in (("dependencies", "prod"), ("optionalDependencies", "optional"), ("devDependencies", "dev")):
            d = imp.get(fld)
            if not isinstance(d, dict):
                continue
            for n, v in d.items():
                if isinstance(v, dict):
                    spec, ref = str(v.get("specifier", "")), str(v.get("version", ""))
                else:
                    spec, ref = str(specifiers.get(n, v)), str(v)
                if ref.startswith("link:"):
                    continue
                target = ref_to_id(str(n), ref)
                if target and packages.get(target) and packages[target].name != n:
                    from dataclasses import replace

                    packages[target] = replace(packages[target], alias=str(n))
                edges.append(Edge(str(n), spec, target, kind))
        p = "" if str(path) == "." else str(path)
        importers.append(Importer(p, p or "(root)", tuple(edges), doc.line("importers", str(path))))
    importers.sort(key=lambda i: i.path)
    # pnpm records the project's overrides (package.json `pnpm.overrides`, pnpm-workspace.yaml)
    # in the lockfile: a direct dependency locked at the overridden version is in sync.
    overrides = {str(k): str(v) for k, v in _obj(data.get("overrides")).items() if isinstance(v, (str, int, float))}
    return Lockfile(rel, fmt, "pnpm", tuple(importers), packages, tuple(unreadable), overrides=overrides)
