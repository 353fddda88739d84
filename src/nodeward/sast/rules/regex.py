"""Regular expressions that can take exponential time (NW604).

The check reads the *pattern* (a regex literal, or a constant string given to
`RegExp`) with a small scanner, not the JavaScript around it: a group that
contains an unbounded quantifier and is itself repeated without bound (`(a+)+`,
`(\\w+\\s?)*`) has star height 2, the shape safe-regex and eslint-plugin-security
flag, and backtracks exponentially on a near-miss input.  Unlike safe-regex, a group
that starts or ends with a mandatory literal (`(?:\\.[a-z]+)*`, `(?:[a-z0-9-]+\\.)+`)
is not reported: every repetition must consume that separator, so repetitions
cannot overlap and matching stays linear.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import tree_sitter as ts

from nodeward.model import Confidence, Finding, Rule, Severity
from nodeward.ruledocs import make_docs
from nodeward.sast.context import FileContext
from nodeward.sast.rules.base import CallPattern, NodePattern

__all__ = ["CALLS", "NODES", "RULES", "nested_quantifier"]

REDOS = Rule(
    id="NW604",
    name="redos-prone-regex",
    summary="A regular expression with a repeated group that itself repeats (star height 2)",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    cwe=(1333,),
    owasp=("A05:2021",),
    guide_section="Advanced Node.js Security Vulnerabilities and Mitigations",
    docs=make_docs(
        what=(
            "Flags regex literals and constant `RegExp` patterns where a group containing an unbounded "
            "quantifier (`*`, `+`, `{n,}`) is itself quantified without bound, such as `(a+)+`, `(\\d*)*` or "
            "`(\\w+\\s?)*`. Groups whose repetitions cannot overlap are left out: each starts (or ends) "
            "with a mandatory separator such as `(\\.\\w+)*` or `(?:[~^][0-9]*)*`, or the alternatives start "
            "with distinct characters and every inner repeat runs up to a terminator it cannot match, "
            "such as `(?:[^<>]|<[^<>]*>)*`."
        ),
        why=(
            "Node.js runs regular expressions on the event loop with a backtracking engine: one crafted "
            "string of a few dozen characters makes such a pattern take seconds or hours, and the whole "
            "server stops answering (ReDoS)."
        ),
        example="""
const EMAIL = /^([a-zA-Z0-9]+\\.?)+@example\\.com$/;
function isCompanyEmail(value) {
  return EMAIL.test(value);
}
""",
        use_instead="""
