"""Hyperscan databases compiled once per machine, not once per run.

Compiling the SAST, app-model and secrets databases costs about 0.15 s of serial start-up
on every scan (the workers inherit them, so it is paid before the pool forks), for a
result that depends only on the patterns, the Hyperscan build and the CPU.  Like Python's
`.pyc` files, the compiled form is kept in nodeward's cache folder under `hsdb/`, keyed by
all of those; an entry that is missing, truncated or refused by Hyperscan is compiled
again and rewritten.  This cache holds no scan results, so `--no-cache` (which turns off
the per-file results cache) does not turn it off; removing the folder is always safe.
"""

from __future__ import annotations

import hashlib
import logging
import os
import platform
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["compile_db", "set_cache_dir"]

logger = logging.getLogger(__name__)

_CACHE_DIR: list[Path | None] = []


def set_cache_dir(path: Path | None) -> None:
    """Where compiled databases go (`None`: compile every time, write nothing)."""
    _CACHE_DIR[:] = [path]


def _cache_dir() -> Path | None:
    if _CACHE_DIR:
        return _CACHE_DIR[0]
    from nodeward.sast.engine import cache_dir_for

    try:
        return cache_dir_for(None)
    except Exception:  # platformdirs cannot name a folder (no HOME): just compile
        return None


def _cpu_flags() -> bytes:
    """The CPU's feature flags: Hyperscan specialises a database for the host's instruction set."""
    try:
        with open("/proc/cpuinfo", "rb") as fh:
            for line in fh:
                if line.startswith((b"flags", b"Features")):
                    return line
    except OSError:
        pass
    return platform.processor().encode()


def _key(hyperscan: Any, expressions: Sequence[bytes], flags: Sequence[int], mode: int) -> str:
    h = hashlib.sha256()
    for part in (str(getattr(hyperscan, "__version__", "")), platform.machine(), str(mode), repr(list(flags))):
        h.update(part.encode() + b"\x00")
    h.update(_cpu_flags() + b"\x00")
    for e in expressions:
        h.update(len(e).to_bytes(4, "little") + e)
    return h.hexdigest()


def compile_db(expressions: Sequence[bytes], flags: int | Sequence[int] = 0) -> Any:
    """A block-mode database matching `expressions` (ids are their positions), from the cache when
    an identical one was compiled before on this machine.  Raises what Hyperscan raises when the
    wheel is missing or a pattern does not compile, as compiling directly would."""
    import hyperscan

    mode = hyperscan.HS_MODE_BLOCK
    per = list(flags) if not isinstance(flags, int) else [flags] * len(expressions)
    folder = _cache_dir()
    path = folder / "hsdb" / f"{_key(hyperscan, expressions, per, mode)}.db" if folder is not None else None
    if path is not None:
        try:
            data = path.read_bytes()
            db = hyperscan.loadb(data, mode)
            db.scratch = hyperscan.Scratch(db)
            return db
        except (OSError, hyperscan.error):
            pass  # not there yet, or unusable: compile below
    db = hyperscan.Database(mode=mode)
    db.compile(expressions=list(expressions), ids=list(range(len(expressions))), elements=len(expressions), flags=per)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(hyperscan.dumpb(db))
            os.replace(tmp, path)
        except (OSError, hyperscan.error):
            logger.debug("cannot cache compiled patterns in %s", path, exc_info=True)
    return db
