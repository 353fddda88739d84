"""The normalised dependency graph every lockfile parser produces.

One shape for npm, yarn, pnpm and bun: importers (the root project and its
workspaces) declare dependencies; packages are nodes keyed by a parser-chosen id
that is unique within the lockfile (an install path for npm and bun, a
`name@version(peers)` id for pnpm, a resolution for yarn); edges carry the range
that asked for them so fix advice can tell whether an update suffices.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["Edge", "Importer", "Lockfile", "Package", "Unreadable", "classify_source", "spec_range"]


@dataclass(frozen=True, slots=True)
class Edge:
    """A dependency from an importer or package to a package in the graph."""

    name: str
    """The name it is required by (an alias when aliased)."""
    spec: str
    """The declared range or specifier (`^1.2.3`, `npm:ms@2.1.3`, `workspace:*`)."""
    target: str | None
    """Key of the package it resolved to; None when the lockfile has no entry for it."""
    kind: str = "prod"
    """prod, dev, optional or peer."""


@dataclass(frozen=True, slots=True)
class Package:
    key: str
    name: str
    """The real package name (the alias target for `npm:` aliases)."""
    version: str
    line: int = 1
    """1-based line of the entry in the lockfile (SARIF points here)."""
    alias: str | None = None
    resolved: str | None = None
    integrity: str | None = None
    source: str = "registry"
    """registry, git, url, file, link or workspace."""
    dev: bool = False
    optional: bool = False
    peer: bool = False
    bundled: bool = False
    os: tuple[str, ...] = ()
    cpu: tuple[str, ...] = ()
    install_script: bool = False
    dependencies: tuple[Edge, ...] = ()


@dataclass(frozen=True, slots=True)
class Importer:
    """The root project or one workspace."""

    path: str
    """Folder relative to the lockfile's folder; `""` for the root."""
    name: str
    edges: tuple[Edge, ...] = ()
    line: int = 1


@dataclass(frozen=True, slots=True)
class Unreadable:
    entry: str
    reason: str


@dataclass(frozen=True, slots=True)
class Lockfile:
    path: str
    """POSIX path relative to the scan root."""
    format: str
    """npm-v1, npm-v2, npm-v3, yarn-v1, yarn-berry, pnpm-5.4, pnpm-6.0, pnpm-9.0, bun."""
    manager: str
    """npm, yarn, pnpm or bun: decides the fix-advice commands."""
    importers: tuple[Importer, ...]
    packages: Mapping[str, Package]
    unreadable: tuple[Unreadable, ...] = ()
    importer_links: Mapping[str, str] = field(default_factory=dict)
    """Package key -> importer path, for workspace links that appear as packages (npm)."""
    overrides: Mapping[str, str] = field(default_factory=dict)
    """Overrides the lockfile itself records (pnpm-lock.yaml's `overrides:` section), selector -> spec."""

    @property
    def folder(self) -> str:
        return self.path.rsplit("/", 1)[0] if "/" in self.path else ""


_GIT_PREFIXES = ("git+", "git:", "git@", "github:", "gitlab:", "bitbucket:", "gist:")


def classify_source(resolved: str | None, spec: str = "") -> str:
    """Where a package came from, from its `resolved` URL or its specifier."""
    for text in (resolved or "", spec):
        t = text.strip()
        if not t:
            continue
        low = t.lower()
        if low.startswith(_GIT_PREFIXES) or "codeload.github.com" in low or low.endswith(".git") or ".git#" in low or "#commit=" in low:
            return "git"
        if low.startswith(("file:", "./", "../", "/")) and not low.startswith("//"):
            return "file"
        if low.startswith(("link:", "portal:")):
            return "link"
        if low.startswith("workspace:"):
            return "workspace"
        if low.startswith(("http://", "https://")):
            return "registry" if _registry_tarball_url(low) else "url"
    return "registry"


def _registry_tarball_url(url: str) -> bool:
    """Registry tarballs live at `<registry>/<name>/-/<basename>-<version>.tgz` (npm, yarn's
    mirror, Verdaccio, Artifactory, Nexus) or GitHub Packages' `/download/@owner/pkg/<version>/`.

    GitLab's `/-/archive/<ref>/x.tar.gz` source archives also contain `/-/`; they are URLs.
    """
    from urllib.parse import urlsplit

    parts = urlsplit(url.split("#", 1)[0])
    _head, sep, file = parts.path.rpartition("/-/")
    if sep and "/" not in file and file.endswith(".tgz"):
        return True
    return parts.hostname == "npm.pkg.github.com" and parts.path.startswith("/download/")


def spec_range(spec: str) -> str | None:
    """The semver range inside a declared spec, or None when it is not a registry range.

    `^1.2.0` -> `^1.2.0`; npm alias `npm:ms@^2.1.0` -> `^2.1.0`; Berry's
    `npm:2.6.8` (same package, explicit protocol) -> `2.6.8`; an alias without a
    range (`npm:ms`) -> `*`; git, file, workspace and tag specs -> None.
    """
    from nodeward.deps.semver import valid_range

    s = spec.strip()
    if s.startswith("npm:"):
        body = s[4:]
        at = body.rfind("@")
        if at > 0:
            return body[at + 1 :] or "*"
        if valid_range(body) is not None and not body.startswith("@"):
            return body
        return "*"
    if classify_source(None, s) != "registry" or "/" in s or ":" in s:
        return None
    return s if valid_range(s, loose=True) is not None else None
