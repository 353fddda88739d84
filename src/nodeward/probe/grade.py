"""The score and letter grade, aligned with Mozilla's (MDN) HTTP Observatory.

Where a check overlaps with Observatory's (CSP, cookies, redirection,
Referrer-Policy, HSTS, X-Content-Type-Options, X-Frame-Options, CORP), the
result key and modifier are Observatory's own (mdn-http-observatory
`src/grader/charts.js`): start at 100, add every penalty, add bonuses only if
the score without them is at least 90, floor at 0, then read the letter off
the same chart.  That is `observatory_score`.  nodeward's own checks
(TLS versions and cipher suites, certificate, HSTS preload eligibility, exposures, verbose errors, rate limits, CSRF,
CORS reflection, fingerprinting, TRACE) add their penalties on top to give
`score`.  CORS follows what Observatory reports: it cannot see a reflected
origin (it reads the `Origin` from a request object Node's client does not
fill in), so its row is 0 there and nodeward's NW930 row carries the -50.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from urllib.parse import urljoin, urlsplit

from nodeward.model import Finding, FindingDetail, JSONValue, Severity
from nodeward.probe import rules as R
from nodeward.probe.client import Exchange
from nodeward.probe.cookies import SetCookie
from nodeward.probe.csp_score import observatory_csp_result
from nodeward.probe.evidence import make_finding
from nodeward.probe.headers import (
    PRIVATE_REFERRER,
    UNSAFE_REFERRER,
    effective_referrer,
    page_policies,
    parse_csp,
    referrer_tokens,
    referrer_value,
    xfo_valid,
)
from nodeward.probe.https import RedirectOutcome, parse_hsts
from nodeward.probe.pages import parse_page

__all__ = ["GRADE_CHART", "Grade", "GradeDetail", "GradeRow", "compute_grade", "grade_finding", "letter"]

GRADE_CHART: tuple[tuple[int, str], ...] = (
    (100, "A+"), (90, "A"), (85, "A-"), (80, "B+"), (70, "B"), (65, "B-"), (60, "C+"),
    (50, "C"), (45, "C-"), (40, "D+"), (30, "D"), (25, "D-"), (0, "F"),
)
"""Observatory's GRADE_CHART (score floor -> letter)."""
MINIMUM_SCORE_FOR_EXTRA_CREDIT = 90
HSTS_SIX_MONTHS = 15_768_000
"""Observatory's HSTS threshold; nodeward's own NW917 asks for a year."""

NODEWARD_WEIGHTS: dict[str, int] = {
    R.XSS_AUDITOR_ENABLED.id: -5,
    R.LEGACY_TLS.id: -20,
    R.CERT_EXPIRED.id: -20,
    R.CERT_HOST_MISMATCH.id: -20,
    R.CERT_NOT_TRUSTED.id: -20,
    R.WEAK_CIPHER_SUITE.id: -20,
    R.CIPHER_WITHOUT_FORWARD_SECRECY.id: -10,
    R.CBC_CIPHER_SUITE.id: -5,
    R.HSTS_PRELOAD_NOT_ELIGIBLE.id: -5,
    R.X_POWERED_BY.id: -5,
    R.DEFAULT_ERROR_PAGE.id: -5,
    R.SERVER_VERSION.id: -5,
    R.CORS_REFLECTS_WITH_CREDENTIALS.id: -50,
    R.CORS_WILDCARD_WITH_CREDENTIALS.id: -5,
    R.VERBOSE_ERRORS.id: -20,
    R.LOGIN_WITHOUT_RATE_LIMIT.id: -20,
    R.SPOOFABLE_RATE_LIMIT.id: -10,
    R.FORM_WITHOUT_CSRF_TOKEN.id: -20,
    R.EXPOSED_ENV.id: -50,
    R.EXPOSED_GIT.id: -40,
    R.EXPOSED_SOURCE_MAP.id: -5,
    R.EXPOSED_PACKAGE_JSON.id: -10,
    R.DIRECTORY_LISTING.id: -10,
    R.TRACE_ENABLED.id: -10,
}
"""Penalties for checks Observatory does not have (CORS reflection uses Observatory's -50 for universal access)."""


@dataclass(frozen=True, slots=True)
class GradeRow:
    check: str
    result: str
    modifier: int
    source: str
    """`observatory` (same test and weight as Observatory) or `nodeward` (nodeward-only)."""


@dataclass(frozen=True, slots=True)
class Grade:
    score: int
    letter: str
    observatory_score: int
    observatory_letter: str
    rows: tuple[GradeRow, ...]


