"""Which sibling packages a workspace links in place of a registry download (NW707).

In an npm, yarn or bun workspace (a root package.json with `workspaces`),
`"@acme/core": "*"` in a member names the sibling `@acme/core` of the same
workspace: the package manager links the local folder, so `*` accepts exactly
the code in the repository, not "any future release".  pnpm links a sibling for
a plain range only with `link-workspace-packages` (`linkWorkspacePackages:
true` in pnpm-workspace.yaml or `link-workspace-packages=true` in .npmrc);
without it (the default since pnpm 9) `*` is resolved from the registry, and
stays reported, as `workspace:*` is the way to say "the sibling".

This is only known when the workspace root is inside the scan: a member
published on its own (its tarball has no root) installs `*` from the registry
for everyone who depends on it, and is reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from nodeward.deps.sources.manifest import Manifest, read_manifest, workspace_folders

__all__ = ["linked_siblings"]


def _folder(rel: str) -> str:
    return rel.rsplit("/", 1)[0] if "/" in rel else ""


def _pnpm_workspace(folder: Path) -> list[str] | None:
    """The `packages` globs of a pnpm-workspace.yaml that links siblings for plain ranges,
    or None (no file, unreadable, or siblings resolved from the registry)."""
    try:
        text = (folder / "pnpm-workspace.yaml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    import yaml

    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    if not isinstance(data, dict):
        return None
    linked = data.get("linkWorkspacePackages") in (True, "deep")
    if not linked:
        try:
            npmrc = (folder / ".npmrc").read_text(encoding="utf-8", errors="replace")
        except OSError:
            npmrc = ""
        linked = any(
            ln.replace(" ", "").lower() in ("link-workspace-packages=true", "link-workspace-packages=deep")
            for ln in npmrc.splitlines()
        )
    packages = data.get("packages")
    if not linked or not isinstance(packages, list):
        return None
    return [p for p in packages if isinstance(p, str)]


def linked_siblings(root: Path, manifests: Iterable[tuple[str, Manifest]]) -> dict[str, frozenset[str]]:
    """package.json path (relative to the scan root) -> names of the other packages of
    its workspace that its package manager links locally for a plain range."""
    by_rel = dict(manifests)
    out: dict[str, set[str]] = {}
    for rel, m in by_rel.items():
        folder = _folder(rel)
        base = root / folder if folder else root
        members = workspace_folders(base, m)
        if not members:
            globs = _pnpm_workspace(base)
            if globs:
                members = workspace_folders(base, Manifest(m.path, {"workspaces": globs}))
        if not members:
            continue
        group: dict[str, str] = {rel: m.name}
        for member in members:
            mrel = f"{folder}/{member}/package.json".lstrip("/") if folder else f"{member}/package.json"
            mm = by_rel.get(mrel) or read_manifest(base / member)
            if mm is not None and mm.name:
                group[mrel] = mm.name
        names = {n for n in group.values() if n}
        for mrel, own in group.items():
            out.setdefault(mrel, set()).update(names - {own})
    return {rel: frozenset(names) for rel, names in out.items()}
