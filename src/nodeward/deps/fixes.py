"""Fix advice: the smallest fixed version, and the command or snippet that gets it installed.

The question users ask is not "what is fixed" but "what do I type": if every
range on the way to the package already admits the fixed version, an update
command suffices; otherwise the project's package manager needs an override
(npm `overrides`, yarn `resolutions`, pnpm `pnpm.overrides`, bun `overrides`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from nodeward.deps.graph import DependencyPath
from nodeward.deps.model import spec_range
from nodeward.deps.semver import parse_version, satisfies

__all__ = ["FixAdvice", "fix_advice"]

_UPDATE = {
    "npm": "npm update {name}",
    "yarn-v1": "yarn upgrade {name}",
    "yarn": "yarn up -R {name}",
    "pnpm": "pnpm update --depth Infinity {name}",
    "bun": "bun update {name}",
}
_INSTALL = {
    "npm": "npm install {flags}{spec}",
    "yarn-v1": "yarn add {flags}{spec}",
    "yarn": "yarn add {flags}{spec}",
    "pnpm": "pnpm add {flags}{spec}",
    "bun": "bun add {flags}{spec}",
}
_KIND_FLAG = {
    # Without the flag yarn 1 moves a devDependency into dependencies; the others
    # keep the existing field, but saying it costs nothing and reads unambiguously.
    "dev": {"npm": "-D", "yarn-v1": "-D", "yarn": "-D", "pnpm": "-D", "bun": "--dev"},
    "optional": {"npm": "-O", "yarn-v1": "-O", "yarn": "-O", "pnpm": "-O", "bun": "--optional"},
}
_ROOT_FLAG = {
    # Both refuse to add to a workspace root ("...might not be what you want") without it.
    "yarn-v1": "-W",
    "pnpm": "-w",
}


def _install_flags(manager: str, kinds: set[str], at_workspace_root: bool) -> str:
    """Flags that keep the dependency in its field and let the root install run."""
    flags = []
    if at_workspace_root and manager in _ROOT_FLAG:
        flags.append(_ROOT_FLAG[manager])
    if len(kinds) == 1:
        kind = next(iter(kinds))
        flag = _KIND_FLAG.get(kind, {}).get(manager)
        if flag:
            flags.append(flag)
    return "".join(f + " " for f in flags)


def _in_workspace(manager: str, cmd: str, folder: str, name: str) -> str:
    """The install command scoped to one workspace, in each manager's own syntax."""
    verb = cmd.split(" ", 1)[1]
    if manager == "npm":
        return f"{cmd} -w {folder}"
    if manager in ("yarn", "yarn-v1"):
        return f"yarn workspace {name} {verb}"
    if manager == "pnpm":
        return f"pnpm --filter {name} {verb}"
    return f"(cd {folder} && {cmd})"


class FixAdvice:
    __slots__ = ("minimal", "text")

    def __init__(self, minimal: str | None, text: str) -> None:
        self.minimal = minimal
        self.text = text


def _spec_range(spec: str) -> str:
    """The range a spec admits; specs that are not ranges (git, tags) admit nothing known."""
    return spec_range(spec) or "<0.0.0-0"


def _override_snippet(manager: str, name: str, target: str) -> str:
    body: dict[str, dict[str, str] | dict[str, dict[str, str]]]
    if manager == "yarn" or manager == "yarn-v1":
        body = {"resolutions": {name: target}}
    elif manager == "pnpm":
        body = {"pnpm": {"overrides": {name: target}}}
    else:
        body = {"overrides": {name: target}}
    return json.dumps(body)