def letter(score: int) -> str:
    for floor, grade in GRADE_CHART:
        if score >= floor:
            return grade
    return "F"


def _total(mods: Iterable[int]) -> int:
    mods = list(mods)
    base = 100 + sum(m for m in mods if m < 0)
    bonus = sum(m for m in mods if m > 0) if base >= MINIMUM_SCORE_FOR_EXTRA_CREDIT else 0
    return max(0, base + bonus)


def _csp_row(main: Exchange) -> GradeRow:
    headers, metas = page_policies(main)
    report_only = main.header("content-security-policy-report-only") is not None
    result, modifier = observatory_csp_result(headers, metas, report_only, main.scheme == "https")
    return GradeRow("content-security-policy", result, modifier, "observatory")


# Observatory's cookie results from least to most bad (its `goodness` list); the worst seen wins.
_COOKIE_ORDER: tuple[tuple[str, int], ...] = (
    ("cookies-without-secure-flag-but-protected-by-hsts", -5),
    ("cookies-without-secure-flag", -20),
    ("cookies-session-without-secure-flag-but-protected-by-hsts", -10),
    ("cookies-samesite-flag-invalid", -20),
    ("cookies-anticsrf-without-samesite-flag", -20),
    ("cookies-session-without-httponly-flag", -30),
    ("cookies-session-without-secure-flag", -40),
)


def observatory_session_cookie(name: str) -> bool:
    """Observatory's own, narrower notion of a session cookie (`login` or `sess` in the name).

    nodeward's NW910 also treats `sid`, `token`, `jwt`, `auth` ... as session cookies, so
    `sid` without HttpOnly is a finding for nodeward but not an Observatory penalty.
    """
    low = name.lower()
    return "login" in low or "sess" in low


def _cookie_row(cookies: list[tuple[Exchange, SetCookie]], hsts: bool) -> GradeRow:
    if not cookies:
        return GradeRow("cookies", "cookies-not-found", 0, "observatory")
    worst = -1
    order = [k for k, _ in _COOKIE_ORDER]

    def seen(key: str) -> None:
        nonlocal worst
        worst = max(worst, order.index(key))

    for _, c in cookies:
        session = observatory_session_cookie(c.name)
        ss = c.same_site_normalised
        if ss is not None and ss not in ("strict", "lax", "none"):
            seen("cookies-samesite-flag-invalid")
        if not c.secure and ss == "none":
            seen("cookies-samesite-flag-invalid")
        if not c.secure:
            seen("cookies-without-secure-flag-but-protected-by-hsts" if hsts else "cookies-without-secure-flag")
        if "csrf" in c.name.lower() and ss is None:
            seen("cookies-anticsrf-without-samesite-flag")
        if session and not c.secure:
            seen("cookies-session-without-secure-flag-but-protected-by-hsts" if hsts else "cookies-session-without-secure-flag")
        if session and not c.http_only:
            seen("cookies-session-without-httponly-flag")
    if worst >= 0:
        key, mod = _COOKIE_ORDER[worst]
        return GradeRow("cookies", key, mod, "observatory")
    if all(c.same_site is not None for _, c in cookies):
        return GradeRow("cookies", "cookies-secure-with-httponly-sessions-and-samesite", 5, "observatory")
    return GradeRow("cookies", "cookies-secure-with-httponly-sessions", 0, "observatory")


def _hsts_row(main: Exchange, invalid_cert: bool, preloaded: bool = False) -> tuple[GradeRow, bool]:
    if main.scheme != "https":
        return GradeRow("strict-transport-security", "hsts-not-implemented-no-https", -20, "observatory"), False
    if preloaded:
        # Observatory: "If they're in the preloaded list, this overrides most anything else" (+5).
        # Only given with --hsts-preload-list: nodeward never fetches the list.
        return GradeRow("strict-transport-security", "hsts-preloaded", 5, "observatory"), True
    if invalid_cert:
        # Browsers ignore HSTS from a host whose certificate they reject (RFC 6797 §8.1).
        return GradeRow("strict-transport-security", "hsts-invalid-cert", -20, "observatory"), False
    value = main.header("strict-transport-security")
    if value is None:
        return GradeRow("strict-transport-security", "hsts-not-implemented", -20, "observatory"), False
    h = parse_hsts(value)
    if h.max_age is None:
        return GradeRow("strict-transport-security", "hsts-header-invalid", -20, "observatory"), False
    if h.max_age < HSTS_SIX_MONTHS:
        return GradeRow("strict-transport-security", "hsts-implemented-max-age-less-than-six-months", -10, "observatory"), True
    return GradeRow("strict-transport-security", "hsts-implemented-max-age-at-least-six-months", 0, "observatory"), True


