"""Set-Cookie parsing (RFC 6265 §5.2) and the cookie checks.

Cookies are gathered from every response the probe saw (`/`, the login path,
error pages), and each cookie name is judged once, on the first response that
set it, so a cookie repeated on every page is one finding, not twenty.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from nodeward.model import Finding
from nodeward.probe import rules as R
from nodeward.probe.client import Exchange
from nodeward.probe.evidence import make_finding, redact_cookie

__all__ = ["SetCookie", "check_cookies", "is_session_cookie", "observed_cookies", "parse_set_cookie"]

_SESSION_NAME = re.compile(r"sess|(?<![a-z])sid(?![a-z])|token|jwt|(?<![a-z])auth(?!or)|login|remember|identity", re.I)
"""`sid` and `auth` only as words (`connect.sid`, `__Host-sid`, `auth_token`), not inside
`outside_banner` or `author_pref`."""
_CSRF_NAME = re.compile(r"csrf|xsrf", re.I)
"""Double-submit CSRF cookies (`XSRF-TOKEN`, `csrftoken`) are read by the page's own
JavaScript by design; Observatory exempts them from its HttpOnly test too."""


@dataclass(frozen=True, slots=True)
class SetCookie:
    name: str
    value_length: int
    secure: bool
    http_only: bool
    same_site: str | None
    """The raw SameSite value as sent (`Lax`, `strict`, `None`, `bogus`), or None when absent."""
    raw: str

    @property
    def same_site_normalised(self) -> str | None:
        return self.same_site.strip().lower() if self.same_site is not None else None


def parse_set_cookie(header: str) -> SetCookie | None:
    """One `Set-Cookie` value; None for a header with no `name=` pair (ignored by browsers)."""
    parts = header.split(";")
    name, eq, value = parts[0].partition("=")
    name = name.strip()
    if not eq or not name:
        return None
    secure = http_only = False
    same_site: str | None = None
    for attr in parts[1:]:
        key, _, val = attr.partition("=")
        k = key.strip().lower()
        if k == "secure":
            secure = True
        elif k == "httponly":
            http_only = True
        elif k == "samesite":
            same_site = val.strip()
    return SetCookie(name, len(value.strip()), secure, http_only, same_site, header)


def is_session_cookie(cookie: SetCookie) -> bool:
    return not _CSRF_NAME.search(cookie.name) and bool(_SESSION_NAME.search(cookie.name))


def observed_cookies(exchanges: Iterable[Exchange]) -> list[tuple[Exchange, SetCookie]]:
    """First (exchange, cookie) per cookie name, in the order the probe saw them.

    Deletions (`Max-Age=0` or an `Expires` in the past are not parsed; empty values
    are) are skipped: clearing a cookie is not setting one.
    """
    seen: set[str] = set()
    out: list[tuple[Exchange, SetCookie]] = []
    for ex in exchanges:
        for raw in ex.header_all("set-cookie"):
            c = parse_set_cookie(raw)
            if c is None or c.value_length == 0 or c.name in seen:
                continue
            seen.add(c.name)
            out.append((ex, c))
    return out


def check_cookies(cookies: list[tuple[Exchange, SetCookie]], *, https_site: bool) -> list[Finding]:
    """HttpOnly on session cookies, Secure over HTTPS, SameSite present and sane."""
    out: list[Finding] = []
    for ex, c in cookies:
        evidence = f"Set-Cookie: {redact_cookie(c.raw)}"
        if is_session_cookie(c) and not c.http_only:
            out.append(make_finding(R.SESSION_COOKIE_WITHOUT_HTTPONLY, ex, f"Session cookie `{c.name}` is set without `HttpOnly`",
                                    header=evidence, key=c.name,
                                    fix="Set `httpOnly: true` on the session cookie (express-session's default; check custom `res.cookie` calls)."))
        needs_secure = ex.scheme == "https" or not https_site
        if needs_secure and not c.secure:
            where = "over HTTPS" if ex.scheme == "https" else "on a site with no HTTPS"
            out.append(make_finding(R.COOKIE_WITHOUT_SECURE, ex, f"Cookie `{c.name}` is set {where} without `Secure`",
                                    header=evidence, key=c.name,
                                    fix="Set `secure: true` on the cookie (and `app.set('trust proxy', 1)` behind a TLS-terminating proxy)."))
        ss = c.same_site_normalised
        problem = None
        if ss is None:
            problem = "has no `SameSite` attribute"
        elif ss not in ("strict", "lax", "none"):
            problem = f"has an invalid `SameSite={c.same_site}`"
        elif ss == "none" and not c.secure:
            problem = "uses `SameSite=None` without `Secure` (browsers reject it)"
        if problem:
            out.append(make_finding(R.COOKIE_SAMESITE, ex, f"Cookie `{c.name}` {problem}", header=evidence, key=c.name,
                                    fix="Set `sameSite: 'lax'` (or `'strict'`) on the cookie."))
    return out
