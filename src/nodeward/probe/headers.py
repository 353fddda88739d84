"""Security headers of the main document: CSP, framing, nosniff, referrer, COOP/CORP, legacy XSS filter.

The values helmet 8 sets are the reference for "good".  CSP is parsed per the
CSP3 grammar (directives split on `;`, names case-insensitive, the first
occurrence of a directive wins, sources split on whitespace) rather than
matched as a string, so `script-src` falling back to `default-src` is handled
the way browsers do it.
"""

from __future__ import annotations

from dataclasses import dataclass

from nodeward.model import Finding, Severity
from nodeward.probe import rules as R
from nodeward.probe.client import Exchange
from nodeward.probe.evidence import make_finding
from nodeward.probe.pages import parse_page

__all__ = ["Csp", "check_headers", "parse_csp", "script_source_problems"]

UNSAFE_REFERRER = frozenset({"unsafe-url", "no-referrer-when-downgrade", "origin", "origin-when-cross-origin"})
PRIVATE_REFERRER = frozenset({"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"})
_BROAD_SOURCES = frozenset({"*", "http:", "https:", "data:", "blob:", "filesystem:", "ws:", "wss:"})


@dataclass(frozen=True, slots=True)
class Csp:
    """A parsed policy: directive name -> tuple of sources (lower-cased keywords)."""

    directives: dict[str, tuple[str, ...]]

    def get(self, name: str) -> tuple[str, ...] | None:
        return self.directives.get(name)

    def effective(self, name: str) -> tuple[str, ...] | None:
        """The sources a fetch directive really uses: itself, else `default-src`."""
        own = self.directives.get(name)
        return own if own is not None else self.directives.get("default-src")


def parse_csp(value: str) -> Csp:
    """Parse one serialized policy; repeated directives keep the first (CSP3 §2.2.1)."""
    directives: dict[str, tuple[str, ...]] = {}
    for part in value.split(";"):
        tokens = part.strip().split()
        if not tokens:
            continue
        name = tokens[0].lower()
        if name in directives:
            continue
        directives[name] = tuple(t.lower() if t.startswith("'") or t.endswith(":") or t == "*" else t for t in tokens[1:])
    return Csp(directives)


def _has_nonce_or_hash(sources: tuple[str, ...]) -> bool:
    return any(s.startswith(("'nonce-", "'sha256-", "'sha384-", "'sha512-")) for s in sources)


def script_source_problems(csp: Csp) -> list[str]:
    """What makes the policy fail to stop injected script, in plain words (empty if sound)."""
    problems: list[str] = []
    script = csp.effective("script-src")
    if script is None:
        problems.append("no `script-src` or `default-src`")
    else:
        strict_dynamic = "'strict-dynamic'" in script
        if "'unsafe-inline'" in script and not _has_nonce_or_hash(script):
            problems.append("`'unsafe-inline'` in script-src")
        if "'unsafe-eval'" in script:
            problems.append("`'unsafe-eval'` in script-src")
        broad = sorted({s for s in script if s in _BROAD_SOURCES or s.startswith("*")})
        if broad and not strict_dynamic:
            problems.append(f"broad script sources {' '.join(broad)}")
    obj = csp.effective("object-src")
    if obj is None:
        problems.append("no `object-src` (or `default-src`)")
    elif any(s in _BROAD_SOURCES for s in obj):
        problems.append("broad `object-src`")
    if csp.get("base-uri") is None:
        problems.append("no `base-uri`")
    return problems


def page_policies(ex: Exchange) -> tuple[list[str], list[str]]:
    """(header policies, meta policies) of a response.

    Repeated headers and comma-joined values are separate policies (CSP3 §3.1);
    `<meta http-equiv>` policies are read from HTML bodies.
    """
    headers = [p.strip() for v in ex.header_all("content-security-policy") for p in v.split(",") if p.strip()]
    metas = parse_page(ex.text).meta_csp if ex.is_html else []
    return headers, metas


def referrer_value(ex: Exchange) -> str | None:
    """The `Referrer-Policy` header, else a `<meta name="referrer">` (Observatory reads both)."""
    value = ex.header("referrer-policy")
    if value is None and ex.is_html:
        value = parse_page(ex.text).meta_referrer
    return value


def frame_ancestors_set(csp: Csp | None) -> bool:
    return csp is not None and csp.get("frame-ancestors") is not None


def xfo_valid(value: str | None) -> bool:
    return value is not None and value.strip().lower() in ("deny", "sameorigin")


