"""Version overrides a project declares for its dependencies, as NW703 needs them.

A package manager installs an overridden version on purpose: pnpm `overrides`
(`pnpm.overrides` in package.json, `overrides:` in pnpm-workspace.yaml, both
recorded in pnpm-lock.yaml's own `overrides:` section), yarn `resolutions`
(which pnpm and bun read too), and bun `overrides`.  npm refuses an `overrides`
entry for one of the root's own direct dependencies with another spec (EOVERRIDE), but
applies the root's `overrides` to the dependencies workspace packages declare.  With
`"moment": "2.24.0"` declared and `moment: 2.30.1` overridden, pnpm records the
importer's specifier as `2.30.1` and locks 2.30.1: the lockfile agrees with the
project, and calling it out of sync would ask the user to undo a deliberate pin.

Only overrides that apply to a *direct* dependency of that name matter here:
a bare name (`ms`), a name with a version selector (`ms@<2`, applied when the
declared spec is an exact version the selector accepts), yarn's `**/ms`, and
npm's nested `{"ms": {".": "2.1.3"}}`.  Overrides scoped to a parent
(`debug>ms`, `debug/ms`, `{"debug": {"ms": …}}`) change only transitive copies
and never excuse a direct dependency.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nodeward.deps.model import Lockfile
from nodeward.deps.sources.manifest import Manifest

__all__ = ["Override", "direct_overrides", "override_for"]

MAX_OVERRIDES = 10_000
"""More entries than any real project declares: the rest is ignored (bounded work)."""


@dataclass(frozen=True, slots=True)
class Override:
    """One override that applies to a direct dependency."""

    name: str
    selector: str
    """The version selector in `name@selector` (empty for every version)."""
    spec: str
    """The version or range the package manager installs instead."""
    where: str
    """Where it is declared, for the message (`pnpm-lock.yaml overrides`, `package.json resolutions`)."""


def _split_key(key: str) -> tuple[str, str] | None:
    """`ms` -> (`ms`, ``); `ms@<2` -> (`ms`, `<2`); `@scope/x@^1` -> (`@scope/x`, `^1`);
    `**/ms` -> (`ms`, ``); None for a parent-scoped key (`debug>ms`, `debug/ms`)."""
    k = key.strip()
    if k.startswith("**/"):
        k = k[3:]
    if ">" in k:
        return None
    at = k.find("@", 1)
    name, selector = (k[:at], k[at + 1 :]) if at > 0 else (k, "")
    if name.count("/") > (1 if name.startswith("@") else 0):
        return None  # yarn `parent/child` (or `@scope/parent/child`)
    if not name:
        return None
    return name, selector


def _flat(raw: Any, where: str, out: list[Override]) -> None:
    """Overrides of one mapping (npm nesting: a value that is an object holds `.` for the
    package itself and entries for its own dependencies, which are parent-scoped)."""
    if not isinstance(raw, dict):
        return
    for key, value in list(raw.items())[:MAX_OVERRIDES]:
        if not isinstance(key, str):
            continue
        split = _split_key(key)
        if split is None:
            continue
        if isinstance(value, dict):
            value = value.get(".")
        if isinstance(value, str) and value.strip():
            out.append(Override(split[0], split[1], value.strip(), where))


def _workspace_yaml_overrides(folder: Path) -> Any:
    """`overrides:` of pnpm-workspace.yaml (pnpm 10 keeps settings there)."""
    try:
        text = (folder / "pnpm-workspace.yaml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    return data.get("overrides") if isinstance(data, dict) else None


def _npm_style_overrides(manifest: Manifest, found: list[Override]) -> None:
    """package.json `overrides` (npm, bun); `"$name"` points at the root's own declared spec."""
    overrides = manifest.data.get("overrides")
    if isinstance(overrides, dict):
        declared = {n: s for n, s, _ in manifest.declared()}
        resolved = {k: (declared.get(v[1:], v) if isinstance(v, str) and v.startswith("$") else v) for k, v in overrides.items()}
        _flat(resolved, "package.json overrides", found)


def direct_overrides(lock: Lockfile, manifest: Manifest | None, folder: Path, *, workspace: bool = False) -> dict[str, list[Override]]:
    """name -> overrides that may apply to a direct dependency of that name, from the
    lockfile itself and from the project root's package.json and pnpm-workspace.yaml;
    `workspace`: for the dependencies a workspace package (not the root) declares."""
    found: list[Override] = []
    _flat(lock.overrides, f"{lock.path.rsplit('/', 1)[-1]} overrides", found)
    manager = lock.manager
    if manifest is not None and manager == "npm" and workspace:
        # npm applies the root's `overrides` to a workspace package's dependencies; it refuses
        # them (EOVERRIDE) only for the root's own direct dependencies.
        _npm_style_overrides(manifest, found)
    if manifest is not None and manager != "npm":
        # npm reads neither `resolutions` nor `pnpm.overrides`, and refuses (EOVERRIDE) an
        # `overrides` entry for a direct dependency of the root unless it is `$name` or the
        # declared spec itself: nothing in package.json can explain a root dependency npm
        # locked otherwise.
        data = manifest.data
        pnpm = data.get("pnpm")
        if isinstance(pnpm, dict) and manager == "pnpm":
            _flat(pnpm.get("overrides"), "package.json pnpm.overrides", found)
        if manager in ("yarn", "pnpm", "bun"):
            _flat(data.get("resolutions"), "package.json resolutions", found)
        if manager == "bun":
            _npm_style_overrides(manifest, found)
    if lock.manager == "pnpm":
        _flat(_workspace_yaml_overrides(folder), "pnpm-workspace.yaml overrides", found)
    out: dict[str, list[Override]] = {}
    for o in found:
        out.setdefault(o.name, []).append(o)
    return out


def override_for(name: str, declared_spec: str, locked_version: str, overrides: Mapping[str, list[Override]]) -> Override | None:
    """The override that explains `locked_version` for a direct dependency declared as
    `declared_spec`, or None.  A selector (`ms@<2`) applies only when the declared spec
    is an exact version it accepts: a range might or might not be selected, and a
    finding is kept rather than excused on a guess."""
    from nodeward.deps.model import spec_range
    from nodeward.deps.semver import parse_version, satisfies

    for o in overrides.get(name, ()):
        if o.selector:
            exact = parse_version(declared_spec.strip().lstrip("=v"), loose=True)
            if exact is None or not satisfies(str(exact), o.selector, loose=True):
                continue
        rng = spec_range(o.spec)
        if rng is not None and satisfies(locked_version, rng, loose=True):
            return o
    return None
