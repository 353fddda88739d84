"""The one data model every analyzer emits and every reporter reads.

Findings are frozen and built whole in one place (no post-hoc mutation, no
untyped ``extra`` dict): an analyzer that needs more fields attaches a typed
``FindingDetail`` of its own (dependency, secret, probe evidence) that knows how
to flatten itself for the JSON and text reporters.  Everything here is plain
picklable data so per-file work can cross process boundaries and be cached.
"""

from __future__ import annotations

import enum
import functools
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = [
    "Confidence",
    "Finding",
    "FindingDetail",
    "JSONValue",
    "Rule",
    "ScanError",
    "ScanResult",
    "ScanStats",
    "Severity",
    "Skipped",
    "SourceSpan",
    "Suppression",
    "TraceStep",
    "UrlRef",
    "make_fingerprint",
]

JSONValue = str | int | float | bool | None | list["JSONValue"] | dict[str, "JSONValue"]


@functools.total_ordering
class Severity(enum.Enum):
    """How bad a finding is if it is real; ordered so thresholds compare naturally."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.value < other.value

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Accept `high`, `HIGH` or `High`; raise ValueError listing the choices otherwise."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            choices = ", ".join(str(s) for s in cls)
            raise ValueError(f"unknown severity {text!r} (choose from {choices})") from None

    def lowered(self, steps: int = 1) -> Severity:
        """One level less severe (never below INFO); used for dev-only dependencies."""
        return Severity(max(0, self.value - steps))

    @property
    def sarif_level(self) -> str:
        return {0: "note", 1: "note", 2: "warning", 3: "error", 4: "error"}[self.value]

    @property
    def security_severity(self) -> str:
        """GitHub code scanning reads this numeric string to bucket alerts."""
        return {0: "0.0", 1: "3.0", 2: "5.5", 3: "8.0", 4: "9.5"}[self.value]


@functools.total_ordering
class Confidence(enum.Enum):
    """How sure the analyzer is that the pattern it matched is a real problem."""

    LOW = 0
    MEDIUM = 1
    HIGH = 2

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Confidence):
            return NotImplemented
        return self.value < other.value

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Confidence:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            choices = ", ".join(str(c) for c in cls)
            raise ValueError(f"unknown confidence {text!r} (choose from {choices})") from None

    @property
    def sarif_precision(self) -> str:
        return {0: "low", 1: "medium", 2: "high"}[self.value]


@dataclass(frozen=True, slots=True)
class Rule:
    """A check with a stable id and a name that describes the flagged pattern.

    `docs` is Markdown with the sections `## What it does`, `## Why is this bad?`,
    `## Example`, `## Use instead` and `## References`; the fenced code blocks of
    Example and Use instead are executed as the rule's tests.
    """

    id: str
    name: str
    summary: str
    severity: Severity
    confidence: Confidence
    cwe: tuple[int, ...]
    owasp: tuple[str, ...]
    guide_section: str
    docs: str
    default_enabled: bool = True
    family: str = "sast"
    """Which analyzer runs it: sast, app, deps, secrets, probe or core."""
    supersedes: tuple[str, ...] = ()
    """Rule ids this rule makes redundant at the same path and line (a taint rule that
    proved request data reaches a sink supersedes the pattern rule that only saw a
    non-literal argument there)."""


@dataclass(frozen=True, slots=True)
class SourceSpan:
    """Where in a file a finding is; 1-based lines and columns (SARIF semantics)."""

    path: str
    """POSIX path relative to the scan root."""
    start_line: int
    start_col: int
    end_line: int
    end_col: int
    snippet: str = ""
    """Captured at scan time and already redacted where it holds a secret."""


@dataclass(frozen=True, slots=True)
class UrlRef:
    """A finding about a live server (the probe)."""

    url: str
    method: str = "GET"
    status: int | None = None


@dataclass(frozen=True, slots=True)
class TraceStep:
    """One hop of a taint flow: source, propagation step or sink."""

    path: str
    line: int
    column: int
    message: str
    snippet: str = ""


@dataclass(frozen=True, slots=True)
class Suppression:
    """Why a finding is not counted: an inline comment, a baseline or a config ignore."""

    kind: str
    """`inSource` (comment), `external` (baseline or config ignore)."""
    justification: str
    path: str = ""
    line: int = 0


class FindingDetail:
    """Base for typed, analyzer-specific data on a finding (dependency, secret, probe).

    Subclasses are frozen dataclasses living with their analyzer.  Reporters stay
    generic by asking the detail to flatten itself.
    """

    __slots__ = ()

    def json_fields(self) -> dict[str, JSONValue]:
        """Flat, jq-friendly keys merged into the finding's JSON object."""
        return {}

    def text_lines(self) -> tuple[str, ...]:
        """Extra indented lines under the finding in the text report."""
        return ()

    def sarif_properties(self) -> dict[str, JSONValue]:
        """Extra `properties` on the SARIF result."""
        return self.json_fields()

    def sarif_rule(self) -> tuple[str, str, str] | None:
        """(rule id, short description, help markdown) when the finding should appear under
        its own SARIF rule (one per advisory for dependency findings), else None."""
        return None

    def security_severity(self, severity: Severity) -> str | None:
        """A numeric SARIF `security-severity` (0.0-10.0) for a finding of this severity,
        e.g. an advisory's CVSS score; None keeps the severity's default number."""
        return None


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found, with everything a reporter needs and nothing mutable."""

    rule_id: str
    rule_name: str
    severity: Severity
    confidence: Confidence
    message: str
    location: SourceSpan | UrlRef
    fingerprint: str
    cwe: tuple[int, ...] = ()
    owasp: tuple[str, ...] = ()
    fix: str = ""
    """How to fix it, one or two sentences (or a snippet)."""
    trace: tuple[TraceStep, ...] = ()
    detail: FindingDetail | None = None
    suppression: Suppression | None = None

    @property
    def path(self) -> str:
        return self.location.path if isinstance(self.location, SourceSpan) else ""

    @property
    def line(self) -> int:
        return self.location.start_line if isinstance(self.location, SourceSpan) else 0

    def sort_key(self) -> tuple[str, int, int, str, str]:
        loc = self.location
        if isinstance(loc, SourceSpan):
            return (loc.path, loc.start_line, loc.start_col, self.rule_id, self.message)
        return (loc.url, 0, 0, self.rule_id, self.message)


@dataclass(frozen=True, slots=True)
class ScanError:
    """Something that kept part of the scan from running; the scan went on."""

    message: str
    path: str = ""
    line: int = 0
    kind: str = "error"
    """`parse` (syntax error, analysed where the tree allows), `io`, `internal`, `source` ..."""
    incomplete: bool = True
    """False for errors that did not lose coverage; True ones make `--strict` exit 3."""
    fatal: bool = False
    """A whole analyzer could not run (advisory feed unreachable, server down): exit 3 always."""


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file or entry deliberately not analysed, and why."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class ScanStats:
    files_scanned: int = 0
    bytes_scanned: int = 0
    files_from_cache: int = 0
    seconds: float = 0.0
    counts: Mapping[str, int] = field(default_factory=dict)
    """Analyzer-specific counters, e.g. `packages`, `routes`, `lockfiles`."""


@dataclass(frozen=True, slots=True)
class ScanResult:
    """The whole outcome of a command; reporters are pure functions of it."""

    root: str
    findings: tuple[Finding, ...]
    errors: tuple[ScanError, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    rules: tuple[Rule, ...] = ()
    """Rules that ran."""
    stats: ScanStats = field(default_factory=ScanStats)
    tool_version: str = ""

    @property
    def active_findings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.suppression is None)

    @property
    def incomplete(self) -> bool:
        return any(e.incomplete for e in self.errors)

    @property
    def failed(self) -> bool:
        """Some analyzer could not run at all; the result must not read as clean."""
        return any(e.fatal for e in self.errors)


_WS = re.compile(r"\s+")
_IGNORE_COMMENT = re.compile(r"//\s*nodeward-ignore.*$|/\*\s*nodeward-ignore.*?\*/")


def make_fingerprint(rule_id: str, path: str, key: str, occurrence: int = 0) -> str:
    """Identity without line numbers: moving code does not resurface a finding.

    `key` is normalised code (whitespace collapsed, suppression comments
    stripped), a hash of a secret value, a package@version#advisory or a URL.
    """
    normalised = _WS.sub(" ", _IGNORE_COMMENT.sub("", key)).strip()
    raw = f"{rule_id}\x00{path}\x00{normalised}\x00{occurrence}".encode()
    return hashlib.sha256(raw).hexdigest()[:32]