def _redirect_row(redirect: RedirectOutcome | None) -> GradeRow:
    if redirect is None:
        return GradeRow("redirection", "not-checked (no http:// URL given)", 0, "observatory")
    mods = {
        "redirection-to-https": 0,
        "redirection-not-needed-no-http": 0,
        "redirection-off-host-from-http": -5,
        "redirection-not-to-https-on-initial-redirection": -10,
        "redirection-not-to-https": -20,
        "redirection-missing": -20,
    }
    return GradeRow("redirection", redirect.result, mods.get(redirect.result, 0), "observatory")


def _referrer_row(main: Exchange) -> GradeRow:
    value = referrer_value(main)
    if value is None:
        return GradeRow("referrer-policy", "referrer-policy-not-implemented", 0, "observatory")
    policy = effective_referrer(value)
    if policy in PRIVATE_REFERRER:
        return GradeRow("referrer-policy", "referrer-policy-private", 5, "observatory")
    if policy in UNSAFE_REFERRER:
        return GradeRow("referrer-policy", "referrer-policy-unsafe", -5, "observatory")
    _ = referrer_tokens(value)
    return GradeRow("referrer-policy", "referrer-policy-header-invalid", -5, "observatory")


def _xfo_row(main: Exchange) -> GradeRow:
    headers, _ = page_policies(main)  # frame-ancestors is ignored in <meta> policies
    if any(parse_csp(h).get("frame-ancestors") is not None for h in headers):
        return GradeRow("x-frame-options", "x-frame-options-implemented-via-csp", 5, "observatory")
    xfo = main.header("x-frame-options")
    if xfo is None:
        return GradeRow("x-frame-options", "x-frame-options-not-implemented", -20, "observatory")
    if xfo_valid(xfo):
        return GradeRow("x-frame-options", "x-frame-options-sameorigin-or-deny", 0, "observatory")
    if xfo.strip().lower().startswith("allow-from"):
        # Observatory still accepts ALLOW-FROM; browsers ignore it, so NW903 reports the page as frameable.
        return GradeRow("x-frame-options", "x-frame-options-allow-from-origin", 0, "observatory")
    return GradeRow("x-frame-options", "x-frame-options-header-invalid", -20, "observatory")


def _xcto_row(main: Exchange) -> GradeRow:
    v = main.header("x-content-type-options")
    if v is None:
        return GradeRow("x-content-type-options", "x-content-type-options-not-implemented", -5, "observatory")
    if v.strip().lower() == "nosniff":
        return GradeRow("x-content-type-options", "x-content-type-options-nosniff", 0, "observatory")
    return GradeRow("x-content-type-options", "x-content-type-options-header-invalid", -5, "observatory")


def _corp_row(main: Exchange) -> GradeRow:
    v = (main.header("cross-origin-resource-policy") or "").strip().lower()
    if not v:
        return GradeRow("cross-origin-resource-policy", "corp-not-implemented", 0, "observatory")
    if v in ("same-origin", "same-site"):
        return GradeRow("cross-origin-resource-policy", f"corp-implemented-with-{v}", 10, "observatory")
    if v == "cross-origin":
        return GradeRow("cross-origin-resource-policy", "corp-implemented-with-cross-origin", 0, "observatory")
    return GradeRow("cross-origin-resource-policy", "corp-header-invalid", -5, "observatory")


def _cors_row(cors: Exchange | None) -> GradeRow:
    acao = (cors.header("access-control-allow-origin") or "").strip() if cors is not None else ""
    if not acao:
        return GradeRow("cross-origin-resource-sharing", "cross-origin-resource-sharing-not-implemented", 0, "observatory")
    if acao == "*":
        return GradeRow("cross-origin-resource-sharing", "cross-origin-resource-sharing-implemented-with-public-access", 0, "observatory")
    return GradeRow("cross-origin-resource-sharing", "cross-origin-resource-sharing-implemented-with-restricted-access", 0, "observatory")


