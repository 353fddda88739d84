"""`nodeward db update --from PATH_OR_URL` and `nodeward db status`: the offline advisory database.

The database lives in the user cache dir (NODEWARD_CACHE_DIR overrides) and is
what `scan` and `deps` use by default, so day-to-day scans make no network
request.  A URL is downloaded only when given (an OSV `all.zip`, or a zip of
GitHub's advisory database), with a timeout and a size cap.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

from nodeward.errors import AdvisoryConnectionError, AdvisorySourceError, UsageError

NAME = "db"
HELP = "build or inspect the local advisory database (offline OSV records in SQLite)"
MAX_DOWNLOAD = 2 * 1024 * 1024 * 1024


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="db_command", metavar="{update,status}")
    up = sub.add_parser("update", help="import OSV records from a folder, a .zip or an http(s) URL of a .zip")
    up.add_argument("--from", dest="source", required=True, metavar="PATH_OR_URL", help="folder or .zip of OSV JSON records, or a URL of a zip")
    up.add_argument("--db", metavar="FILE", help="database file (default: advisories.sqlite in the user cache dir)")
    up.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS", help="download timeout for a URL")
    up.add_argument("--quiet", "-q", action="store_true", help="print nothing on success")
    st = sub.add_parser("status", help="where the database is, how many records it holds, and where they came from")
    st.add_argument("--db", metavar="FILE", help="database file (default: advisories.sqlite in the user cache dir)")


def _db_path(args: argparse.Namespace) -> Path:
    from nodeward.deps.advisories.db import default_db_path

    return Path(args.db) if getattr(args, "db", None) else default_db_path()


def _download(url: str, timeout: float, dest: Path) -> None:
    import httpx

    from nodeward import __version__

    size = 0
    try:
        with httpx.stream("GET", url, timeout=timeout, follow_redirects=True, headers={"User-Agent": f"nodeward/{__version__}"}) as resp:
            if resp.status_code >= 400:
                raise AdvisorySourceError(f"{url}: HTTP {resp.status_code}")
            with dest.open("wb") as fh:
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > MAX_DOWNLOAD:
                        raise AdvisorySourceError(f"{url}: larger than {MAX_DOWNLOAD // 2**20} MB; refusing")
                    fh.write(chunk)
    except httpx.TimeoutException:
        raise AdvisoryConnectionError(f"{url}: timed out (download it yourself and pass the file to --from)") from None
    except httpx.HTTPError as e:
        raise AdvisoryConnectionError(f"{url}: unreachable: {e} (download it yourself and pass the file to --from)") from None


def _writable_folder(db_path: Path) -> None:
    """Create the database's folder, or say in one line why it cannot be (a cache dir that is
    a file, a read-only disk) instead of an internal error from deep in the import."""
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        reason = "a file is in the way" if isinstance(e, (FileExistsError, NotADirectoryError)) else (e.strerror or str(e))
        raise UsageError(
            f"{db_path.parent}: cannot create the advisory database folder: {reason} "
            "(set NODEWARD_CACHE_DIR or pass --db FILE)"
        ) from None


def run(args: argparse.Namespace) -> int:
    from nodeward.deps.advisories.db import AdvisoryDb
    from nodeward.deps.advisories.files import RecordProblem, iter_osv_records

    if args.db_command is None:
        raise UsageError("choose a subcommand: `nodeward db update --from PATH_OR_URL` or `nodeward db status`")
    db = AdvisoryDb(_db_path(args))
    if args.db_command == "status":
        if not db.exists():
            sys.stdout.write(f"no advisory database at {db.path}\nbuild it with: nodeward db update --from PATH_OR_URL\n")
            return 3
        s = db.stats()
        sys.stdout.write(f"database: {s.path}\nadvisories: {s.advisories}\npackages: {s.packages}\nsource: {s.source}\nupdated: {s.updated}\n")
        return 0
    source = str(args.source)
    _writable_folder(db.path)
    problems: list[RecordProblem] = []
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    if source.startswith(("http://", "https://")):
        if args.timeout <= 0:
            raise UsageError("--timeout must be positive")
        with tempfile.TemporaryDirectory() as tmp:
            dest = Path(tmp) / "advisories.zip"
            _download(source, args.timeout, dest)
            count = db.import_records(iter_osv_records(dest, problems), source, now)
    else:
        path = Path(source)
        if not path.exists():
            raise UsageError(f"{source}: no such file or folder")
        count = db.import_records(iter_osv_records(path, problems), str(path.resolve()), now)
    if not args.quiet and count:
        sys.stdout.write(f"imported {count} npm advisories into {db.path}\n")
    for p in problems[:10]:
        sys.stderr.write(f"nodeward: skipped {p.where}: {p.reason}\n")
    if len(problems) > 10:
        sys.stderr.write(f"nodeward: ... and {len(problems) - 10} more unreadable records\n")
    if count == 0:
        kept = "the existing database was kept" if db.exists() else "no database was written"
        sys.stderr.write(f"nodeward: error: {source}: no npm advisories found; {kept}\n")
        return 3
    return 3 if problems else 0
