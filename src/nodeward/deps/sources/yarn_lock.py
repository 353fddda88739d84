"""yarn.lock: classic (v1, its own indented syntax) and Berry (YAML with `__metadata`).

Classic lockfiles hold no workspace or importer information, so roots come from
the project's package.json files; Berry lists workspaces as entries with a
`workspace:` resolution and protocols (`npm:`, `patch:`, `portal:`, `link:`,
`git`, tarball URLs) in every descriptor.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from nodeward.deps.model import Edge, Importer, Lockfile, Package, Unreadable, classify_source
from nodeward.deps.sources.manifest import Manifest, read_manifest, workspace_folders
from nodeward.deps.sources.yamlnodes import load_yaml_documents
from nodeward.errors import LockfileError

__all__ = ["parse_yarn_lock"]

def _obj(v: Any) -> dict[str, Any]:
    """`v` when it is a mapping, else an empty dict (lockfiles and feeds hold surprises)."""
    return v if isinstance(v, dict) else {}


def _str(v: Any) -> str:
    return v if isinstance(v, str) else ""


MAX_DEPTH = 20


def _unquote(tok: str) -> str:
    tok = tok.strip()
    if len(tok) >= 2 and tok[0] == '"' and tok[-1] == '"':
        return tok[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return tok


def _split_header(header: str) -> list[str]:
    keys, cur, quoted = [], [], False
    for ch in header:
        if ch == '"':
            quoted = not quoted
            cur.append(ch)
        elif ch == "," and not quoted:
            keys.append(_unquote("".join(cur)))
            cur = []
        else:
            cur.append(ch)
    if "".join(cur).strip():
        keys.append(_unquote("".join(cur)))
    return [k for k in keys if k]


def _split_kv(line: str) -> tuple[str, str]:
    if line.startswith('"'):
        j = 1
        while j < len(line) and line[j] != '"':
            j += 2 if line[j] == "\\" else 1
        return _unquote(line[: j + 1]), line[j + 1 :].strip()
    parts = line.split(None, 1)
    return parts[0], parts[1] if len(parts) > 1 else ""


def parse_classic_text(rel: str, text: str) -> list[tuple[list[str], int, dict[str, Any]]]:
    """(descriptors, line, body) for every entry of a yarn v1 lockfile."""
    entries: list[tuple[list[str], int, dict[str, Any]]] = []
    stack: list[tuple[int, dict[str, Any]]] = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        if indent == 0:
            if not stripped.endswith(":"):
                raise LockfileError(f"{rel}:{lineno}: expected an entry header ending in `:`")
            body: dict[str, Any] = {}
            entries.append((_split_header(stripped[:-1]), lineno, body))
            stack = [(0, body)]
            continue
        if not stack:
            raise LockfileError(f"{rel}:{lineno}: indented line outside any entry")
        while len(stack) > 1 and stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1]
        if stripped.endswith(":") and not stripped.startswith('"') or (stripped.startswith('"') and stripped.endswith('":')):
            child: dict[str, Any] = {}
            parent[_unquote(stripped[:-1])] = child
            if len(stack) < MAX_DEPTH:
                stack.append((indent, child))
            continue
        key, value = _split_kv(stripped)
        parent[key] = _unquote(value)
    return entries


def _desc_name(desc: str) -> tuple[str, str]:
    """`@scope/pkg@npm:^1` -> (`@scope/pkg`, `npm:^1`)."""
    at = desc.find("@", 1)
    if at < 0:
        return desc, ""
    return desc[:at], desc[at + 1 :]


def parse_yarn_lock(rel: str, text: str, folder: Path) -> Lockfile:
    head = text[:2048]
    if "__metadata:" in text and "# yarn lockfile v1" not in head:
        return _parse_berry(rel, text, folder)
    if "# yarn lockfile v1" not in head and text.strip() and not _looks_classic(text):
        raise LockfileError(f"{rel}: not a yarn lockfile (no `# yarn lockfile v1` header and no `__metadata`)")
    return _parse_classic(rel, text, folder)


def _looks_classic(text: str) -> bool:
    for line in text.splitlines()[:50]:
        if line and not line.startswith(("#", " ")) and line.rstrip().endswith(":"):
            return True
    return False


def _importer_manifests(folder: Path) -> list[tuple[str, Manifest]]:
    root = read_manifest(folder)
    if root is None:
        return []
    out = [("", root)]
    for ws in workspace_folders(folder, root):
        m = read_manifest(folder / ws)
        if m is not None:
            out.append((ws, m))
    return out


def _parse_classic(rel: str, text: str, folder: Path) -> Lockfile:
    entries = parse_classic_text(rel, text)
    packages: dict[str, Package] = {}
    by_desc: dict[str, str] = {}
    unreadable: list[Unreadable] = []
    for descs, line, body in entries:
        version = body.get("version")
        first = descs[0] if descs else ""
        installed_as, spec = _desc_name(first)
        if not isinstance(version, str) or not version:
            unreadable.append(Unreadable(first, "no version"))
            continue
        name = installed_as
        alias = None
        if spec.startswith("npm:"):
            target, _ = _desc_name(spec[4:])
            if target != installed_as:
                name, alias = target, installed_as
        key = first
        resolved = body.get("resolved") if isinstance(body.get("resolved"), str) else None
        deps: list[Edge] = []
        for fld, kind in (("dependencies", "prod"), ("optionalDependencies", "optional")):
            d = body.get(fld)
            if isinstance(d, dict):
                deps.extend(Edge(n, str(s), None, kind) for n, s in d.items())
        packages[key] = Package(
            key=key,
            name=name,
            version=version,
            line=line,
            alias=alias,
            resolved=resolved,
            integrity=body.get("integrity") if isinstance(body.get("integrity"), str) else None,
            source=classify_source(resolved, spec),
            dependencies=tuple(deps),
        )
        for d in descs:
            by_desc[d] = key
    # Second pass: resolve edges through descriptors now that all are known.
    resolved_pkgs: dict[str, Package] = {}
    for key, pkg in packages.items():
        edges = tuple(Edge(e.name, e.spec, by_desc.get(f"{e.name}@{e.spec}"), e.kind) for e in pkg.dependencies)
        resolved_pkgs[key] = _replace_deps(pkg, edges)
    importers = []
    manifests = _importer_manifests(folder)
    ws_names = {m.name for _, m in manifests if m.name}
    for path, m in manifests:
        imp_edges: list[Edge] = []
        for n, s, kind in m.declared():
            found = by_desc.get(f"{n}@{s}")
            if found is None and n in ws_names:
                continue
            imp_edges.append(Edge(n, s, found, kind))
        importers.append(Importer(path, m.name or path or "(root)", tuple(imp_edges)))
    if not importers:
        # No package.json beside the lockfile: every entry is a potential root.
        importers.append(Importer("", "(root)", tuple(Edge(p.alias or p.name, p.version, k, "prod") for k, p in resolved_pkgs.items())))
    _add_peer_edges(resolved_pkgs, importers, _installed_peers(folder, resolved_pkgs))
    return Lockfile(rel, "yarn-v1", "yarn", tuple(importers), resolved_pkgs, tuple(unreadable))


MAX_MANIFEST_BYTES = 1 << 20


def _installed_peers(folder: Path, packages: dict[str, Package]) -> dict[str, dict[str, Any]]:
    """`peerDependencies` of yarn classic packages, read from the installed tree when there is one.

    yarn.lock v1 does not record peers; the package.json of an installed copy does.  A
    copy is used only when its version is the locked one (the hoisted copy may be another
    version), so the peer edges are the published package's own; without node_modules
    nothing is added.  At most one small read per locked package.
    """
    modules = folder / "node_modules"
    if not modules.is_dir():
        return {}
    out: dict[str, dict[str, Any]] = {}
    for key, pkg in packages.items():
        if pkg.source != "registry":
            continue
        path = modules / (pkg.alias or pkg.name) / "package.json"
        try:
            if path.stat().st_size > MAX_MANIFEST_BYTES:
                continue
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("version") == pkg.version and isinstance(data.get("peerDependencies"), dict):
            out[key] = data["peerDependencies"]
    return out


def _replace_deps(pkg: Package, edges: tuple[Edge, ...]) -> Package:
    from dataclasses import replace

    return replace(pkg, dependencies=edges)


def _berry_source(resolution: str) -> str:
    _, proto = _desc_name(resolution)
    proto = unquote(proto)
    if proto.startswith("npm:"):
        return "registry"
    if proto.startswith("patch:"):
        inner = proto[6:].split("#", 1)[0]
        _, inner_proto = _desc_name(inner)
        return "registry" if inner_proto.startswith("npm:") else classify_source(None, inner_proto)
    if proto.startswith("workspace:"):
        return "workspace"
    if proto.startswith(("portal:", "link:")):
        return "link"
    if proto.startswith(("file:", "exec:")):
        return "file"
    return classify_source(None, proto)


def _add_peer_edges(packages: dict[str, Package], importers: list[Importer], peers: dict[str, dict[str, Any]]) -> None:
    """Berry lists `peerDependencies` as ranges; the copy used is the one the dependent provides.

    For each package with peers, every parent (package or workspace) that depends on it
    and also depends on the peer's name supplies a `peer` edge to what it resolved, so
    paths through a peer match what npm, pnpm and bun lockfiles record.
    """
    from dataclasses import replace

    providers: dict[str, list[tuple[Edge, ...]]] = {}
    for pkg in packages.values():
        for e in pkg.dependencies:
            if e.target is not None:
                providers.setdefault(e.target, []).append(pkg.dependencies)
    for imp in importers:
        for e in imp.edges:
            if e.target is not None:
                providers.setdefault(e.target, []).append(imp.edges)
    for key, peer_map in peers.items():
        if key not in packages or not peer_map:
            continue
        added: list[Edge] = []
        for name, rng in peer_map.items():
            targets = sorted({e.target for sibs in providers.get(key, ()) for e in sibs if e.name == name and e.target is not None and e.target != key})
            added.extend(Edge(str(name), str(rng), t, "peer") for t in targets)
        if added:
            packages[key] = replace(packages[key], dependencies=packages[key].dependencies + tuple(added))


def _parse_berry(rel: str, text: str, folder: Path) -> Lockfile:
    import yaml  # imported on use: most projects have no YAML lockfile

    try:
        docs = load_yaml_documents(text)
    except yaml.YAMLError as e:
        raise LockfileError(f"{rel}: invalid YAML: {str(e).splitlines()[0]}") from None
    if not docs or not isinstance(docs[0].data, dict):
        raise LockfileError(f"{rel}: expected a YAML mapping of entries")
    doc = docs[0]
    data: dict[str, Any] = doc.data
    meta = data.get("__metadata")
    if not isinstance(meta, dict):
        raise LockfileError(f"{rel}: missing `__metadata`")
    by_desc: dict[str, str] = {}
    raw: dict[str, tuple[dict[str, Any], int]] = {}
    unreadable: list[Unreadable] = []
    for header, body in data.items():
        if header == "__metadata":
            continue
        if not isinstance(body, dict):
            unreadable.append(Unreadable(str(header), "expected a mapping"))
            continue
        resolution = body.get("resolution")
        if not isinstance(resolution, str):
            unreadable.append(Unreadable(str(header), "no resolution"))
            continue
        raw[resolution] = (body, doc.line("", str(header)))
        for d in str(header).split(","):
            by_desc[d.strip()] = resolution

    def lookup(name: str, spec: str) -> str | None:
        found = by_desc.get(f"{name}@{spec}") or by_desc.get(f"{name}@npm:{spec}")
        if found is None and spec.startswith(("portal:", "link:", "file:", "patch:")):
            # Berry binds these descriptors to the dependent: `shared@portal:../shared::locator=...`.
            prefix = f"{name}@{spec}::"
            found = next((r for d, r in by_desc.items() if d.startswith(prefix)), None)
        return found

    manifests = dict(_importer_manifests(folder))
    packages: dict[str, Package] = {}
    importers: list[Importer] = []
    links: dict[str, str] = {}
    for resolution, (body, line) in raw.items():
        installed_as, proto = _desc_name(resolution)
        source = _berry_source(resolution)
        deps = _obj(body.get("dependencies"))
        if source == "workspace":
            path = unquote(proto[len("workspace:") :])
            path = "" if path in (".", "") else path
            m = manifests.get(path)
            kinds = {n: k for n, _, k in m.declared()} if m else {}
            edges = tuple(Edge(n, str(s), lookup(n, str(s)), kinds.get(n, "prod")) for n, s in deps.items())
            importers.append(Importer(path, installed_as, edges, line))
            links[resolution] = path
            continue
        version = body.get("version")
        if not isinstance(version, (str, int, float)):
            unreadable.append(Unreadable(resolution, "no version"))
            continue
        meta_opt = _obj(body.get("dependenciesMeta"))
        edges_l = []
        for n, s in deps.items():
            kind = "optional" if isinstance(meta_opt.get(n), dict) and meta_opt[n].get("optional") else "prod"
            edges_l.append(Edge(n, str(s), lookup(n, str(s)), kind))
        conditions = str(body.get("conditions") or "")
        os_list = tuple(c.split("=", 1)[1] for c in conditions.split("&") if c.strip().startswith("os="))
        cpu_list = tuple(c.split("=", 1)[1] for c in conditions.split("&") if c.strip().startswith("cpu="))
        checksum = body.get("checksum")
        packages[resolution] = Package(
            key=resolution,
            name=installed_as,
            version=str(version),
            line=line,
            resolved=resolution,
            integrity=str(checksum) if checksum else None,
            source=source,
            os=tuple(s.strip() for s in os_list),
            cpu=tuple(s.strip() for s in cpu_list),
            dependencies=tuple(edges_l),
        )
    # Aliases: the importer asked for `ms-alias` and got `ms@npm:2.1.3`.
    from dataclasses import replace

    _add_peer_edges(packages, importers, {r: _obj(b.get("peerDependencies")) for r, (b, _) in raw.items()})

    for imp in importers:
        for edge in imp.edges:
            t = edge.target
            if t is not None and t in packages and packages[t].name != edge.name and edge.spec.startswith("npm:") and "@" in edge.spec[4:]:
                packages[t] = replace(packages[t], alias=edge.name)
    if not importers:
        importers.append(Importer("", "(root)"))
    importers.sort(key=lambda i: i.path)
    return Lockfile(rel, "yarn-berry", "yarn", tuple(importers), packages, tuple(unreadable), links)
