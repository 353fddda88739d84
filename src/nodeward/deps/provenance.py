"""Which version of a locked package can honestly be matched against advisories.

Advisories speak of registry releases.  A registry package is matched by its
locked version.  Packages from elsewhere are matched only when the version is
known rather than guessed:

- a registry tarball URL (`https://registry.npmjs.org/x/-/x-1.2.3.tgz`, any
  registry's `<name>/-/<basename>-<version>.tgz` layout) *is* that release, so
  its version comes from the URL when the lockfile records only the URL (npm v1);
- a git, tarball-URL or `file:` tarball dependency whose lockfile records the
  `version` from the package's own package.json (npm v2/v3, yarn, pnpm) is
  matched by that version, and the finding says where the version came from and
  carries medium confidence: the code at that commit or in that tarball may
  differ from the release with the same number;
- anything else (npm v1's `version: "git+ssh://...#sha"`, a `file:` folder,
  bun's unversioned git entries) cannot be audited, and NW704 says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from nodeward.deps.model import Package
from nodeward.deps.semver import parse_version

__all__ = ["AuditVersion", "audit_version", "git_commit", "registry_tarball_version"]

_TARBALL_SUFFIXES = (".tgz", ".tar.gz", ".tar")


@dataclass(frozen=True, slots=True)
class AuditVersion:
    version: str | None
    """The version to match advisories against, or None when it cannot be known."""
    source: str = ""
    """Where a non-registry version was read from (shown on findings); empty for registry releases."""


def registry_tarball_version(name: str, url: str | None) -> str | None:
    """The version in a registry tarball URL for package `name`, or None when the URL is
    not one (`.../lodash/-/lodash-4.17.20.tgz` -> `4.17.20`; scoped packages
    publish `.../@scope/pkg/-/pkg-1.0.0.tgz`)."""
    if not url:
        return None
    path = unquote(urlsplit(url.split("#", 1)[0]).path)
    head, sep, file = path.rpartition("/-/")
    if not sep or "/" in file:
        return None
    base = name.rsplit("/", 1)[-1]
    if not head.endswith("/" + name) and not head.endswith("/" + name.replace("/", "%2f")):
        return None
    if not file.startswith(base + "-") or not file.endswith(".tgz"):
        return None
    version = file[len(base) + 1 : -len(".tgz")]
    return version if parse_version(version) is not None else None


def git_commit(pkg: Package) -> str:
    """The commit a git package is locked to (`#<sha>` or yarn Berry's `#commit=<sha>`), or ""."""
    for text in (pkg.resolved or "", pkg.key):
        frag = text.rsplit("#", 1)[-1] if "#" in text else ""
        frag = frag.split("commit=", 1)[-1].split("&", 1)[0]
        if 7 <= len(frag) <= 64 and all(c in "0123456789abcdef" for c in frag.lower()):
            return frag
    return ""


def _is_tarball(pkg: Package) -> bool:
    text = (pkg.resolved or pkg.key).split("#", 1)[0].split("::", 1)[0].lower()
    return text.endswith(_TARBALL_SUFFIXES)


def audit_version(pkg: Package) -> AuditVersion:
    """The version advisories can be matched against for `pkg`, and where it came from."""
    if pkg.source == "registry":
        if parse_version(pkg.version) is not None or parse_version(pkg.version, loose=True) is not None:
            return AuditVersion(pkg.version)
        return AuditVersion(registry_tarball_version(pkg.name, pkg.resolved or pkg.version))
    if pkg.source not in ("git", "url", "file") or parse_version(pkg.version) is None:
        return AuditVersion(None)
    if pkg.source == "git":
        commit = git_commit(pkg)
        return AuditVersion(pkg.version, f"its package.json at git commit {commit[:12]}" if commit else "its package.json in a git checkout")
    if pkg.source == "url":
        return AuditVersion(pkg.version, "its package.json inside a tarball downloaded from a URL")
    if _is_tarball(pkg):
        return AuditVersion(pkg.version, "its package.json inside a local tarball")
    return AuditVersion(None)