def _sri_row(main: Exchange) -> GradeRow:
    """Observatory's SRI test on the main page's `<script src>` tags."""
    if not main.is_html:
        return GradeRow("subresource-integrity", "sri-not-implemented-response-not-html", 0, "observatory")
    facts = parse_page(main.text)
    if not facts.scripts:
        return GradeRow("subresource-integrity", "sri-not-implemented-but-no-scripts-loaded", 0, "observatory")
    host = (urlsplit(main.url).hostname or "").lower()
    external_insecure = external = False
    for src in facts.scripts:
        if src.startswith("//"):
            external = external_insecure = True
            continue
        full = urlsplit(urljoin(main.url, src))
        if (full.hostname or "").lower() != host:
            external = True
            if full.scheme != "https":
                external_insecure = True
    all_sri = all(facts.script_integrity)
    if external_insecure:
        if all_sri:
            return GradeRow("subresource-integrity", "sri-implemented-but-external-scripts-not-loaded-securely", -20, "observatory")
        return GradeRow("subresource-integrity", "sri-not-implemented-and-external-scripts-not-loaded-securely", -50, "observatory")
    if external:
        if all_sri:
            return GradeRow("subresource-integrity", "sri-implemented-and-external-scripts-loaded-securely", 5, "observatory")
        return GradeRow("subresource-integrity", "sri-not-implemented-but-external-scripts-loaded-securely", -5, "observatory")
    if all_sri:
        return GradeRow("subresource-integrity", "sri-implemented-and-all-scripts-loaded-securely", 5, "observatory")
    return GradeRow("subresource-integrity", "sri-not-implemented-but-all-scripts-loaded-from-secure-origin", 0, "observatory")


def compute_grade(
    main: Exchange,
    cookies: list[tuple[Exchange, SetCookie]],
    redirect: RedirectOutcome | None,
    findings: Iterable[Finding],
    cors: Exchange | None = None,
    *,
    preloaded: bool = False,
) -> Grade:
    findings = list(findings)
    invalid_cert = any(
        f.rule_id in (R.CERT_HOST_MISMATCH.id, R.CERT_NOT_TRUSTED.id) or (f.rule_id == R.CERT_EXPIRED.id and f.severity >= Severity.HIGH) for f in findings
    )
    hsts_row, hsts_ok = _hsts_row(main, invalid_cert, preloaded)
    obs_rows = [
        _csp_row(main),
        _cookie_row(cookies, hsts_ok),
        _cors_row(cors),
        _redirect_row(redirect),
        _referrer_row(main),
        hsts_row,
        _sri_row(main),
        _xcto_row(main),
        _xfo_row(main),
        _corp_row(main),
    ]
    nw_rows: list[GradeRow] = []
    seen: set[str] = set()
    for f in sorted(findings, key=lambda f: f.rule_id):
        weight = NODEWARD_WEIGHTS.get(f.rule_id)
        if weight is None or f.rule_id in seen:
            continue
        seen.add(f.rule_id)
        if f.rule_id == R.CERT_EXPIRED.id and f.severity < Severity.HIGH:
            weight = -5
        nw_rows.append(GradeRow(f"{f.rule_id} {f.rule_name}", "failed", weight, "nodeward"))
    obs = _total(r.modifier for r in obs_rows)
    total = _total(r.modifier for r in (*obs_rows, *nw_rows))
    return Grade(total, letter(total), obs, letter(obs), (*obs_rows, *nw_rows))


@dataclass(frozen=True, slots=True)
class GradeDetail(FindingDetail):
    """The grade and its per-check table, for every reporter."""

    grade: Grade

    def json_fields(self) -> dict[str, JSONValue]:
        g = self.grade
        return {
            "grade": g.letter,
            "score": g.score,
            "observatory_grade": g.observatory_letter,
            "observatory_score": g.observatory_score,
            "checks": [{"check": r.check, "result": r.result, "modifier": r.modifier, "source": r.source} for r in g.rows],
        }

    def text_lines(self) -> tuple[str, ...]:
        g = self.grade
        lines = [f"grade {g.letter} (score {g.score}); Observatory-comparable: {g.observatory_letter} ({g.observatory_score})"]
        width = max((len(r.check) for r in g.rows), default=0)
        lines.extend(f"  {r.modifier:+4d}  {r.check:<{width}}  {r.result}  [{r.source}]" for r in g.rows)
        return tuple(lines)


def grade_finding(main: Exchange, grade: Grade) -> Finding:
    worst = sorted((r for r in grade.rows if r.modifier < 0), key=lambda r: r.modifier)[:3]
    fix = ("Start with the most costly checks: " + ", ".join(f"{r.check} ({r.modifier})" for r in worst) + ".") if worst else ""
    f = make_finding(
        R.PROBE_GRADE, main,
        f"Grade {grade.letter} (score {grade.score}; Observatory-comparable {grade.observatory_letter}, {grade.observatory_score})",
        key="grade", fix=fix,
    )
    return replace(f, detail=GradeDetail(grade))
