"""The offline advisory database: OSV records in SQLite, indexed by package name.

`nodeward db update --from PATH_OR_URL` imports a folder or zip once; every scan
after that looks up only the names in the lockfile (one indexed query), so a
2,000-package project against the full npm export stays well under a second.
Records are stored zlib-compressed as the original JSON so nothing is lost and
the matcher re-reads exactly what the feed said.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nodeward.deps.advisories.base import AdvisorySource
from nodeward.deps.advisories.model import Advisory, from_compact, parse_osv, to_compact
from nodeward.errors import AdvisorySourceError

__all__ = ["DB_FILENAME", "AdvisoryDb", "DbStats", "OfflineDbSource", "default_db_path"]

DB_FILENAME = "advisories.sqlite"
SCHEMA_VERSION = 2
_BATCH = 500


def default_db_path(cache_dir: str | None = None) -> Path:
    from nodeward.sast.engine import cache_dir_for

    return cache_dir_for(cache_dir) / DB_FILENAME


@dataclass(frozen=True, slots=True)
class DbStats:
    path: str
    advisories: int
    packages: int
    source: str
    updated: str


class AdvisoryDb:
    """A handle on the SQLite file; create/replace with `import_records`, read with `lookup`."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def exists(self) -> bool:
        return self.path.is_file()

    def _connect(self, readonly: bool = True) -> sqlite3.Connection:
        if readonly:
            if not self.path.is_file():
                raise AdvisorySourceError(f"{self.path}: no advisory database (run `nodeward db update --from PATH_OR_URL`)")
            uri = f"file:{self.path}?mode=ro"
            try:
                conn = sqlite3.connect(uri, uri=True)
                row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
                if row is None or row[0] != str(SCHEMA_VERSION):
                    conn.close()
                    raise AdvisorySourceError(f"{self.path}: advisory database from an older nodeward; rebuild it with `nodeward db update --from PATH_OR_URL`")
            except sqlite3.DatabaseError as e:
                raise AdvisorySourceError(f"{self.path}: unreadable advisory database ({e}); rebuild it with `nodeward db update`") from None
            return conn
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return sqlite3.connect(self.path)

    def import_records(self, records: Iterable[dict[str, Any]], source: str, updated: str) -> int:
        """Replace the database with these records atomically (a temp file renamed over it).

        When no npm record is found the existing database is kept as it was: a
        wrong path or a broken download must not leave every later scan with an
        empty database that reads as "no vulnerabilities".
        """
        tmp = self.path.with_suffix(".tmp")
        if tmp.exists():
            tmp.unlink()
        tmp.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(tmp)
        count = 0
        try:
            conn.executescript(
                """
                PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
                CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
                CREATE TABLE advisories(id TEXT PRIMARY KEY, modified TEXT, data BLOB, parsed TEXT);
                CREATE TABLE affected(name TEXT, advisory_id TEXT);
                """
            )
            adv_rows: list[tuple[str, str, bytes, str]] = []
            aff_rows: list[tuple[str, str]] = []
            for rec in records:
                try:
                    adv = parse_osv(rec)
                except ValueError:
                    continue
                names = {a.name for a in adv.affected}
                if not names:
                    continue
                raw = zlib.compress(json.dumps(rec, separators=(",", ":")).encode(), 6)
                adv_rows.append((adv.id, adv.modified, raw, json.dumps(to_compact(adv), separators=(",", ":"))))
                aff_rows.extend((n, adv.id) for n in names)
                count += 1
                if len(adv_rows) >= _BATCH:
                    conn.executemany("INSERT OR REPLACE INTO advisories VALUES (?,?,?,?)", adv_rows)
                    conn.executemany("INSERT INTO affected VALUES (?,?)", aff_rows)
                    adv_rows, aff_rows = [], []
            conn.executemany("INSERT OR REPLACE INTO advisories VALUES (?,?,?,?)", adv_rows)
            conn.executemany("INSERT INTO affected VALUES (?,?)", aff_rows)
            conn.execute("CREATE INDEX affected_name ON affected(name)")
            conn.executemany(
                "INSERT INTO meta VALUES (?,?)",
                [("schema", str(SCHEMA_VERSION)), ("source", source), ("updated", updated), ("count", str(count))],
            )
            conn.commit()
        except BaseException:
            conn.close()
            tmp.unlink(missing_ok=True)
            raise
        conn.close()
        if count == 0:
            tmp.unlink(missing_ok=True)
            return 0
        tmp.replace(self.path)
        return count

    def stats(self) -> DbStats:
        conn = self._connect()
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            n = conn.execute("SELECT COUNT(*) FROM advisories").fetchone()[0]
            p = conn.execute("SELECT COUNT(DISTINCT name) FROM affected").fetchone()[0]
        finally:
            conn.close()
        return DbStats(str(self.path), int(n), int(p), meta.get("source", ""), meta.get("updated", ""))

    def lookup(self, names: Iterable[str]) -> list[Advisory]:
        wanted = sorted({n.lower() for n in names})
        conn = self._connect()
        out: dict[str, Advisory] = {}
        try:
            for i in range(0, len(wanted), _BATCH):
                chunk = wanted[i : i + _BATCH]
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(
                    f"SELECT DISTINCT a.id, a.parsed FROM affected f JOIN advisories a ON a.id = f.advisory_id WHERE f.name IN ({marks})",
                    chunk,
                ).fetchall()
                for rid, parsed in rows:
                    if rid in out:
                        continue
                    try:
                        out[rid] = from_compact(json.loads(parsed), "offline-db")
                    except (ValueError, TypeError, IndexError):
                        continue
        except sqlite3.DatabaseError as e:
            raise AdvisorySourceError(f"{self.path}: advisory database query failed: {e}") from None
        finally:
            conn.close()
        return list(out.values())


@dataclass
class OfflineDbSource(AdvisorySource):
    db: AdvisoryDb
    name: str = "offline-db"

    def query(self, packages: Sequence[tuple[str, str]]) -> list[Advisory]:
        return self.db.lookup(n for n, _ in packages)

    def describe(self) -> str:
        return f"local advisory database {self.db.path}"
