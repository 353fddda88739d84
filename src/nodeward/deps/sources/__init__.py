"""Lockfile parsers, one module per format, behind `load_lockfile`."""

from nodeward.deps.sources.base import LOCKFILE_NAMES, load_lockfile

__all__ = ["LOCKFILE_NAMES", "load_lockfile"]
