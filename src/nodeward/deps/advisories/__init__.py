"""Advisory records and the sources that supply them (offline db, OSV files, OSV API, npm bulk)."""

from nodeward.deps.advisories.model import Advisory, AffectedPackage, AffectedRange, parse_osv

__all__ = ["Advisory", "AffectedPackage", "AffectedRange", "parse_osv"]
