"""The compiled-pattern cache: a loaded database matches exactly like a freshly compiled one,
and a damaged or unwritable cache falls back to compiling."""

from __future__ import annotations

from pathlib import Path

import pytest

hyperscan = pytest.importorskip("hyperscan")

from nodeward import hsdb  # noqa: E402

PATTERNS = [rb"\breq\b", rb"password", rb"exec\("]
TEXT = b"const password = req.body.pw; exec(password)"
EXPECTED = [(1, 14), (0, 20), (2, 35), (1, 43)]  # (pattern id, end offset)


def _matches(db: object) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    db.scan(TEXT, match_event_handler=lambda i, _s, end, _f, _c: out.append((i, end)))  # type: ignore[attr-defined]
    return out


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    hsdb.set_cache_dir(tmp_path)
    yield tmp_path
    hsdb._CACHE_DIR.clear()


def test_second_compile_loads_the_cached_database_with_the_same_matches(cache: Path) -> None:
    first = hsdb.compile_db(PATTERNS, hyperscan.HS_FLAG_CASELESS)
    files = list((cache / "hsdb").glob("*.db"))
    assert len(files) == 1
    second = hsdb.compile_db(PATTERNS, hyperscan.HS_FLAG_CASELESS)
    assert _matches(first) == _matches(second) == EXPECTED
    # A different flag set is a different database, in its own file.
    hsdb.compile_db(PATTERNS, 0)
    assert len(list((cache / "hsdb").glob("*.db"))) == 2


def test_a_damaged_entry_is_compiled_again_and_rewritten(cache: Path) -> None:
    hsdb.compile_db(PATTERNS)
    (entry,) = (cache / "hsdb").glob("*.db")
    entry.write_bytes(b"not a database")
    assert _matches(hsdb.compile_db(PATTERNS)) == EXPECTED
    assert entry.read_bytes() != b"not a database"


def test_an_unwritable_cache_still_gives_a_working_database(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    hsdb.set_cache_dir(blocker)
    try:
        assert _matches(hsdb.compile_db(PATTERNS)) == EXPECTED
    finally:
        hsdb._CACHE_DIR.clear()


def test_no_cache_folder_compiles_without_writing(tmp_path: Path) -> None:
    hsdb.set_cache_dir(None)
    try:
        assert _matches(hsdb.compile_db(PATTERNS)) == EXPECTED
    finally:
        hsdb._CACHE_DIR.clear()
    assert not list(tmp_path.iterdir())
