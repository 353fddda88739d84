"""How a probe finding carries its evidence, and how every excerpt is redacted first.

A probe finding's location is a `UrlRef`; the request that showed the problem,
the response status, the header and a short body excerpt ride on a typed
`ProbeEvidence` detail that flattens itself for each reporter.  Cookie values
and `.env`-style values are replaced before any of it is stored, so no report
format can leak them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from nodeward.model import (
    Finding,
    FindingDetail,
    JSONValue,
    Rule,
    Severity,
    UrlRef,
    make_fingerprint,
)
from nodeward.probe.client import Exchange

__all__ = ["ProbeEvidence", "excerpt", "make_finding", "redact_cookie", "redact_env_line", "redact_secrets"]

MAX_EXCERPT = 300


@dataclass(frozen=True, slots=True)
class ProbeEvidence(FindingDetail):
    """What the server did: the request sent, the status, the telling header and body text."""

    request: str
    status: int | None = None
    header: str = ""
    excerpt: str = ""

    def json_fields(self) -> dict[str, JSONValue]:
        return {
            "request": self.request,
            "response_status": self.status,
            "evidence_header": self.header,
            "evidence_excerpt": self.excerpt,
        }

    def text_lines(self) -> tuple[str, ...]:
        lines = [f"request:  {self.request}" + (f" -> {self.status}" if self.status is not None else "")]
        if self.header:
            lines.append(f"header:   {self.header}")
        if self.excerpt:
            first = self.excerpt.replace("\r", "").split("\n")
            lines.append(f"excerpt:  {' | '.join(x for x in first if x.strip())[:200]}")
        return tuple(lines)


def redact_cookie(set_cookie: str) -> str:
    """`sid=abcdef...; Path=/` -> `sid=<redacted 32 chars>; Path=/` (attributes kept)."""
    head, sep, rest = set_cookie.partition(";")
    name, eq, value = head.partition("=")
    if not eq:
        return set_cookie
    return f"{name.strip()}=<redacted {len(value.strip())} chars>{sep}{rest}"


def redact_env_line(line: str) -> str:
    """`DB_PASSWORD=hunter2` -> `DB_PASSWORD=<redacted>`; comments and blank lines unchanged."""
    stripped = line.strip()
    if not stripped or stripped.startswith("#") or "=" not in stripped:
        return line
    key = stripped.split("=", 1)[0]
    return f"{key}=<redacted>"


_URL_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)([^\s/@:'\"`<>]*):([^\s/@'\"`<>]+)@")
"""`scheme://user:password@`: the remote URL of a served .git/config, a DSN in an error page."""


@functools.lru_cache(maxsize=1)
def _secret_engine() -> Any:
    from nodeward.secrets.engine import make_engine

    return make_engine()


def redact_secrets(text: str) -> str:
    """`text` with URL passwords and everything the secrets detectors recognise redacted.

    Exposed files and error pages are the places secrets leak from; the report
    quoting them must not become one more."""
    if not text:
        return text
    from nodeward.secrets.candidate import redact_text

    text = _URL_USERINFO.sub(lambda m: f"{m.group(1)}{m.group(2)}:<redacted>@", text)
    scopes = frozenset({"any", "config", "npmrc"})
    found = [m.secret for m in _secret_engine().scan(text.encode("utf-8", "surrogateescape"), scopes)]
    return redact_text(text, found) if found else text


def excerpt(text: str, limit: int = MAX_EXCERPT) -> str:
    """A short, single-paragraph slice of a body for the report, secrets redacted.

    Redaction runs on a generous slice before the final cut, so a secret that
    straddles the limit is still recognised."""
    text = redact_secrets(text.strip()[: max(8 * limit, 4096)])
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path or "/"


def make_finding(
    rule: Rule,
    ex: Exchange | None,
    message: str,
    *,
    url: str | None = None,
    method: str | None = None,
    header: str = "",
    body_excerpt: str = "",
    fix: str = "",
    key: str = "",
    severity: Severity | None = None,
) -> Finding:
    """Build a probe finding whole.

    The fingerprint uses the URL path (not host or port, which change between
    environments) plus a check-specific `key`, so baselines survive a port change.
    """
    target = url or (ex.url if ex else "")
    verb = method or (ex.method if ex else "GET")
    status = ex.status if ex else None
    return Finding(
        rule_id=rule.id,
        rule_name=rule.name,
        severity=severity or rule.severity,
        confidence=rule.confidence,
        message=message,
        location=UrlRef(url=target, method=verb, status=status),
        fingerprint=make_fingerprint(rule.id, _path(target), f"{verb} {key}"),
        cwe=rule.cwe,
        owasp=rule.owasp,
        fix=fix,
        detail=ProbeEvidence(request=f"{verb} {target}", status=status, header=header, excerpt=body_excerpt),
    )
