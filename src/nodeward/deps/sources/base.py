"""Find and dispatch lockfiles; every error names the file it is about."""

from __future__ import annotations

import json
from pathlib import Path

from nodeward.deps.model import Lockfile
from nodeward.deps.sources.bun_lock import parse_bun_lock
from nodeward.deps.sources.manifest import read_manifest
from nodeward.deps.sources.npm_lock import parse_npm_lock
from nodeward.deps.sources.pnpm_lock import parse_pnpm_lock
from nodeward.deps.sources.yarn_lock import parse_yarn_lock
from nodeward.errors import LockfileError

__all__ = ["LOCKFILE_NAMES", "MAX_LOCKFILE_BYTES", "load_lockfile"]

LOCKFILE_NAMES = ("npm-shrinkwrap.json", "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock", "bun.lockb")
"""In npm's precedence order: a shrinkwrap wins over package-lock.json in the same folder."""
MAX_LOCKFILE_BYTES = 256 * 1024 * 1024


def _name_importers(lock: Lockfile, folder: Path) -> Lockfile:
    """pnpm records importers by folder only; their package.json names read better in paths."""
    from dataclasses import replace

    importers = []
    for imp in lock.importers:
        m = read_manifest(folder / imp.path if imp.path else folder)
        importers.append(replace(imp, name=m.name) if m is not None and m.name else imp)
    return replace(lock, importers=tuple(importers))


def load_lockfile(root: Path, rel: str) -> Lockfile:
    """Parse `root/rel`; raises LockfileError("<rel>: ...") for anything unusable."""
    path = root / rel
    name = path.name
    if name == "bun.lockb":
        raise LockfileError(
            f"{rel}: binary lockfile not supported, run `bun install --save-text-lockfile` to write bun.lock"
        )
    try:
        size = path.stat().st_size
        if size > MAX_LOCKFILE_BYTES:
            raise LockfileError(f"{rel}: larger than {MAX_LOCKFILE_BYTES // (1024 * 1024)} MB")
        raw = path.read_bytes()
    except OSError as e:
        raise LockfileError(f"{rel}: cannot read: {e.strerror or e}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LockfileError(f"{rel}: not UTF-8 text") from None
    if not text.strip():
        raise LockfileError(f"{rel}: empty file")
    if name in ("package-lock.json", "npm-shrinkwrap.json"):
        try:
            data = json.loads(text)
        except ValueError as e:
            raise LockfileError(f"{rel}: invalid JSON (truncated or corrupt?): {e}") from None
        # Only v1 needs package.json (its roots are not in the lockfile).
        needs_manifest = not (isinstance(data, dict) and data.get("lockfileVersion") in (2, 3))
        return parse_npm_lock(rel, data, text, read_manifest(path.parent) if needs_manifest else None)
    if name == "yarn.lock":
        return parse_yarn_lock(rel, text, path.parent)
    if name == "pnpm-lock.yaml":
        return _name_importers(parse_pnpm_lock(rel, text), path.parent)
    if name == "bun.lock":
        return parse_bun_lock(rel, text)
    raise LockfileError(f"{rel}: not a lockfile nodeward knows ({', '.join(LOCKFILE_NAMES)})")
