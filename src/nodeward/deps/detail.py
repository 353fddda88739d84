"""The typed data a dependency finding carries, and how it flattens for each reporter."""

from __future__ import annotations

from dataclasses import dataclass

from nodeward.model import FindingDetail, JSONValue, Severity

__all__ = ["DependencyDetail", "PackageDetail", "collapse_paths"]

SHOWN_PATHS = 3


def collapse_paths(paths: tuple[str, ...], total: int, shown: int = SHOWN_PATHS, truncated: bool = False) -> list[str]:
    """The first few paths and a `... and N more` line, so a hub package stays readable."""
    lines = list(paths[:shown])
    rest = max(total, len(paths)) - len(lines)
    plus = "+" if truncated else ""
    if rest > 0 or truncated:
        lines.append(f"... and {rest}{plus} more path{'s' if rest != 1 or plus else ''}")
    return lines


@dataclass(frozen=True, slots=True)
class DependencyDetail(FindingDetail):
    """A package@version matched by one advisory (NW701, NW709)."""

    package: str
    version: str
    advisory_id: str
    aliases: tuple[str, ...]
    fixed_versions: tuple[str, ...]
    dependency_paths: tuple[str, ...]
    dev: bool
    direct: bool
    lockfile: str
    summary: str = ""
    url: str = ""
    paths_total: int = 0
    paths_truncated: bool = False
    """The path search hit its budget: there are more paths than counted."""
    cvss_score: float | None = None
    """CVSS v3.x base score."""
    cvss_vector: str = ""
    advisory_source: str = ""
    installed_as: str | None = None
    reachable: bool | None = None
    """Imported by the application (itself or the direct dependency that pulls it in);
    None when no module graph was available."""
    imported_by: tuple[str, ...] = ()
    minimal_fix: str | None = None
    fix_command: str = ""
    severity_note: str = ""
    workspaces: tuple[str, ...] = ()
    """Folders (relative to the scan root, `.` for the root) of the root project and
    workspaces that reach the package; `path` in an ignore can name one."""
    cvss4_score: float | None = None
    """CVSS 4.0 score."""
    cvss4_vector: str = ""
    version_source: str = ""
    """Where the matched version came from when the package is not a registry release
    (a git commit's or a tarball's package.json); empty for registry packages."""

    def json_fields(self) -> dict[str, JSONValue]:
        return {
            "package": self.package,
            "version": self.version,
            "advisory_id": self.advisory_id,
            "aliases": list(self.aliases),
            "fixed_versions": list(self.fixed_versions),
            "dependency_paths": list(self.dependency_paths),
            "workspaces": list(self.workspaces),
            "dev": self.dev,
            "direct": self.direct,
            "lockfile": self.lockfile,
            "paths_total": max(self.paths_total, len(self.dependency_paths)),
            "paths_truncated": self.paths_truncated,
            "summary": self.summary,
            "advisory_url": self.url,
            "cvss_score": self.cvss_score,
            "cvss_vector": self.cvss_vector,
            "cvss_v4_score": self.cvss4_score,
            "cvss_v4_vector": self.cvss4_vector,
            "advisory_source": self.advisory_source,
            "installed_as": self.installed_as,
            "reachable": self.reachable,
            "imported_by": list(self.imported_by),
            "minimal_fix": self.minimal_fix,
            "fix_command": self.fix_command,
            "version_source": self.version_source or None,
        }

    def text_lines(self) -> tuple[str, ...]:
        kind = "direct" if self.direct else "transitive"
        scope = "dev-only" if self.dev else "production"
        lines = [f"{self.package}@{self.version} ({kind}, {scope}) in {self.lockfile}"]
        if self.aliases:
            lines.append("aliases: " + ", ".join(self.aliases))
        if self.version_source:
            lines.append(f"version {self.version} read from {self.version_source}")
        scores = self._cvss_text()
        if scores:
            lines.append("cvss: " + scores)
        lines.append("fixed in: " + (", ".join(self.fixed_versions) if self.fixed_versions else "no fixed version published"))
        lines.extend(f"path: {p}" for p in collapse_paths(self.dependency_paths, self.paths_total, truncated=self.paths_truncated))
        if self.reachable is True:
            lines.append("imported by: " + ", ".join(self.imported_by[:5]) + (" ..." if len(self.imported_by) > 5 else ""))
        elif self.reachable is False:
            lines.append("not imported by the application's own code")
        if self.severity_note:
            lines.append(self.severity_note)
        return tuple(lines)

    def _cvss_text(self) -> str:
        parts = []
        for score, vector in ((self.cvss4_score, self.cvss4_vector), (self.cvss_score, self.cvss_vector)):
            if score is not None:
                parts.append(f"{score:.1f} ({vector})")
        return "; ".join(parts)

    def security_severity(self, severity: Severity) -> str | None:
        """The advisory's CVSS score (4.0 first, then 3.x) when its rating is the
        finding's severity, so GitHub buckets the alert where the report does; None
        (the severity's default number) when no score agrees, e.g. after a GHSA label
        overrode the score or the dev-only drop lowered the finding."""
        from nodeward.deps.advisories.model import severity_from_score

        for score in (self.cvss4_score, self.cvss_score):
            if score is not None and severity_from_score(score) == severity:
                return f"{score:.1f}"
        return None

    def sarif_properties(self) -> dict[str, JSONValue]:
        props = self.json_fields()
        shown: list[JSONValue] = list(collapse_paths(self.dependency_paths, self.paths_total, 10, self.paths_truncated))
        props["dependency_paths"] = shown
        return props

    def sarif_rule(self) -> tuple[str, str, str] | None:
        title = self.summary or f"Vulnerability in {self.package}"
        fixed = ", ".join(self.fixed_versions) or "none published"
        ids = ", ".join((self.advisory_id, *self.aliases))
        help_md = f"**{ids}**: {title}\n\nPackage `{self.package}`; fixed in: {fixed}.\n\n{self.url}"
        return (self.advisory_id, title[:1000], help_md)


@dataclass(frozen=True, slots=True)
class PackageDetail(FindingDetail):
    """A hygiene finding about one locked package or declared dependency."""

    package: str
    version: str = ""
    lockfile: str = ""
    spec: str = ""
    source: str = ""
    """git, url or file for NW704; empty otherwise."""
    origin: str = ""
    """The git URL, tarball URL or path it is installed from (NW704)."""
    audited: bool | None = None
    """NW704: whether its version could be matched against advisories."""
    dependency_paths: tuple[str, ...] = ()

    def json_fields(self) -> dict[str, JSONValue]:
        out: dict[str, JSONValue] = {"package": self.package, "version": self.version, "lockfile": self.lockfile}
        if self.spec:
            out["spec"] = self.spec
        if self.source:
            out["source"] = self.source
            out["resolved"] = self.origin
            out["audited"] = self.audited
            out["dependency_paths"] = list(self.dependency_paths)
        return out

    def text_lines(self) -> tuple[str, ...]:
        if not self.source:
            return ()
        lines = [f"from: {self.origin}"] if self.origin else []
        lines.extend(f"path: {p}" for p in self.dependency_paths)
        return tuple(lines)