const EMAIL = /^[a-zA-Z0-9]+(?:\\.[a-zA-Z0-9]+)*@example\\.com$/;
function isCompanyEmail(value) {
  return value.length <= 254 && EMAIL.test(value);
}
""",
        references=[
            "https://cwe.mitre.org/data/definitions/1333.html",
            "https://github.com/davisjam/safe-regex",
            "https://nodejs.org/en/learn/asynchronous-work/dont-block-the-event-loop#redos",
        ],
    ),
)

RULES: tuple[Rule, ...] = (REDOS,)

_MAX_PATTERN = 2000
"""Longer patterns are generated tables (unicode ranges), not hand-written logic."""


def _quantifier_at(pattern: str, i: int) -> tuple[bool, int]:
    """(unbounded, length) of a quantifier starting at `i`, or (False, 0) when there is none."""
    if i >= len(pattern):
        return False, 0
    c = pattern[i]
    if c in "*+":
        n = 1
    elif c == "?":
        return False, 1
    elif c == "{":
        close = pattern.find("}", i)
        body = pattern[i + 1 : close] if close > 0 else ""
        parts = body.split(",")
        if close < 0 or not parts[0].isdigit() or len(parts) > 2 or (len(parts) == 2 and parts[1] and not parts[1].isdigit()):
            return False, 0  # a literal brace
        n = close - i + 1
        if len(parts) == 1 or parts[1]:
            return False, n  # {n} or {n,m}: bounded
    else:
        return False, 0
    if i + n < len(pattern) and pattern[i + n] == "?":
        n += 1  # lazy: same backtracking
    return True, n


_CLASS_ESCAPES = frozenset("wWdDsSbBpPu")


def _starts_with_separator(pattern: str, i: int) -> bool:
    r"""Does the group body at `i` begin with a mandatory literal (`(\.[a-z]+)*`, `(,\s*x)*`)?

    Each repetition then has to consume that literal first, so the repetitions cannot
    overlap: the separator idiom is linear, not exponential."""
    if pattern.startswith("?:", i):
        i += 2
    elif pattern.startswith("?<", i) and not pattern.startswith(("?<=", "?<!"), i):
        close = pattern.find(">", i)
        i = close + 1 if close > 0 else i
    if i >= len(pattern):
        return False
    c = pattern[i]
    if c == "\\":
        if i + 1 >= len(pattern) or pattern[i + 1] in _CLASS_ESCAPES:
            return False
        width = 2
    elif c == "[":
        width = _small_literal_class(pattern, i)
        if not width:
            return False
    elif c in ".(|)?*+{^$":
        return False
    else:
        width = 1
    nxt = pattern[i + width] if i + width < len(pattern) else ""
    return nxt not in ("*", "+", "?", "{")


def _starts_with_blank_run(pattern: str, i: int) -> bool:
    r"""Does the group body at `i` begin with `\s+` followed by something that cannot match a
    blank (`(?:\s+[\w./-]+)*`, `(\s+-\w+)*`: words after blanks, a command's arguments)?

    Every repetition then starts where a run of blanks starts, and the blanks and the word
    cannot trade characters, so the input splits one way only: linear."""
    if pattern.startswith("?:", i):
        i += 2
    if not pattern.startswith("\\s+", i):
        return False
    j = i + 3
    if j >= len(pattern):
        return False
    rest = _group_rest(pattern, j)
    if any(e in rest for e in ("\\s", "\\W", "[^", " ", "\\t")) or "." in re.sub(r"\\.|\[[^\]]*\]", "", rest):
        return False  # the rest may also match blanks: repetitions could trade them
    c = pattern[j]
    if c == "\\":
        return j + 1 < len(pattern) and pattern[j + 1] in "wdS"
    if c == "[":
        close = pattern.find("]", j + 1)
        body = pattern[j + 1 : close] if close > 0 else ""
        return bool(body) and not body.startswith("^") and " " not in body and not any(e in body for e in ("\\s", "\\S", "\\W", "\\D", "\\t", "\\n", "\\r"))
    return c not in ".(|)?*+{^$ \t"


def _group_rest(pattern: str, j: int) -> str:
    """The pattern from `j` to the `)` closing the group `j` is in (bounded by its length)."""
    depth = 0
    k = j
    while k < len(pattern):
        ch = pattern[k]
        if ch == "\\":
            k += 2
            continue
        if ch == "[":
            close = pattern.find("]", k + 2)
            k = close + 1 if close > 0 else len(pattern)
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                break
            depth -= 1
        k += 1
    return pattern[j:k]


def _small_literal_class(pattern: str, i: int) -> int:
    r"""Width of a bracket class of a few literal punctuation characters at `i` (`[~^]`, `[,;]`,
    `[\/.]`), else 0.  Such a class is a separator like a single literal: `(?:[~^][0-9]*)*`
    (a git revision suffix) cannot split one input two ways, as every repetition starts with
    a `~` or `^` that the digits cannot match.  Letters, digits, ranges and negations are not
    separators: they overlap with what usually follows."""
    close = pattern.find("]", i + 1)
    if close < 0 or close - i > 13:
        return 0
    body = pattern[i + 1 : close]
    chars: list[str] = []
    j = 0
    while j < len(body):
        ch = body[j]
        if ch == "\\":
            if j + 1 >= len(body) or body[j + 1].isalnum():
                return 0
            chars.append(body[j + 1])
            j += 2
            continue
        if ch.isalnum() or ch.isspace() or ch in "-_" or (ch == "^" and j == 0):
            return 0
        chars.append(ch)
        j += 1
    return close - i + 1 if 0 < len(chars) <= 6 else 0


_ASCII = frozenset(chr(c) for c in range(128))
_NAMED = {
    "d": frozenset("0123456789"),
    "w": frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"),
    "s": frozenset(" \t\n\r\f\v"),
}
_ESCAPED = {"n": "\n", "r": "\r", "t": "\t", "f": "\f", "v": "\v", "0": "\0"}

CharSet = tuple[frozenset[str], bool]
"""ASCII characters matched, and whether characters beyond ASCII are too."""


def _escape_set(ch: str) -> CharSet | None:
    if ch in _NAMED:
        return _NAMED[ch], ch == "s"  # without the `u` flag \d and \w are ASCII; \s is not
    if ch.isupper() and ch.lower() in _NAMED:
        return _ASCII - _NAMED[ch.lower()], True
    if ch in _ESCAPED:
        return frozenset(_ESCAPED[ch]), False
    if ch.isalnum():
        return None  # \b, \p{..}, \u....: not modelled
    return frozenset(ch), False


def _class_set(body: str) -> CharSet | None:
    """The characters a bracket class body (without the brackets) matches."""
    negated = body.startswith("^")
    if negated:
        body = body[1:]
    chars: set[str] = set()
    other = False
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            if i + 1 >= len(body):
                return None
            esc = _escape_set(body[i + 1])
            if esc is None:
                return None
            chars |= esc[0]
            other = other or esc[1]
            i += 2
            continue
        if i + 2 < len(body) and body[i + 1] == "-" and body[i + 2] != "\\":
            lo, hi = ord(ch), ord(body[i + 2])
            if lo > hi:
                return None
            chars |= {chr(c) for c in range(lo, min(hi, 127) + 1)}
            other = other or hi > 127
            i += 3
            continue
        if ord(ch) > 127:
            other = True
        else:
            chars.add(ch)
        i += 1
    if negated:
        return _ASCII - chars, not other
    return frozenset(chars), other


def _disjoint(a: CharSet, b: CharSet) -> bool:
    return not (a[0] & b[0]) and not (a[1] and b[1])


def _atoms(alt: str) -> list[tuple[CharSet, str]] | None:
    """A flat alternative as (character set, `one`/`opt`/`star`) atoms, or None when it holds a
    group, an anchor, a lookaround or a bounded repeat (not modelled)."""
    out: list[tuple[CharSet, str]] = []
    i = 0
    while i < len(alt):
        ch = alt[i]
        cs: CharSet | None
        if ch == "\\":
            if i + 1 >= len(alt):
                return None
            cs = _escape_set(alt[i + 1])
            i += 2
        elif ch == "[":
            close = alt.find("]", i + 2)
            while close > 0 and alt[close - 1] == "\\" and alt[close - 2] != "\\":
                close = alt.find("]", close + 1)
            if close < 0:
                return None
            cs = _class_set(alt[i + 1 : close])
            i = close + 1
        elif ch == ".":
            cs = (_ASCII - {"\n"}, True)
            i += 1
        elif ch in "()|^${}*+?":
            return None
        else:
            cs = (frozenset(ch), False) if ord(ch) < 128 else (frozenset(), True)
            i += 1
        if cs is None:
            return None
        q = "one"
        if i < len(alt) and alt[i] in "*+?{":
            if alt[i] == "{":
                return None
            q = "opt" if alt[i] == "?" else "star"
            i += 1
            if i < len(alt) and alt[i] == "?":
                i += 1
        out.append((cs, q))
    return out


def _top_level_alternatives(body: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    start = 0
    i = 0
    in_class = False
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(body[start:i])
            start = i + 1
        i += 1
    parts.append(body[start:])
    return parts


def _unambiguous_alternation(body: str) -> bool:
    r"""`(?:[^<>]|<[^<>]*>)*`, `(\s|/\*[^*]*\*/)*`: a repeated alternation whose alternatives
    start with pairwise disjoint characters, and whose inner repetitions each run up to a
    mandatory terminator they cannot match.  The next character then decides the alternative,
    and each repetition has exactly one end: linear time, however the group is repeated."""
    if body.startswith("?:"):
        body = body[2:]
    alternatives = _top_level_alternatives(body)
    if len(alternatives) < 2:
        return False
    firsts: list[CharSet] = []
    for alt in alternatives:
        atoms = _atoms(alt)
        if not atoms or atoms[0][1] != "one":
            return False
        for k, (cs, q) in enumerate(atoms):
            if q == "opt":
                return False
            if q == "star":
                nxt = atoms[k + 1] if k + 1 < len(atoms) else None
                if nxt is None or nxt[1] != "one" or not _disjoint(cs, nxt[0]):
                    return False
        firsts.append(atoms[0][0])
    return all(_disjoint(a, b) for i, a in enumerate(firsts) for b in firsts[i + 1 :])


def _ends_with_separator(body: str) -> bool:
    """Does the group body end with a mandatory literal (`(?:[a-z0-9]+\\.)+`)?"""
    if len(body) >= 2 and body[-2] == "\\" and (len(body) < 3 or body[-3] != "\\"):
        return body[-1] not in _CLASS_ESCAPES
    return bool(body) and body[-1] not in "*+?}])|.^$\\"


def nested_quantifier(pattern: str) -> bool:
    """True when an unboundedly repeated group contains an unbounded quantifier
    (and does not start with a mandatory separator)."""
    if len(pattern) > _MAX_PATTERN:
        return False
    if ")*" not in pattern and ")+" not in pattern and "){" not in pattern:
        return False  # no group is repeated without bound: the scan below could only say False
    stack: list[bool] = [False]
    """Per open group: does it contain an unbounded quantifier?"""
    separated: list[bool] = [False]
    starts: list[int] = [0]
    i = 0
    n = len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            i += 2
            unbounded, q = _quantifier_at(pattern, i)
            if unbounded:
                stack[-1] = True
            i += q
            continue
        if c == "[":
            i += 1
            if i < n and pattern[i] == "^":
                i += 1
            if i < n and pattern[i] == "]":
                i += 1
            while i < n and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
            i += 1
        elif c == "(":
            stack.append(False)
            separated.append(_starts_with_separator(pattern, i + 1) or _starts_with_blank_run(pattern, i + 1))
            starts.append(i + 1)
            i += 1
            continue
        elif c == ")" and len(stack) > 1:
            inner = stack.pop()
            body = pattern[starts.pop() : i]
            # A mandatory literal at either end of every repetition keeps them from overlapping;
            # with a top-level alternative that literal is no longer mandatory.
            starts_separated = separated.pop()
            anchored = ("|" not in body and (starts_separated or _ends_with_separator(body))) or _unambiguous_alternation(body)
            i += 1
            unbounded, q = _quantifier_at(pattern, i)
            if unbounded and inner and not anchored:
                return True
            if unbounded or inner:
                stack[-1] = True
            i += q
            continue
        else:
            i += 1
        unbounded, q = _quantifier_at(pattern, i)
        if unbounded:
            stack[-1] = True
        i += q
    return False


_FIX = "Remove the nested repetition (make the inner part unambiguous) or bound the input length first."


def _literal(ctx: FileContext, caps: dict[str, list[ts.Node]]) -> Iterator[Finding]:
    node = caps["re"][0]
    if nested_quantifier(ctx.text(caps["pattern"][0])):
        yield ctx.finding(REDOS, node, "Possible ReDoS: nested unbounded quantifiers in a regular expression", _FIX)


def _constructed(ctx: FileContext, call: ts.Node, qual: str | None) -> Iterator[Finding]:
    if qual != "RegExp":
        return
    args = ctx.args(call)
    pattern = ctx.literal(args[0]) if args else None
    if isinstance(pattern, str) and nested_quantifier(pattern):
        yield ctx.finding(REDOS, call, "Possible ReDoS: nested unbounded quantifiers in a `RegExp` pattern", _FIX)


CALLS: tuple[CallPattern, ...] = (CallPattern(("RegExp",), _constructed),)
NODES: tuple[NodePattern, ...] = (NodePattern("(regex pattern: (regex_pattern) @pattern) @re", _literal),)
