"""The guide's "Quick Node.js Security Audit" checklist, answered from findings.

Each of the six items is PASS, FAIL, WARN or NOT APPLICABLE, with the findings
that decided it as evidence and the fix.  Items are judged from the same
`ScanResult` every other command produces (static scan, optionally merged with
a live probe), so the checklist can never disagree with the detailed report.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from nodeward.model import Finding, JSONValue, Rule, ScanResult, Severity, SourceSpan

__all__ = ["CHECKLIST", "ChecklistItem", "ItemResult", "Status", "evaluate"]


class Status(enum.Enum):
    PASS = "PASS"
    FAIL = "FAIL"
    WARN = "WARN"
    NOT_APPLICABLE = "NOT APPLICABLE"


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    key: str
    title: str
    question: str
    """The guide's wording."""
    fix: str
    covers: Callable[[Rule], bool]


@dataclass(frozen=True, slots=True)
class ItemResult:
    item: ChecklistItem
    status: Status
    summary: str
    evidence: tuple[str, ...]

    def to_json(self) -> dict[str, JSONValue]:
        return {
            "item": self.item.key,
            "title": self.item.title,
            "question": self.item.question,
            "status": self.status.value,
            "summary": self.summary,
            "evidence": list(self.evidence),
            "fix": self.item.fix if self.status in (Status.FAIL, Status.WARN) else "",
        }


def _num(rule: Rule) -> int:
    return int(rule.id[2:])


def _named(*words: str) -> Callable[[Rule], bool]:
    return lambda r: any(w in r.name for w in words)


def _dependencies(r: Rule) -> bool:
    return r.family == "deps"


def _secrets(r: Rule) -> bool:
    # A downloadable /.env or /.git on a live server leaks the same secrets.
    return r.family == "secrets" or (r.family == "probe" and _named("exposed-env", "exposed-git")(r))


_VALIDATION_EXTRA = ("unsafe-buffer-constructor", "body-parser-large-limit")


def _validation(r: Rule) -> bool:
    if r.family not in ("sast", "app"):
        return False
    return 100 <= _num(r) < 300 or 600 <= _num(r) < 700 or r.name in _VALIDATION_EXTRA


def _authentication(r: Rule) -> bool:
    if r.family == "probe":
        return _named("cookie", "rate-limit", "csrf", "login")(r)
    if r.family not in ("sast", "app"):
        return False
    return 300 <= _num(r) < 400 or 500 <= _num(r) < 600 or _named("cookie", "session")(r)


def _errors(r: Rule) -> bool:
    return r.family in ("sast", "app", "probe") and _named("error", "stack", "exception")(r)


def _headers(r: Rule) -> bool:
    if r.name == "probe-grade" or _errors(r) or _authentication(r) or _secrets(r) or _validation(r):
        return False
    if r.family == "probe":
        return True
    return r.family in ("sast", "app") and 400 <= _num(r) < 500


CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem(
        "dependencies",
        "Dependency scan",
        "Have you run npm audit recently? Are there any critical vulnerabilities?",
        "Upgrade the vulnerable packages (see `nodeward deps` for the minimal fixed versions and override snippets) and keep a lockfile in sync with package.json.",
        _dependencies,
    ),
    ChecklistItem(
        "secrets",
        "Secret management",
        "Are all API keys, passwords, and secrets stored in environment variables and excluded from Git?",
        "Move secrets to environment variables or a secret manager, rotate every secret that was committed, and list .env in .gitignore.",
        _secrets,
    ),
    ChecklistItem(
        "validation",
        "Input validation",
        "Is every API endpoint validating all incoming data against a strict schema?",
        "Validate request data with a schema (express-validator, Joi/celebrate, zod) before use, and use parameterised queries and safe APIs at every sink.",
        _validation,
    ),
    ChecklistItem(
        "authentication",
        "Authentication",
        "Are you using rate limiting on your login endpoint? Are your session cookies configured with HttpOnly and Secure flags?",
        "Add express-rate-limit (or similar) to login and reset routes, and set httpOnly, secure and sameSite on session cookies.",
        _authentication,
    ),
    ChecklistItem(
        "headers",
        "Headers",
        "Are you using Helmet or an equivalent to set security-related HTTP headers?",
        "Register helmet() before your routes and do not disable its protections; enforce HTTPS with HSTS.",
        _headers,
    ),
    ChecklistItem(
        "errors",
        "Error handling",
        "Are you catching all errors and returning generic messages to the client in production?",
        "Add a global error-handling middleware that logs the error server-side and returns a generic message.",
        _errors,
    ),
)


def _where(f: Finding) -> str:
    loc = f.location
    where = f"{loc.path}:{loc.start_line}" if isinstance(loc, SourceSpan) else loc.url
    return f"{where} {f.rule_id} {f.rule_name}: {f.message}"


def evaluate(
    result: ScanResult,
    rules: Sequence[Rule],
    *,
    has_sources: bool,
    has_manifest: bool,
    fail_at: Severity = Severity.MEDIUM,
) -> list[ItemResult]:
    """Judge every checklist item from the findings and the rules that ran."""
    by_id = {r.id: r for r in rules}
    out: list[ItemResult] = []
    for item in CHECKLIST:
        ran = [r for r in result.rules if item.covers(r)]
        hits = [f for f in result.active_findings if (rule := by_id.get(f.rule_id)) is not None and item.covers(rule)]
        hits.sort(key=lambda f: (-f.severity.value, f.sort_key()))
        errors = [e for e in result.errors if _error_concerns(item, e.kind, e.message, ran)]
        evidence = tuple(_where(f) for f in hits[:10])
        if len(hits) > 10:
            evidence += (f"... and {len(hits) - 10} more",)
        applicable = has_manifest if item.key == "dependencies" else (has_sources or any(r.family == "probe" for r in ran))
        if item.key == "secrets":
            applicable = True
        if not ran or not applicable:
            out.append(ItemResult(item, Status.NOT_APPLICABLE, "nothing to check for this item", ()))
            continue
        worst = hits[0].severity if hits else None
        if worst is not None and worst >= fail_at:
            summary = f"{len(hits)} finding{'s' if len(hits) != 1 else ''}, worst {worst}"
            out.append(ItemResult(item, Status.FAIL, summary, evidence))
        elif hits:
            out.append(ItemResult(item, Status.WARN, f"{len(hits)} low-severity finding{'s' if len(hits) != 1 else ''}", evidence))
        elif errors:
            out.append(ItemResult(item, Status.WARN, "could not be checked completely", tuple(e.message for e in errors)))
        else:
            out.append(ItemResult(item, Status.PASS, f"{len(ran)} check{'s' if len(ran) != 1 else ''} ran, no findings", ()))
    return out


def _error_concerns(item: ChecklistItem, kind: str, message: str, ran: Sequence[Rule]) -> bool:
    """Whether an error leaves this item partly unchecked. A probe error (the server did not
    answer, a request failed) concerns every item that live checks answer: without it an
    unreachable `--url` read as PASS, "30 checks ran, no findings"."""
    text = f"{kind} {message}".lower()
    if kind == "probe":
        return any(r.family == "probe" for r in ran)
    if item.key == "dependencies":
        return "advisor" in text or "lockfile" in text or "deps" in text
    return False
