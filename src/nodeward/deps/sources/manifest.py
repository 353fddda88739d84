"""package.json reading shared by the parsers that need it (yarn classic, npm v1) and hygiene."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["DEP_FIELDS", "Manifest", "read_manifest", "workspace_folders"]

DEP_FIELDS = (
    ("dependencies", "prod"),
    ("devDependencies", "dev"),
    ("optionalDependencies", "optional"),
)
MAX_WORKSPACES = 5000


@dataclass(frozen=True, slots=True)
class Manifest:
    path: Path
    data: dict[str, Any]
    text: str = ""
    lines: dict[tuple[str, ...], int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        n = self.data.get("name")
        return n if isinstance(n, str) else ""

    def declared(self) -> list[tuple[str, str, str]]:
        """(name, spec, kind) for every declared dependency; optional wins over prod like npm."""
        out: dict[str, tuple[str, str, str]] = {}
        for fld, kind in DEP_FIELDS:
            deps = self.data.get(fld)
            if not isinstance(deps, dict):
                continue
            for name, spec in deps.items():
                if isinstance(name, str) and isinstance(spec, str):
                    out[name] = (name, spec, kind)
        return list(out.values())

    def line_of(self, field_name: str, dep: str) -> int:
        return self.lines.get((field_name, dep), 1)


def read_manifest(folder: Path) -> Manifest | None:
    """The folder's package.json, or None when missing or not a JSON object."""
    from nodeward.deps.sources.jsonlines import key_lines

    path = folder / "package.json"
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    return Manifest(path, data, text, key_lines(text))


def manifest_problem(folder: Path) -> str:
    """Why `read_manifest(folder)` gave None, in the user's terms."""
    path = folder / "package.json"
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return "not UTF-8 text"
    except OSError as e:
        return f"cannot read: {e.strerror or e}"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        return f"invalid JSON at line {e.lineno}, column {e.colno}: {e.msg}"
    return "not a JSON object" if not isinstance(data, dict) else "unreadable"


def workspace_folders(root: Path, manifest: Manifest) -> list[str]:
    """Workspace folders (relative POSIX paths) named by `workspaces` globs, sorted."""
    ws = manifest.data.get("workspaces")
    if isinstance(ws, dict):
        ws = ws.get("packages")
    if not isinstance(ws, list):
        return []
    found: set[str] = set()
    for pattern in ws:
        if not isinstance(pattern, str) or pattern.startswith("!") or ".." in pattern:
            continue
        for p in root.glob(pattern.rstrip("/")):
            if len(found) >= MAX_WORKSPACES:
                break
            if (p / "package.json").is_file() and "node_modules" not in p.parts:
                found.add(p.relative_to(root).as_posix())
    return sorted(found)
