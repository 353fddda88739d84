"""Module resolution: require/import specifiers to project files or npm packages.

Relative paths with or without extensions (and `.js` written for a `.ts`
file), `index.*` folders, workspace packages by their package.json `name`
(`main`/`exports`), and TypeScript `paths`/`baseUrl` from tsconfig.json.  What
does not resolve to a project file is an npm package (recorded by name) or a
Node.js built-in.
"""

from __future__ import annotations

import json
import logging
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["BUILTINS", "Resolver", "load_jsonc", "package_name"]

logger = logging.getLogger(__name__)

EXTENSIONS = (".js", ".ts", ".tsx", ".mjs", ".cjs", ".jsx", ".mts", ".cts")
BUILTINS = frozenset(
    "assert async_hooks buffer child_process cluster console constants crypto dgram diagnostics_channel dns "
    "domain events fs http http2 https inspector module net os path perf_hooks process punycode querystring "
    "readline repl stream string_decoder sys timers tls trace_events tty url util v8 vm wasi worker_threads zlib "
    "test".split()
)
_JSONC_COMMENTS = re.compile(r'("(?:\\.|[^"\\])*")|//[^\n]*|/\*.*?\*/', re.S)
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


def package_name(spec: str) -> str:
    """`lodash/merge` -> `lodash`; `@scope/pkg/sub` -> `@scope/pkg`; `node:fs` -> `fs`."""
    if spec.startswith("node:"):
        spec = spec[5:]
    parts = spec.split("/")
    if spec.startswith("@") and len(parts) > 1:
        return "/".join(parts[:2])
    return parts[0]


def load_jsonc(path: Path) -> dict[str, object] | None:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    text = _JSONC_COMMENTS.sub(lambda m: m.group(1) or "", text)
    text = _TRAILING_COMMA.sub(r"\1", text)
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _export_target(exports: object) -> str | None:
    """The file a package.json `exports` maps "." to (require/import/default conditions)."""
    if isinstance(exports, str):
        return exports
    if isinstance(exports, dict):
        for key in (".", "require", "import", "node", "default"):
            if key in exports:
                found = _export_target(exports[key])
                if found:
                    return found
    return None


@dataclass
class Resolver:
    """Resolves specifiers for one project (memoised per importing folder)."""
    root: Path
    files: frozenset[str]
    """Every JS/TS file of the project (relative POSIX paths)."""
    workspaces: dict[str, str] = field(default_factory=dict)
    """package name -> folder (relative) for packages inside the scanned tree."""
    aliases: list[tuple[str, list[str]]] = field(default_factory=list)
    """tsconfig `paths` patterns (with `*`) -> replacement folders relative to the root."""
    _cache: dict[tuple[str, str], str | None] = field(default_factory=dict)

    @classmethod
    def for_project(cls, root: Path, files: Iterable[str], manifests: Iterable[str]) -> Resolver:
        """A resolver knowing the project's files, workspace packages and tsconfig paths."""
        r = cls(root, frozenset(files))
        for rel in manifests:
            name = rel.rsplit("/", 1)[-1]
            folder = posixpath.dirname(rel)
            if "node_modules/" in rel or rel.startswith("node_modules"):
                continue  # installed packages stay npm packages (reachability is per package)
            data = load_jsonc(root / rel)
            if data is None:
                continue
            if name == "package.json" and isinstance(data.get("name"), str) and folder:
                r.workspaces[str(data["name"])] = folder
            elif name.startswith("tsconfig") and name.endswith(".json"):
                opts = data.get("compilerOptions")
                if not isinstance(opts, dict):
                    continue
                base = posixpath.normpath(posixpath.join(folder, str(opts.get("baseUrl", ".")))).lstrip("./") if opts.get("baseUrl") or opts.get("paths") else None
                paths = opts.get("paths")
                if base is None:
                    continue
                if base == ".":
                    base = ""
                if isinstance(paths, dict):
                    for pattern, targets in paths.items():
                        if isinstance(targets, list):
                            r.aliases.append((str(pattern), [posixpath.normpath(posixpath.join(base, str(t))) for t in targets]))
                r.aliases.append(("*", [posixpath.join(base, "*") if base else "*"]))
        return r

    def _file(self, base: str) -> str | None:
        base = posixpath.normpath(base)
        if base.startswith("../"):
            return None
        if base in self.files:
            return base
        stem, ext = posixpath.splitext(base)
        if ext in (".js", ".mjs", ".cjs", ".jsx"):
            for alt in (".ts", ".tsx", ".mts", ".cts"):
                if stem + alt in self.files:
                    return stem + alt
        for e in EXTENSIONS:
            if base + e in self.files:
                return base + e
        manifest = self.root / base / "package.json"
        if manifest.is_file():
            data = load_jsonc(manifest)
            if data is not None:
                target = _export_target(data.get("exports")) or data.get("main")
                if isinstance(target, str):
                    found = self._file(posixpath.join(base, target))
                    if found is not None:
                        return found
        for e in EXTENSIONS:
            cand = posixpath.join(base, "index" + e) if base not in ("", ".") else "index" + e
            if cand in self.files:
                return cand
        return None

    def resolve(self, spec: str, importer: str) -> str | None:
        """The project file `spec` names when imported from `importer`, or None."""
        # A package name resolves the same way from every folder (workspaces and tsconfig paths
        # are project-wide): one cache entry per name, not one per importing folder.
        relative = spec.startswith((".", "/"))
        key = (spec, posixpath.dirname(importer) if relative else "")
        if key in self._cache:
            return self._cache[key]
        found: str | None = None
        if relative:
            base = posixpath.join(posixpath.dirname(importer), spec) if spec.startswith(".") else spec.lstrip("/")
            found = self._file(base)
        else:
            name = package_name(spec)
            if name in self.workspaces:
                sub = spec[len(name) :].lstrip("/")
                found = self._file(posixpath.join(self.workspaces[name], sub) if sub else self.workspaces[name])
            if found is None:
                for pattern, targets in self.aliases:
                    if pattern == "*" and (name in BUILTINS or spec.startswith("node:")):
                        continue
                    prefix, star, suffix = pattern.partition("*")
                    if star and spec.startswith(prefix) and spec.endswith(suffix) and len(spec) >= len(prefix) + len(suffix):
                        middle = spec[len(prefix) : len(spec) - len(suffix)]
                        for t in targets:
                            found = self._file(t.replace("*", middle, 1))
                            if found:
                                break
                    elif not star and spec == pattern:
                        for t in targets:
                            found = self._file(t)
                            if found:
                                break
                    if found:
                        break
        self._cache[key] = found
        return found