def fix_advice(
    manager: str,
    name: str,
    installed_as: str | None,
    version: str,
    fixed: Sequence[str],
    paths: Sequence[DependencyPath],
    direct: bool,
    malicious: bool = False,
    workspaces: bool = False,
    folder: str = "",
    nested_ranges_known: bool = True,
) -> FixAdvice:
    """`manager` is npm, yarn-v1, yarn (Berry), pnpm or bun; `workspaces` when the lockfile has
    several importers; `folder` is the lockfile's folder from the scan root (commands run there);
    `nested_ranges_known` is False for pnpm, whose lockfile records the resolved version of a
    package's dependencies but not the range the package declares."""

    def at(cmd: str) -> str:
        # A monorepo scanned from its root: the command must run beside the lockfile.
        return f"cd {folder} && {cmd}" if folder else cmd

    if malicious:
        return FixAdvice(
            fixed[0] if fixed else None,
            f"Remove `{name}@{version}` (or move to a clean version) and treat every machine that installed it as compromised: rotate its secrets.",
        )
    current = parse_version(version, loose=True)
    minimal = None
    for f in fixed:
        fv = parse_version(f, loose=True)
        if fv is not None and (current is None or fv > current):
            minimal = f
            break
    if minimal is None:
        return FixAdvice(None, f"No fixed version of `{name}` is published: remove it, replace it, or ignore the advisory with a reason and an expiry date.")
    target = f"^{minimal}"
    as_name = installed_as or name
    update = _UPDATE.get(manager, _UPDATE["npm"])
    if workspaces and manager == "pnpm":
        update = "pnpm -r update --depth Infinity {name}"  # without -r only the root project updates
    nested = [p for p in paths if len(p.steps) > 2]
    nested_ok = all(satisfies(minimal, _spec_range(p.last_spec)) for p in nested)
    override = ""
    if nested and not nested_ranges_known:
        # Unknown ranges: the update may or may not reach the fix; say both steps.
        parents = sorted({p.steps[-2] for p in nested})
        shown = ", ".join(parents[:3]) + (f" and {len(parents) - 3} more" if len(parents) > 3 else "")
        manifest = f"{folder}/package.json" if folder else "package.json"
        where = manifest if manager != "pnpm" else f"{manifest} (or `overrides:` in pnpm-workspace.yaml)"
        override = (
            f"`{at(update.format(name=name))}` if the range{'s' if len(parents) > 1 else ''} of {shown} admit{'' if len(parents) > 1 else 's'} {minimal} "
            f"(the lockfile records resolved versions, not ranges); otherwise upgrade {shown}, "
            f"or force {minimal} in {where}:\n{_override_snippet(manager, name, target)}"
        )
    elif nested and not nested_ok:
        parents = sorted({p.steps[-2] for p in nested if not satisfies(minimal, _spec_range(p.last_spec))})
        shown = ", ".join(parents[:3]) + (f" and {len(parents) - 3} more" if len(parents) > 3 else "")
        manifest = f"{folder}/package.json" if folder else "package.json"
        where = manifest if manager != "pnpm" else f"{manifest} (or `overrides:` in pnpm-workspace.yaml)"
        override = (
            f"upgrade {shown} (which pin{'s' if len(parents) == 1 else ''} an older range), "
            f"or force {minimal} in {where}:\n{_override_snippet(manager, name, target)}"
        )
    if direct:
        direct_paths = [p for p in paths if len(p.steps) == 2]
        direct_specs = [p.first_edge.spec for p in direct_paths]
        if direct_specs and all(satisfies(minimal, _spec_range(s)) for s in direct_specs):
            head = f"`{at(update.format(name=as_name))}` (the declared range already admits {minimal})"
        else:
            spec = f"{as_name}@npm:{name}@{target}" if installed_as else f"{name}@{target}"
            members = sorted({(p.importer, p.steps[0]) for p in direct_paths if p.importer})
            only_members = bool(members) and len(members) == len({p.importer for p in direct_paths})
            kinds = {p.first_edge.kind for p in direct_paths}
            flags = _install_flags(manager, kinds, workspaces and not only_members)
            cmd = _INSTALL.get(manager, _INSTALL["npm"]).format(flags=flags, spec=spec)
            if only_members:
                # Declared only by workspaces: the install has to run in each of them.
                cmd = " ; ".join(_in_workspace(manager, cmd, folder, ws_name) for folder, ws_name in members)
            head = f"`{at(cmd)}` (upgrade to {minimal} or later)"
        return FixAdvice(minimal, f"{head}; also, {override}" if override else head)
    if not override:
        return FixAdvice(minimal, f"`{at(update.format(name=name))}` (every dependent's range already admits {minimal})")
    return FixAdvice(minimal, override[0].upper() + override[1:])
