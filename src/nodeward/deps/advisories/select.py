"""Turn the configured source names into AdvisorySource objects.

`offline` (the default) never touches the network: records given with
`--advisories PATH` (folders or zips), else the local database built by
`nodeward db update`.  `osv` and `npm` are opt-in network sources.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from nodeward.config import Config
from nodeward.deps.advisories.base import AdvisorySource
from nodeward.deps.advisories.db import AdvisoryDb, OfflineDbSource, default_db_path
from nodeward.deps.advisories.files import OsvFilesSource
from nodeward.deps.advisories.npm_bulk import NpmBulkSource
from nodeward.deps.advisories.npmrc import registry_config
from nodeward.deps.advisories.osv_api import OsvApiSource
from nodeward.errors import ConfigError

__all__ = ["SOURCE_NAMES", "build_sources", "resolve_advisory_paths"]

SOURCE_NAMES = ("offline", "osv", "npm")


def resolve_advisory_paths(paths: tuple[str, ...], project_root: Path) -> list[Path]:
    """CLI paths are relative to the working directory; config paths may be relative to the project."""
    out = []
    for p in paths:
        path = Path(p).expanduser()
        if not path.is_absolute() and not path.exists() and (project_root / path).exists():
            path = project_root / path
        out.append(path)
    return out


def build_sources(config: Config, project_root: Path, env: Mapping[str, str] | None = None) -> list[AdvisorySource]:
    """The sources to query, in order; an empty list means no advisory data is configured."""
    import os

    from nodeward.sast.engine import cache_dir_for

    environ = os.environ if env is None else env
    out: list[AdvisorySource] = []
    for name in config.deps.sources:
        if name == "offline":
            paths = config.deps.advisories
            if not paths and environ.get("NODEWARD_ADVISORIES"):
                # The env mirror of `--advisories`, so `scan` (which has no such flag) can use it too.
                paths = tuple(p for p in environ["NODEWARD_ADVISORIES"].split(os.pathsep) if p)
            if paths:
                out.append(OsvFilesSource(resolve_advisory_paths(paths, project_root)))
                continue
            db = AdvisoryDb(default_db_path(config.cache_dir))
            if db.exists():
                out.append(OfflineDbSource(db))
        elif name == "osv":
            out.append(OsvApiSource(config.deps.osv_url, config.deps.timeout, cache_dir_for(config.cache_dir)))
        elif name == "npm":
            out.append(NpmBulkSource(registry_config(project_root, env), config.deps.timeout))
        else:
            raise ConfigError(f"unknown advisory source {name!r} (choose from {', '.join(SOURCE_NAMES)})")
    return out
