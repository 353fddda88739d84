"""npm's version semantics, ported from node-semver 7 (ISC licence) so prereleases are right.

Why a port instead of the PyPI `node-semver` package: that package follows an old
node-semver and is wrong when `includePrerelease` is on (it treats
`4.17.21-beta.1` as equal to `4.17.21` and `*` as excluding `1.0.0-rc1`), which
is exactly the mode npm's audit uses and exactly the case where a vulnerable
prerelease slips past a `<fixed` check.  The functions mirror node-semver's
`SemVer`, `Comparator` and `Range` one to one (desugaring of `^`, `~`, x-ranges,
hyphen ranges, the prerelease tuple rule) and are tested against node-semver's
own fixture tables and against node-semver itself run through Node.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "Range",
    "SemverError",
    "Version",
    "compare",
    "max_satisfying",
    "min_satisfying",
    "parse_version",
    "satisfies",
    "valid_range",
]

MAX_LENGTH = 256
"""node-semver refuses longer version and range strings (ReDoS guard)."""
MAX_SAFE_INTEGER = 2**53 - 1


class SemverError(ValueError):
    """An invalid version, comparator or range string."""


# ----------------------------------------------------------------- regexes (internal/re.js)
_NUM = r"0|[1-9]\d*"
_NUMLOOSE = r"\d+"
_NONNUM = r"\d*[a-zA-Z-][a-zA-Z0-9-]*"
_MAIN = rf"({_NUM})\.({_NUM})\.({_NUM})"
_MAINLOOSE = rf"({_NUMLOOSE})\.({_NUMLOOSE})\.({_NUMLOOSE})"
_PRID = rf"(?:{_NUM}|{_NONNUM})"
_PRIDLOOSE = rf"(?:{_NUMLOOSE}|{_NONNUM})"
_PRERELEASE = rf"(?:-({_PRID}(?:\.{_PRID})*))"
_PRERELEASELOOSE = rf"(?:-?({_PRIDLOOSE}(?:\.{_PRIDLOOSE})*))"
_BUILDID = r"[a-zA-Z0-9-]+"
_BUILD = rf"(?:\+({_BUILDID}(?:\.{_BUILDID})*))"
_FULLPLAIN = rf"v?{_MAIN}{_PRERELEASE}?{_BUILD}?"
_LOOSEPLAIN = rf"[v=\s]*{_MAINLOOSE}{_PRERELEASELOOSE}?{_BUILD}?"
_GTLT = r"((?:<|>)?=?)"
_XRID = rf"{_NUM}|x|X|\*"
_XRIDLOOSE = rf"{_NUMLOOSE}|x|X|\*"
_XRANGEPLAIN = rf"[v=\s]*({_XRID})(?:\.({_XRID})(?:\.({_XRID})(?:{_PRERELEASE})?{_BUILD}?)?)?"
_XRANGEPLAINLOOSE = rf"[v=\s]*({_XRIDLOOSE})(?:\.({_XRIDLOOSE})(?:\.({_XRIDLOOSE})(?:{_PRERELEASELOOSE})?{_BUILD}?)?)?"

_FULL = re.compile(rf"^{_FULLPLAIN}$")
_LOOSE = re.compile(rf"^{_LOOSEPLAIN}$")
_XRANGE = re.compile(rf"^{_GTLT}\s*{_XRANGEPLAIN}$")
_XRANGELOOSE = re.compile(rf"^{_GTLT}\s*{_XRANGEPLAINLOOSE}$")
_LONETILDE = r"(?:~>?)"
_TILDETRIM = re.compile(rf"(\s*){_LONETILDE}\s+")
_TILDE = re.compile(rf"^{_LONETILDE}{_XRANGEPLAIN}$")
_TILDELOOSE = re.compile(rf"^{_LONETILDE}{_XRANGEPLAINLOOSE}$")
_CARETTRIM = re.compile(r"(\s*)(?:\^)\s+")
_CARET = re.compile(rf"^(?:\^){_XRANGEPLAIN}$")
_CARETLOOSE = re.compile(rf"^(?:\^){_XRANGEPLAINLOOSE}$")
_COMPARATOR = re.compile(rf"^{_GTLT}\s*({_FULLPLAIN})$|^$")
_COMPARATORLOOSE = re.compile(rf"^{_GTLT}\s*({_LOOSEPLAIN})$|^$")
_COMPARATORTRIM = re.compile(rf"(\s*){_GTLT}\s*({_LOOSEPLAIN}|{_XRANGEPLAIN})")
_HYPHENRANGE = re.compile(rf"^\s*({_XRANGEPLAIN})\s+-\s+({_XRANGEPLAIN})\s*$")
_HYPHENRANGELOOSE = re.compile(rf"^\s*({_XRANGEPLAINLOOSE})\s+-\s+({_XRANGEPLAINLOOSE})\s*$")
_STAR = re.compile(r"(<|>)?=?\s*\*")
_GTE0 = re.compile(r"^\s*>=\s*0\.0\.0\s*$")
_GTE0PRE = re.compile(r"^\s*>=\s*0\.0\.0-0\s*$")
_NUMERIC = re.compile(r"^[0-9]+$")
_WS = re.compile(r"\s+")


def _compare_identifiers(a: int | str, b: int | str) -> int:
    anum = isinstance(a, int)
    bnum = isinstance(b, int)
    if anum and bnum:
        return 0 if a == b else (-1 if a < b else 1)  # type: ignore[operator]
    if anum:
        return -1
    if bnum:
        return 1
    return 0 if a == b else (-1 if str(a) < str(b) else 1)


@dataclass(frozen=True, slots=True)
class Version:
    """A parsed version; ordering is SemVer precedence (build metadata ignored)."""

    major: int
    minor: int
    patch: int
    prerelease: tuple[int | str, ...] = ()
    build: tuple[str, ...] = ()

    def __str__(self) -> str:
        base = f"{self.major}.{self.minor}.{self.patch}"
        if self.prerelease:
            base += "-" + ".".join(str(p) for p in self.prerelease)
        return base

    def compare(self, other: Version) -> int:
        main = (self.major, self.minor, self.patch)
        omain = (other.major, other.minor, other.patch)
        if main != omain:
            return -1 if main < omain else 1
        return _compare_pre(self.prerelease, other.prerelease)

    def __lt__(self, other: Version) -> bool:
        return self.compare(other) < 0

    def __le__(self, other: Version) -> bool:
        return self.compare(other) <= 0

    def __gt__(self, other: Version) -> bool:
        return self.compare(other) > 0

    def __ge__(self, other: Version) -> bool:
        return self.compare(other) >= 0

    def same(self, other: Version) -> bool:
        """Equal precedence (`semver.eq`): `1.2.3+a` is the same as `1.2.3+b`."""
        return self.compare(other) == 0


def _compare_pre(a: tuple[int | str, ...], b: tuple[int | str, ...]) -> int:
    if a and not b:
        return -1
    if b and not a:
        return 1
    if not a and not b:
        return 0
    for i in range(max(len(a), len(b))):
        if i >= len(a) and i >= len(b):
            return 0
        if i >= len(b):
            return 1
        if i >= len(a):
            return -1
        c = _compare_identifiers(a[i], b[i])
        if c:
            return c
    return 0


def _parse(text: str, loose: bool) -> Version:
    if len(text) > MAX_LENGTH:
        raise SemverError(f"version is longer than {MAX_LENGTH} characters")
    m = (_LOOSE if loose else _FULL).match(text.strip())
    if m is None:
        raise SemverError(f"Invalid Version: {text}")
    nums = [int(m.group(i)) for i in (1, 2, 3)]
    if any(n > MAX_SAFE_INTEGER for n in nums):
        raise SemverError(f"Invalid Version: {text} (number too large)")
    pre: tuple[int | str, ...] = ()
    if m.group(4):
        parts: list[int | str] = []
        for ident in m.group(4).split("."):
            if _NUMERIC.match(ident) and int(ident) < MAX_SAFE_INTEGER:
                parts.append(int(ident))
            else:
                parts.append(ident)
        pre = tuple(parts)
    build = tuple(m.group(5).split(".")) if m.group(5) else ()
    return Version(nums[0], nums[1], nums[2], pre, build)


@functools.lru_cache(maxsize=65536)
def _parse_or_none(text: str, loose: bool) -> Version | None:
    try:
        return _parse(text, loose)
    except SemverError:
        return None


def parse_version(text: str | Version | None, loose: bool = False) -> Version | None:
    """The version, or None when node-semver would reject it (`semver.parse`).

    Memoised: Versions are frozen, and an audit compares the same few thousand
    version strings (locked versions, advisory bounds) over and over."""
    if isinstance(text, Version):
        return text
    if not isinstance(text, str):
        return None
    return _parse_or_none(text, loose)


def compare(a: str | Version, b: str | Version, loose: bool = False) -> int:
    """-1, 0 or 1 like `semver.compare`; raises SemverError on an invalid version."""
    va = a if isinstance(a, Version) else _parse(a, loose)
    vb = b if isinstance(b, Version) else _parse(b, loose)
    return va.compare(vb)


# ----------------------------------------------------------------- comparators and ranges
_ANY = None


def _is_x(ident: str | None) -> bool:
    return not ident or ident.lower() == "x" or ident == "*"


@dataclass(frozen=True, slots=True)
class _Comparator:
    operator: str
    """`''` (equal), `<`, `<=`, `>` or `>=`."""
    semver: Version | None
    """None is ANY (the empty comparator)."""
    value: str

    def test(self, version: Version) -> bool:
        if self.semver is None:
            return True
        c = version.compare(self.semver)
        op = self.operator
        if op == "":
            return c == 0
        if op == "<":
            return c < 0
        if op == "<=":
            return c <= 0
        if op == ">":
            return c > 0
        return c >= 0


def _comparator(comp: str, loose: bool) -> _Comparator:
    comp = " ".join(comp.strip().split())
    m = (_COMPARATORLOOSE if loose else _COMPARATOR).match(comp)
    if m is None:
        raise SemverError(f"Invalid comparator: {comp}")
    op = m.group(1) or ""
    if op == "=":
        op = ""
    if not m.group(2):
        return _Comparator(op, _ANY, "")
    ver = _parse(m.group(2), loose)
    return _Comparator(op, ver, f"{op}{ver}")


def _hyphen_replace(inc_pr: bool) -> Callable[[re.Match[str]], str]:
    def repl(m: re.Match[str]) -> str:
        frm, f_maj, f_min, f_pat, f_pr = m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)
        to, t_maj, t_min, t_pat, t_pr = m.group(7), m.group(8), m.group(9), m.group(10), m.group(11)
        z = "-0" if inc_pr else ""
        if _is_x(f_maj):
            frm = ""
        elif _is_x(f_min):
            frm = f">={f_maj}.0.0{z}"
        elif _is_x(f_pat):
            frm = f">={f_maj}.{f_min}.0{z}"
        elif f_pr:
            frm = f">={frm}"
        else:
            frm = f">={frm}{z}"
        if _is_x(t_maj):
            to = ""
        elif _is_x(t_min):
            to = f"<{int(t_maj) + 1}.0.0-0"
        elif _is_x(t_pat):
            to = f"<{t_maj}.{int(t_min) + 1}.0-0"
        elif t_pr:
            to = f"<={t_maj}.{t_min}.{t_pat}-{t_pr}"
        elif inc_pr:
            to = f"<{t_maj}.{t_min}.{int(t_pat) + 1}-0"
        else:
            to = f"<={to}"
        return f"{frm} {to}".strip()

    return repl


def _replace_caret(comp: str, loose: bool, inc_pr: bool) -> str:
    z = "-0" if inc_pr else ""

    def repl(m: re.Match[str]) -> str:
        maj, mnr, pat, pr = m.group(1), m.group(2), m.group(3), m.group(4)
        if _is_x(maj):
            return ""
        if _is_x(mnr):
            return f">={maj}.0.0{z} <{int(maj) + 1}.0.0-0"
        if _is_x(pat):
            if maj == "0":
                return f">={maj}.{mnr}.0{z} <{maj}.{int(mnr) + 1}.0-0"
            return f">={maj}.{mnr}.0{z} <{int(maj) + 1}.0.0-0"
        if pr:
            if maj == "0":
                if mnr == "0":
                    return f">={maj}.{mnr}.{pat}-{pr} <{maj}.{mnr}.{int(pat) + 1}-0"
                return f">={maj}.{mnr}.{pat}-{pr} <{maj}.{int(mnr) + 1}.0-0"
            return f">={maj}.{mnr}.{pat}-{pr} <{int(maj) + 1}.0.0-0"
        if maj == "0":
            if mnr == "0":
                return f">={maj}.{mnr}.{pat}{z} <{maj}.{mnr}.{int(pat) + 1}-0"
            return f">={maj}.{mnr}.{pat}{z} <{maj}.{int(mnr) + 1}.0-0"
        return f">={maj}.{mnr}.{pat} <{int(maj) + 1}.0.0-0"

    return (_CARETLOOSE if loose else _CARET).sub(repl, comp)


def _replace_tilde(comp: str, loose: bool) -> str:
    def repl(m: re.Match[str]) -> str:
        maj, mnr, pat, pr = m.group(1), m.group(2), m.group(3), m.group(4)
        if _is_x(maj):
            return ""
        if _is_x(mnr):
            return f">={maj}.0.0 <{int(maj) + 1}.0.0-0"
        if _is_x(pat):
            return f">={maj}.{mnr}.0 <{maj}.{int(mnr) + 1}.0-0"
        if pr:
            return f">={maj}.{mnr}.{pat}-{pr} <{maj}.{int(mnr) + 1}.0-0"
        return f">={maj}.{mnr}.{pat} <{maj}.{int(mnr) + 1}.0-0"

    return (_TILDELOOSE if loose else _TILDE).sub(repl, comp)


def _replace_xrange(comp: str, loose: bool, inc_pr: bool) -> str:
    comp = comp.strip()

    def repl(m: re.Match[str]) -> str:
        ret = m.group(0)
        gtlt, maj, mnr, pat = m.group(1), m.group(2), m.group(3), m.group(4)
        x_maj = _is_x(maj)
        x_min = x_maj or _is_x(mnr)
        x_pat = x_min or _is_x(pat)
        any_x = x_pat
        if gtlt == "=" and any_x:
            gtlt = ""
        pr = "-0" if inc_pr else ""
        if x_maj:
            return "<0.0.0-0" if gtlt in (">", "<") else "*"
        if gtlt and any_x:
            M = int(maj)
            mm = 0 if x_min else int(mnr)
            p = 0
            if gtlt == ">":
                gtlt = ">="
                if x_min:
                    M, mm, p = M + 1, 0, 0
                else:
                    mm, p = mm + 1, 0
            elif gtlt == "<=":
                gtlt = "<"
                if x_min:
                    M += 1
                else:
                    mm += 1
            if gtlt == "<":
                pr = "-0"
            return f"{gtlt}{M}.{mm}.{p}{pr}"
        if x_min:
            return f">={maj}.0.0{pr} <{int(maj) + 1}.0.0-0"
        if x_pat:
            return f">={maj}.{mnr}.0{pr} <{maj}.{int(mnr) + 1}.0-0"
        return ret

    return (_XRANGELOOSE if loose else _XRANGE).sub(repl, comp)


def _parse_comparator(comp: str, loose: bool, inc_pr: bool) -> str:
    comp = " ".join(_replace_caret(c, loose, inc_pr) for c in comp.strip().split())
    comp = " ".join(_replace_tilde(c, loose) for c in comp.strip().split())
    comp = " ".join(_replace_xrange(c, loose, inc_pr) for c in comp.split())
    return _STAR.sub("", comp.strip())


class Range:
    """A parsed npm range (`^1.2.3 || >=2 <3`); `test` is `semver.satisfies`."""

    __slots__ = ("include_prerelease", "loose", "raw", "set")

    def __init__(self, text: str, *, loose: bool = False, include_prerelease: bool = False) -> None:
        if len(text) > MAX_LENGTH * 4:
            raise SemverError("range is too long")
        self.loose = loose
        self.include_prerelease = include_prerelease
        self.raw = " ".join(text.strip().split())
        sets = [self._parse_range(part.strip()) for part in self.raw.split("||")]
        sets = [s for s in sets if s]
        if not sets:
            raise SemverError(f"Invalid SemVer Range: {text}")
        if len(sets) > 1:
            first = sets[0]
            sets = [s for s in sets if s[0].value != "<0.0.0-0"]
            if not sets:
                sets = [first]
            elif len(sets) > 1:
                for s in sets:
                    if len(s) == 1 and s[0].value == "":
                        sets = [s]
                        break
        self.set: list[list[_Comparator]] = sets

    def _parse_range(self, text: str) -> list[_Comparator]:
        loose, inc = self.loose, self.include_prerelease
        text = (_HYPHENRANGELOOSE if loose else _HYPHENRANGE).sub(_hyphen_replace(inc), text)
        text = _COMPARATORTRIM.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(3)}", text)
        text = _TILDETRIM.sub(lambda m: f"{m.group(1)}~", text)
        text = _CARETTRIM.sub(lambda m: f"{m.group(1)}^", text)
        parsed = " ".join(_parse_comparator(c, loose, inc) for c in text.split(" "))
        gte0 = _GTE0PRE if inc else _GTE0
        items = [gte0.sub("", c.strip()) for c in _WS.split(parsed)]
        if loose:
            items = [c for c in items if _COMPARATORLOOSE.match(c)]
        by_value: dict[str, _Comparator] = {}
        for item in items:
            comp = _comparator(item, loose)
            if comp.value == "<0.0.0-0":
                return [comp]
            by_value[comp.value] = comp
        if len(by_value) > 1 and "" in by_value:
            del by_value[""]
        return list(by_value.values())

    def test(self, version: str | Version | None) -> bool:
        v = parse_version(version, self.loose)
        if v is None:
            return False
        return any(self._test_set(s, v) for s in self.set)

    def _test_set(self, comps: list[_Comparator], v: Version) -> bool:
        if not all(c.test(v) for c in comps):
            return False
        if v.prerelease and not self.include_prerelease:
            # A prerelease satisfies only a comparator set that names a prerelease of the
            # same major.minor.patch (npm's "opt in to unstable releases" rule).
            for c in comps:
                sv = c.semver
                if sv is None or not sv.prerelease:
                    continue
                if (sv.major, sv.minor, sv.patch) == (v.major, v.minor, v.patch):
                    return True
            return False
        return True

    def __str__(self) -> str:
        return " || ".join(" ".join(c.value for c in s).strip() for s in self.set)


def valid_range(text: str, *, loose: bool = False, include_prerelease: bool = False) -> str | None:
    """The desugared range (`semver.validRange`), `*` for any, or None when invalid."""
    try:
        return str(Range(text, loose=loose, include_prerelease=include_prerelease)) or "*"
    except SemverError:
        return None


@functools.lru_cache(maxsize=4096)
def _cached_range(text: str, loose: bool, include_prerelease: bool) -> Range | None:
    """Parsed ranges are immutable in use; lockfiles repeat the same few hundred ranges."""
    try:
        return Range(text, loose=loose, include_prerelease=include_prerelease)
    except SemverError:
        return None


def satisfies(
    version: str | Version | None,
    range_text: str,
    *,
    loose: bool = False,
    include_prerelease: bool = False,
) -> bool:
    """`semver.satisfies`: False (not an exception) for an invalid version or range."""
    if not isinstance(range_text, str):
        return False
    rng = _cached_range(range_text, loose, include_prerelease)
    return rng.test(version) if rng is not None else False


def max_satisfying(versions: list[str], range_text: str, *, include_prerelease: bool = False) -> str | None:
    """The highest of `versions` in the range (`semver.maxSatisfying`)."""
    try:
        rng = Range(range_text, include_prerelease=include_prerelease)
    except SemverError:
        return None
    best: tuple[Version, str] | None = None
    for text in versions:
        v = parse_version(text)
        if v is not None and rng.test(v) and (best is None or v > best[0]):
            best = (v, text)
    return best[1] if best else None


def min_satisfying(versions: list[str], range_text: str, *, include_prerelease: bool = False) -> str | None:
    """The lowest of `versions` in the range (`semver.minSatisfying`)."""
    try:
        rng = Range(range_text, include_prerelease=include_prerelease)
    except SemverError:
        return None
    best: tuple[Version, str] | None = None
    for text in versions:
        v = parse_version(text)
        if v is not None and rng.test(v) and (best is None or v < best[0]):
            best = (v, text)
    return best[1] if best else None
