"""The multi-pattern matcher: keyword hits, then exact confirmation in a window.

Two interchangeable prefilters find every case-insensitive occurrence of every
detector keyword:

- `HyperscanPrefilter` compiles all keywords into one Hyperscan database and
  scans each file's bytes in C at memory speed;
- `RegexPrefilter` is the pure-Python fallback (lower-cased bytes and
  `bytes.find`, one pass per keyword) used when the `hyperscan` wheel is missing.

Both yield the same (keyword, end offset) hits, and everything after that is
shared: each hit selects a window (its line, capped around the hit for very
long lines, extended for multi-line formats) where the detector's regular
expressions confirm the match.  So both engines return identical matches; the
test suite checks it on the evaluation set.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from nodeward.secrets.detectors import DETECTORS, Detector

__all__ = ["Engine", "RawMatch", "available_engines", "make_engine"]

logger = logging.getLogger(__name__)

MAX_WINDOW = 4096
"""A line longer than this is confirmed only in a window of this size around the hit."""


@dataclass(frozen=True, slots=True)
class RawMatch:
    """A confirmed detector match, positioned but not yet filtered."""

    detector: Detector
    secret: str
    key: str
    line: int
    col: int
    end_line: int
    end_col: int
    context: str
    """The full first line of the match (for filters and the redacted snippet)."""
    offset: int


class Prefilter(Protocol):
    """Finds every keyword occurrence; the two implementations must agree exactly."""
    name: str

    def hits(self, data: bytes) -> list[tuple[int, int]]:
        """(keyword index, end offset) of every case-insensitive keyword occurrence."""
        ...


class RegexPrefilter:
    """Pure-Python keyword search: one C-speed `bytes.find` pass per keyword."""

    name = "re"

    def __init__(self, keywords: Sequence[bytes]) -> None:
        self.keywords = tuple(keywords)

    def hits(self, data: bytes) -> list[tuple[int, int]]:
        """Every occurrence of every keyword in the lower-cased bytes, overlaps included."""
        lower = data.lower()
        out: list[tuple[int, int]] = []
        for kid, kw in enumerate(self.keywords):
            n = len(kw)
            i = lower.find(kw)
            while i != -1:
                out.append((kid, i + n))
                i = lower.find(kw, i + 1)
        return out


def _hs_literal(kw: bytes) -> str:
    """A keyword as a Hyperscan expression: every non-alphanumeric byte escaped."""
    return "".join(chr(b) if chr(b).isalnum() else f"\\x{b:02x}" for b in kw)


class HyperscanPrefilter:
    """All keywords in one Hyperscan block-mode database."""

    name = "hyperscan"

    def __init__(self, keywords: Sequence[bytes]) -> None:
        import hyperscan

        from nodeward.hsdb import compile_db

        self._db: Any = compile_db([_hs_literal(k).encode() for k in keywords], hyperscan.HS_FLAG_CASELESS)

    def hits(self, data: bytes) -> list[tuple[int, int]]:
        """Every match Hyperscan reports (it reports each occurrence, overlaps included)."""
        out: list[tuple[int, int]] = []
        append = out.append

        def on_match(kid: int, _start: int, end: int, _flags: int, _ctx: object) -> None:
            append((kid, end))

        if data:
            self._db.scan(data, match_event_handler=on_match)
        return out


def available_engines() -> tuple[str, ...]:
    """`hyperscan` when the wheel imports, and always `re`."""
    try:
        import hyperscan  # noqa: F401
    except ImportError:
        return ("re",)
    return ("hyperscan", "re")


@dataclass(frozen=True, slots=True)
class _KeywordIndex:
    """The keywords of some detectors, their prefilter, and which detectors own each one."""

    prefilter: Prefilter
    lengths: tuple[int, ...]
    owners: tuple[tuple[int, ...], ...]


class Engine:
    """Keyword prefilter plus confirmation; one instance per process, reused across files.

    One keyword index is built per scope set actually seen (`any`, `any+config`,
    `any+npmrc`), so a JS file never pays for the hits of config-only keywords such
    as `password` or `token`.
    """

    def __init__(self, prefilter: str = "auto", detectors: Sequence[Detector] = DETECTORS) -> None:
        self.detectors = tuple(detectors)
        if prefilter == "auto":
            prefilter = available_engines()[0]
        if prefilter not in ("hyperscan", "re"):
            raise ValueError(f"unknown secrets engine {prefilter!r} (choose from hyperscan, re)")
        self.name = prefilter
        self._indexes: dict[frozenset[str], _KeywordIndex] = {}
        every_scope = frozenset(d.scope for d in self.detectors)
        self.prefilter = self._index(every_scope).prefilter

    def _index(self, scopes: frozenset[str]) -> _KeywordIndex:
        index = self._indexes.get(scopes)
        if index is not None:
            return index
        keywords: list[bytes] = []
        owners: list[list[int]] = []
        position: dict[bytes, int] = {}
        for di, det in enumerate(self.detectors):
            if det.scope not in scopes:
                continue
            for kw in det.keywords:
                b = kw.lower().encode()
                if b not in position:
                    position[b] = len(keywords)
                    keywords.append(b)
                    owners.append([])
                owners[position[b]].append(di)
        pf: Prefilter = HyperscanPrefilter(keywords) if self.name == "hyperscan" else RegexPrefilter(keywords)
        index = _KeywordIndex(pf, tuple(len(k) for k in keywords), tuple(tuple(o) for o in owners))
        self._indexes[scopes] = index
        return index

    def scan(self, data: bytes, scopes: frozenset[str]) -> list[RawMatch]:
        """Confirmed matches of the detectors whose scope is in `scopes`, in file order."""
        index = self._index(scopes)
        hits = index.prefilter.hits(data)
        if not hits:
            return []
        windows: set[tuple[int, int, int]] = set()
        size = len(data)
        for kid, end in hits:
            start = end - index.lengths[kid]
            line_start = data.rfind(b"\n", 0, start) + 1
            line_end = data.find(b"\n", start)
            if line_end == -1:
                line_end = size
            for di in index.owners[kid]:
                det = self.detectors[di]
                w_start, w_end = line_start, line_end
                if det.window_lines:
                    for _ in range(det.window_lines):
                        nxt = data.find(b"\n", w_end + 1)
                        if nxt == -1:
                            w_end = size
                            break
                        w_end = nxt
                    if w_end - w_start > MAX_WINDOW * 4:
                        w_end = w_start + MAX_WINDOW * 4
                elif w_end - w_start > MAX_WINDOW:
                    w_start = max(line_start, start - MAX_WINDOW // 2)
                    w_end = min(line_end, end + MAX_WINDOW // 2)
                windows.add((di, w_start, w_end))
        found: dict[tuple[int, int], RawMatch] = {}
        for di, w_start, w_end in sorted(windows):
            det = self.detectors[di]
            text = data[w_start:w_end].decode("utf-8", "surrogateescape")
            for pattern in det.patterns:
                for m in pattern.finditer(text):
                    group = _secret_group(m)
                    if group is None:
                        continue
                    secret = m.group(group)
                    if det.validate is not None and not det.validate(secret):
                        continue
                    offset = w_start + len(text[: m.start(group)].encode("utf-8", "surrogateescape"))
                    if (di, offset) in found:
                        continue
                    key = m.groupdict().get("key") or ""
                    found[(di, offset)] = _position(data, det, secret, key, offset)
        return sorted(found.values(), key=lambda r: (r.offset, r.detector.rule.id))


def _secret_group(m: Any) -> str | None:
    groups = m.groupdict()
    return next((n for n in ("secret", "secret2", "secret3") if groups.get(n) is not None), None)


def _position(data: bytes, det: Detector, secret: str, key: str, offset: int) -> RawMatch:
    line = data.count(b"\n", 0, offset) + 1
    line_start = data.rfind(b"\n", 0, offset) + 1
    line_end = data.find(b"\n", offset)
    if line_end == -1:
        line_end = len(data)
    raw_len = len(secret.encode("utf-8", "surrogateescape"))
    end = offset + raw_len
    end_line = line + data.count(b"\n", offset, end)
    end_col = end - (data.rfind(b"\n", 0, end) + 1) + 1
    context = data[line_start:line_end].decode("utf-8", "surrogateescape")
    return RawMatch(det, secret, key, line, offset - line_start + 1, end_line, end_col, context, offset)


def make_engine(name: str = "auto") -> Engine:
    """An engine by name: `auto` (Hyperscan when installed), `hyperscan` or `re`."""
    return Engine(name)
