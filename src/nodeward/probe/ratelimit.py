"""Login rate limiting, probed only with `--rate-limit-probe` and always last.

Phase 1 sends the login body `attempts` times from our own address and looks
for any sign of a limiter: a 429 or 423, `Retry-After`, the IETF `RateLimit` /
`RateLimit-Policy` headers or the older `X-RateLimit-*`, or a lockout message.
Phase 2 runs only if phase 1 saw a limiter: it repeats with a different
`X-Forwarded-For` (TEST-NET-3 addresses, RFC 5737) per request; if that lifts
the limit, the limiter trusts a client-controlled header.  `attempts` is
clamped to `HARD_CAP_ATTEMPTS` whatever the caller passes, so the probe can
never turn into a brute-force tool.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nodeward.model import Finding
from nodeward.probe import rules as R
from nodeward.probe.client import Exchange, ProbeSession
from nodeward.probe.evidence import make_finding

__all__ = ["DEFAULT_ATTEMPTS", "HARD_CAP_ATTEMPTS", "check_rate_limit", "limiter_signal", "remaining"]

DEFAULT_ATTEMPTS = 8
HARD_CAP_ATTEMPTS = 20

_LOCKOUT = re.compile(r"too many (requests|attempts|login)|rate.?limit|locked out|account (is )?locked|try again later", re.I)
_REMAINING = re.compile(r"remaining=(\d+)")


def remaining(ex: Exchange) -> int | None:
    """Requests left, from `RateLimit-Remaining`, `X-RateLimit-Remaining` or draft-7 `RateLimit: ... remaining=N`."""
    for name in ("ratelimit-remaining", "x-ratelimit-remaining"):
        v = ex.header(name)
        if v and v.strip().isdigit():
            return int(v.strip())
    combined = ex.header("ratelimit")
    if combined:
        m = _REMAINING.search(combined)
        if m:
            return int(m.group(1))
    return None


def is_blocked(ex: Exchange) -> bool:
    return ex.status in (429, 423) or (ex.status == 503 and ex.header("retry-after") is not None)


def limiter_signal(ex: Exchange) -> str | None:
    """Why this response shows a limiter, or None."""
    if is_blocked(ex):
        return f"status {ex.status}"
    for name in ("retry-after", "ratelimit", "ratelimit-limit", "ratelimit-policy", "x-ratelimit-limit", "x-ratelimit-remaining"):
        v = ex.header(name)
        if v is not None:
            return f"{name}: {v}"
    if _LOCKOUT.search(ex.text[:2000]):
        return "lockout message"
    return None


@dataclass(frozen=True, slots=True)
class LoginRequest:
    url: str
    body: bytes
    content_type: str


def _send(session: ProbeSession, login: LoginRequest, xff: str | None) -> Exchange | None:
    headers = {"Content-Type": login.content_type}
    if xff:
        headers["X-Forwarded-For"] = xff
    return session.request("POST", login.url, headers=headers, content=login.body)


def check_rate_limit(session: ProbeSession, login: LoginRequest, attempts: int) -> list[Finding]:
    n = max(1, min(attempts, HARD_CAP_ATTEMPTS))
    phase1: list[Exchange] = []
    for _ in range(n):
        ex = _send(session, login, None)
        if ex is None:
            break
        phase1.append(ex)
        if is_blocked(ex):
            break
    if not phase1:
        return []
    signals = [s for ex in phase1 if (s := limiter_signal(ex)) is not None]
    last = phase1[-1]
    if not signals:
        statuses = sorted({ex.status for ex in phase1})
        return [make_finding(R.LOGIN_WITHOUT_RATE_LIMIT, last,
                             f"{len(phase1)} login attempts in a row were all answered (status {', '.join(map(str, statuses))}) with no rate limit or lockout",
                             method="POST", key="login",
                             fix="Put a limiter on the login route, e.g. `rateLimit({ windowMs: 15 * 60 * 1000, limit: 5 })` from express-rate-limit, keyed on the client IP and the account.")]
    blocked_before = any(is_blocked(ex) for ex in phase1)
    rem_before = [r for ex in phase1 if (r := remaining(ex)) is not None]
    phase2: list[Exchange] = []
    for i in range(n):
        ex = _send(session, login, f"203.0.113.{(i % 250) + 1}")
        if ex is None:
            break
        phase2.append(ex)
    if not phase2:
        return []
    spoofed = False
    if blocked_before and any(not is_blocked(ex) for ex in phase2):
        spoofed = True
    rem_after = [r for ex in phase2 if (r := remaining(ex)) is not None]
    if not blocked_before and rem_before and rem_after and min(rem_after) >= max(rem_before):
        spoofed = True
    if spoofed:
        good = next((ex for ex in phase2 if not is_blocked(ex)), phase2[-1])
        spoofed_ip = dict(good.request_headers).get("x-forwarded-for", "")
        return [make_finding(R.SPOOFABLE_RATE_LIMIT, good,
                             "The login limit is lifted by sending a different `X-Forwarded-For`: the limiter is keyed on a client-controlled header",
                             method="POST", key="login-xff", header=f"X-Forwarded-For: {spoofed_ip} -> {good.status}",
                             fix="Key the limiter on `req.ip` with `app.set('trust proxy', <number of proxies>)` (never `true`), not on raw `X-Forwarded-For`.")]
    return []
