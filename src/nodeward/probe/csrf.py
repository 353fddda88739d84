"""CSRF: POST forms without a token, when the session cookie does not stop cross-site POSTs.

A form without a hidden token is only exploitable if the browser attaches the
session cookie to a cross-site POST, which `SameSite=Lax` or `Strict` prevents.
So the finding needs both halves: an unprotected form, and an observed
session cookie without Lax/Strict.  No session cookie seen means no finding.
"""

from __future__ import annotations

import re

from nodeward.model import Finding
from nodeward.probe import rules as R
from nodeward.probe.client import Exchange
from nodeward.probe.cookies import SetCookie, is_session_cookie
from nodeward.probe.evidence import make_finding, redact_cookie
from nodeward.probe.pages import parse_page

__all__ = ["check_csrf", "is_token_field"]

_TOKEN_FIELD = re.compile(r"csrf|xsrf|authenticity_token|__requestverificationtoken|anti.?forgery|^_token$|nonce", re.I)


def is_token_field(name: str) -> bool:
    return bool(_TOKEN_FIELD.search(name))


def check_csrf(pages: list[Exchange], cookies: list[tuple[Exchange, SetCookie]]) -> list[Finding]:
    weak = [c for _, c in cookies if is_session_cookie(c) and c.same_site_normalised not in ("lax", "strict")]
    if not weak:
        return []
    cookie = weak[0]
    out: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for ex in pages:
        if not ex.is_html:
            continue
        facts = parse_page(ex.text)
        if facts.meta_csrf:
            continue
        for form in facts.forms:
            if form.method != "post" or any(is_token_field(n) for n in form.hidden_inputs):
                continue
            key = (ex.url, form.action)
            if key in seen:
                continue
            seen.add(key)
            out.append(make_finding(
                R.FORM_WITHOUT_CSRF_TOKEN, ex,
                f"POST form (action `{form.action or '(same page)'}`) has no CSRF token field, and session cookie `{cookie.name}` is not `SameSite=Lax|Strict`",
                header=f"Set-Cookie: {redact_cookie(cookie.raw)}", key=f"form {form.action}",
                fix="Add a per-session CSRF token to state-changing forms and verify it server-side, and set `sameSite: 'lax'` on the session cookie.",
            ))
    return out