def check_headers(ex: Exchange) -> list[Finding]:
    """Judge the main document's headers (one finding per problem, on that URL)."""
    out: list[Finding] = []
    header_policies, meta_policies = page_policies(ex)
    policies = [(f"Content-Security-Policy: {p}", parse_csp(p)) for p in header_policies]
    policies += [(f'<meta http-equiv="Content-Security-Policy" content="{p}">', parse_csp(p)) for p in meta_policies]
    html = ex.is_html or not ex.content_type
    if html and not policies:
        report_only = ex.header("content-security-policy-report-only")
        out.append(make_finding(R.MISSING_CSP, ex, "No `Content-Security-Policy` on the page (header or meta)"
                                + (" - only `Content-Security-Policy-Report-Only`, which enforces nothing" if report_only else ""),
                                header=f"Content-Security-Policy-Report-Only: {report_only}" if report_only else "",
                                fix="Use helmet 8 (`app.use(helmet())`), which sets a strict default CSP, and tighten it for your assets."))
    if policies:
        # Every policy is enforced: a weakness counts only if no policy closes it.
        common = set(script_source_problems(policies[0][1]))
        for _, p in policies[1:]:
            common &= set(script_source_problems(p))
        problems = [p for p in script_source_problems(policies[0][1]) if p in common]
        if problems:
            out.append(make_finding(R.WEAK_CSP, ex, "Content-Security-Policy does not stop injected scripts: " + "; ".join(problems),
                                    header=" | ".join(h for h, _ in policies), key="csp",
                                    fix="Drop 'unsafe-inline'/'unsafe-eval' and wildcards from script-src (use nonces or hashes), and set object-src 'none' and base-uri 'self'."))
    csp = next((c for _, c in policies[: len(header_policies)] if c.get("frame-ancestors") is not None), None)
    xfo = ex.header("x-frame-options")
    if html and not xfo_valid(xfo) and not frame_ancestors_set(csp):
        out.append(make_finding(R.MISSING_FRAME_PROTECTION, ex,
                                "Neither `X-Frame-Options: DENY|SAMEORIGIN` nor CSP `frame-ancestors` is set" + (f" (X-Frame-Options is `{xfo}`)" if xfo else ""),
                                header=f"X-Frame-Options: {xfo}" if xfo else "",
                                fix="Send `Content-Security-Policy: frame-ancestors 'self'` (helmet does) or `X-Frame-Options: SAMEORIGIN`."))
    xcto = ex.header("x-content-type-options")
    if (xcto or "").strip().lower() != "nosniff":
        out.append(make_finding(R.MISSING_NOSNIFF, ex, "`X-Content-Type-Options: nosniff` is missing" + (f" (got `{xcto}`)" if xcto else ""),
                                header=f"X-Content-Type-Options: {xcto}" if xcto else "",
                                fix="Send `X-Content-Type-Options: nosniff` (helmet does)."))
    out.extend(_referrer(ex))
    missing = [h for h in ("Cross-Origin-Opener-Policy", "Cross-Origin-Resource-Policy") if ex.header(h) is None]
    if html and missing:
        out.append(make_finding(R.MISSING_CROSS_ORIGIN_POLICIES, ex, f"Missing {' and '.join(f'`{m}`' for m in missing)}",
                                fix="Send `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Resource-Policy: same-origin` (helmet does)."))
    xxp = ex.header("x-xss-protection")
    if xxp is not None and xxp.strip().split(";")[0].strip() != "0":
        out.append(make_finding(R.XSS_AUDITOR_ENABLED, ex, f"`X-XSS-Protection: {xxp}` enables the legacy XSS filter",
                                header=f"X-XSS-Protection: {xxp}",
                                fix="Send `X-XSS-Protection: 0` (helmet 8 does) or omit it, and rely on CSP."))
    if html and ex.header("permissions-policy") is None:
        out.append(make_finding(R.MISSING_PERMISSIONS_POLICY, ex, "No `Permissions-Policy` header",
                                fix="Send e.g. `Permissions-Policy: camera=(), microphone=(), geolocation=()` for features the app does not use."))
    return out


def referrer_tokens(value: str | None) -> list[str]:
    """The policy tokens; browsers use the last one they recognise."""
    return [t.strip().lower() for t in (value or "").split(",") if t.strip()]


def effective_referrer(value: str | None) -> str | None:
    known = PRIVATE_REFERRER | UNSAFE_REFERRER | {"unsafe-url"}
    for token in reversed(referrer_tokens(value)):
        if token in known:
            return token
    return None


def _referrer(ex: Exchange) -> list[Finding]:
    value = referrer_value(ex)
    policy = effective_referrer(value)
    fix = "Send `Referrer-Policy: no-referrer` (helmet's default) or `strict-origin-when-cross-origin`."
    if value is None:
        return [make_finding(R.REFERRER_POLICY, ex, "No `Referrer-Policy` header (browser default applies)", fix=fix, severity=Severity.INFO)]
    if policy is None:
        return [make_finding(R.REFERRER_POLICY, ex, f"`Referrer-Policy: {value}` is not a recognised policy", header=f"Referrer-Policy: {value}", fix=fix)]
    if policy in UNSAFE_REFERRER:
        return [make_finding(R.REFERRER_POLICY, ex, f"`Referrer-Policy: {policy}` sends full or origin URLs to other sites",
                             header=f"Referrer-Policy: {value}", fix=fix)]
    return []
