"""HTTPS: does plain HTTP redirect to HTTPS on the same host, and does HTTPS send HSTS?

Only the first response of the plain-HTTP URL counts (Observatory's rule): a
redirect that first goes to another plain-HTTP URL or another host defeats
HSTS, because the browser never sees the header for the host the user typed.
An HSTS header on a plain-HTTP response is ignored (RFC 6797 §8.1), so HSTS is
judged on the HTTPS response only.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from nodeward.model import Finding, Severity
from nodeward.probe import rules as R
from nodeward.probe.client import Exchange
from nodeward.probe.evidence import make_finding

__all__ = ["HSTS_MIN_SECONDS", "Hsts", "RedirectOutcome", "check_hsts", "check_redirect", "parse_hsts"]

HSTS_MIN_SECONDS = 31_536_000
"""One year: helmet 8's default and the HSTS preload list's minimum."""


@dataclass(frozen=True, slots=True)
class Hsts:
    max_age: int | None
    include_subdomains: bool
    preload: bool


def parse_hsts(value: str) -> Hsts:
    """RFC 6797 §6.1; an unparsable or missing max-age gives `max_age=None` (header invalid)."""
    max_age: int | None = None
    sub = pre = False
    for part in value.split(";"):
        name, _, val = part.strip().partition("=")
        n = name.strip().lower()
        if n == "max-age":
            v = val.strip().strip('"')
            max_age = int(v) if v.isdigit() else None
        elif n == "includesubdomains":
            sub = True
        elif n == "preload":
            pre = True
    return Hsts(max_age, sub, pre)


@dataclass(frozen=True, slots=True)
class RedirectOutcome:
    """Observatory's redirection result key for the grade, e.g. `redirection-to-https`."""

    result: str
    target: str = ""


def check_redirect(ex: Exchange) -> tuple[list[Finding], RedirectOutcome]:
    location = ex.header("location") if ex.is_redirect else None
    fix = "Answer every plain-HTTP request with `301` to `https://<same host><same path>` (a tiny redirect server, or your proxy)."
    if location is None:
        return (
            [make_finding(R.HTTP_NOT_REDIRECTED, ex, f"Plain HTTP answers {ex.status} instead of redirecting to HTTPS", fix=fix, key="none")],
            RedirectOutcome("redirection-missing"),
        )
    target = urljoin(ex.url, location)
    t = urlsplit(target)
    same_host = (t.hostname or "").lower() == (urlsplit(ex.url).hostname or "").lower()
    header = f"Location: {location}"
    if t.scheme != "https":
        return (
            [make_finding(R.HTTP_NOT_REDIRECTED, ex, f"Plain HTTP redirects to another plain-HTTP URL ({target})", header=header, fix=fix, key="http")],
            RedirectOutcome("redirection-not-to-https-on-initial-redirection", target),
        )
    if not same_host:
        return (
            [make_finding(R.HTTP_NOT_REDIRECTED, ex, f"Plain HTTP redirects to HTTPS on a different host ({t.hostname}), so HSTS is never set for this host",
                          header=header, fix=fix, key="offhost", severity=Severity.LOW)],
            RedirectOutcome("redirection-off-host-from-http", target),
        )
    if ex.status in (302, 303, 307):
        return (
            [make_finding(R.HTTP_NOT_REDIRECTED, ex, f"Plain HTTP redirects to HTTPS with a temporary {ex.status}; use 301 or 308",
                          header=header, fix=fix, key="temporary", severity=Severity.LOW)],
            RedirectOutcome("redirection-to-https", target),
        )
    return [], RedirectOutcome("redirection-to-https", target)


def check_hsts(ex: Exchange) -> list[Finding]:
    """Judge HSTS on an HTTPS response."""
    value = ex.header("strict-transport-security")
    fix = "Send `Strict-Transport-Security: max-age=31536000; includeSubDomains` on HTTPS responses (helmet does)."
    if value is None:
        return [make_finding(R.MISSING_HSTS, ex, "The HTTPS response has no `Strict-Transport-Security` header", fix=fix)]
    hsts = parse_hsts(value)
    if hsts.max_age is None:
        return [make_finding(R.MISSING_HSTS, ex, f"`Strict-Transport-Security: {value}` has no valid max-age, browsers ignore it",
                             header=f"Strict-Transport-Security: {value}", fix=fix)]
    if hsts.max_age < HSTS_MIN_SECONDS:
        return [make_finding(R.WEAK_HSTS, ex, f"HSTS max-age is {hsts.max_age}s, less than one year ({HSTS_MIN_SECONDS}s)",
                             header=f"Strict-Transport-Security: {value}", fix=fix)]
    return []
