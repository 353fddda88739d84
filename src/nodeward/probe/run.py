"""`probe_url`: run every check against one server, in a fixed and bounded order.

Order matters: page fetches first (they feed cookies, forms and scripts), then
the checks that provoke errors or probe for files, TLS, and the login rate
limit last, because it can lock the scanner's address out.  Every request goes
through one `ProbeSession` (allowed origins, request cap, bounded reads).
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from nodeward.analyzer import AnalyzerOutput
from nodeward.config import Config
from nodeward.model import Finding, ScanError, ScanResult, Severity, Skipped
from nodeward.probe import rules as R
from nodeward.probe.ciphers import cipher_errors, cipher_skips
from nodeward.probe.client import Exchange, ProbeSession, make_client, origin_of
from nodeward.probe.cookies import check_cookies, observed_cookies
from nodeward.probe.cors import check_cors
from nodeward.probe.csrf import check_csrf
from nodeward.probe.errors import check_errors
from nodeward.probe.exposures import check_exposures
from nodeward.probe.fingerprint import check_fingerprint
from nodeward.probe.grade import compute_grade, grade_finding
from nodeward.probe.headers import check_headers
from nodeward.probe.https import RedirectOutcome, check_hsts, check_redirect
from nodeward.probe.options import MAX_EXTRA_PATHS, ProbeOptions, check_url, login_payload, validate
from nodeward.probe.preload import PreloadList, check_preload, judge_preload, load_preload_list
from nodeward.probe.ratelimit import LoginRequest, check_rate_limit
from nodeward.probe.tls import judge_tls, probe_tls

__all__ = ["probe_url"]


def _with_path(url: str, path: str) -> str:
    p = urlsplit(url)
    return urlunsplit((p.scheme, p.netloc, path, "", ""))


def probe_url(
    url: str,
    options: ProbeOptions | None = None,
    config: Config | None = None,
    *,
    transport: httpx.BaseTransport | None = None,
) -> ScanResult:
    """Probe a running server and return a finalized ScanResult (findings with `UrlRef` locations).

    Raises `UsageError` for bad arguments.  A server that cannot be reached is a
    fatal `ScanError` in the result (exit 3), not an exception.  `transport`
    replaces the network (tests use `httpx.MockTransport`).
    """
    from nodeward.scanner import finalize

    options = options or ProbeOptions()
    config = config or Config()
    check_url(url)
    validate(options)
    # Read before any request: a bad list is a usage error (exit 2), not a half-done probe.
    preload_list = load_preload_list(options.hsts_preload_list) if options.hsts_preload_list else None
    started = time.perf_counter()
    findings, errors, skipped, requests = _run(url, options, transport, preload_list)
    result = finalize(
        Path("."),
        config,
        [AnalyzerOutput(tuple(findings), tuple(errors), tuple(skipped), {"requests": requests})],
        families={"probe"},
        started=started,
    )
    return replace(result, root=url)


def _run(
    url: str, options: ProbeOptions, transport: httpx.BaseTransport | None, preload_list: PreloadList | None = None
) -> tuple[list[Finding], list[ScanError], list[Skipped], int]:
    scheme = urlsplit(url).scheme
    http_url = url if scheme == "http" else None
    https_url = url if scheme == "https" else options.https_url
    primary = https_url or url
    origins = frozenset(origin_of(u) for u in (url, https_url) if u)
    skipped: list[Skipped] = []
    findings: list[Finding] = []
    with make_client(timeout=options.timeout, ca_cert=options.ca_cert, insecure=options.insecure, transport=transport) as client:
        session = ProbeSession(client, origins, timeout=options.timeout)
        first_index = len(session.exchanges)
        main = session.request("GET", primary, follow=True)
        if main is None:
            reason = session.errors[-1].message if session.errors else f"{primary}: no response"
            fatal = ScanError(message=f"{reason} (nothing was probed)", path=primary, kind="probe", incomplete=True, fatal=True)
            if https_url and options.check_tls and "certificate" in reason.lower():
                # Say *why* the certificate is refused (expired, wrong host, unknown CA) even
                # though nothing else can be probed without --insecure.
                findings.extend(judge_tls(probe_tls(https_url, options.timeout, options.ca_cert, ciphers=False), https_url))
            return findings, [*session.errors[:-1], fatal], skipped, session.requests_sent

        redirect: RedirectOutcome | None = None
        if http_url and https_url:
            first = session.request("GET", http_url)
            if first is not None:
                fs, redirect = check_redirect(first)
                findings.extend(fs)
        elif http_url:
            first = main if main.url == http_url else session.request("GET", http_url)
            if first is not None:
                fs, redirect = check_redirect(first)
                findings.extend(fs)
            skipped.append(Skipped(http_url, "HTTPS checks (HSTS, TLS, Secure cookies) not run: pass --https-url to probe the HTTPS origin"))
        else:
            skipped.append(Skipped(primary, "plain-HTTP redirect not checked: pass the http:// URL as URL and this one as --https-url"))

        # A redirect we may not follow (to an origin not given) is not the page: judging its
        # headers, or grading it, would describe the redirect, not the site.
        page_reached = not main.is_redirect
        if page_reached:
            findings.extend(check_headers(main))
            if main.scheme == "https":
                findings.extend(check_hsts(main))
        else:
            target = urljoin(main.url, main.header("location") or "")
            skipped.append(Skipped(main.url, f"page headers and grade not checked: {main.url} redirects to {target}, outside the given origins (pass it as --https-url or URL)"))

        pages: list[Exchange] = [main]
        if options.login_path:
            login_page = session.request("GET", _with_path(primary, options.login_path), follow=True)
            if login_page is not None:
                pages.append(login_page)
        for path in options.paths[:MAX_EXTRA_PATHS]:
            ex = session.request("GET", _with_path(primary, path), follow=True)
            if ex is not None:
                pages.append(ex)
        login: LoginRequest | None = None
        if options.login_path and options.login_body is not None:
            body, ctype = login_payload(options.login_body)
            login = LoginRequest(_with_path(primary, options.login_path), body, ctype)
            session.request("POST", login.url, headers={"Content-Type": ctype}, content=body)

        post_path = urlsplit(main.url).path or "/"
        error_findings, probes = check_errors(session, primary, post_path)
        findings.extend(error_findings)
        findings.extend(check_cors(session, main.url))
        findings.extend(check_exposures(session, primary, pages))

        cookies = observed_cookies(session.exchanges)
        findings.extend(check_cookies(cookies, https_site=https_url is not None))
        findings.extend(check_csrf(pages, cookies))
        findings.extend(check_fingerprint(session.exchanges, probes.not_found))

        tls_errors: list[ScanError] = []
        if https_url and options.check_tls:
            tls = probe_tls(https_url, options.timeout, options.ca_cert)
            findings.extend(judge_tls(tls, https_url))
            if tls.untestable:
                skipped.append(Skipped(https_url, f"TLS versions not tested (the local OpenSSL cannot offer them): {', '.join(tls.untestable)}"))
            if tls.ciphers is not None:
                skipped.extend(cipher_skips(tls.ciphers, https_url))
                tls_errors.extend(cipher_errors(tls.ciphers, https_url))

        preloaded = False
        if page_reached and main.scheme == "https":
            first_https = session.exchanges[first_index] if len(session.exchanges) > first_index else main
            verdict = check_preload(
                first_https, main, redirect, _cert_problem(findings), bool(https_url and options.check_tls),
                preload_list, urlsplit(main.url).hostname or "",
            )
            findings.extend(judge_preload(verdict, main))
            preloaded = verdict.preloaded

        if options.rate_limit_probe and login is not None:
            findings.extend(check_rate_limit(session, login, options.attempts))
        elif options.rate_limit_probe:
            skipped.append(Skipped(primary, "rate-limit probe not run: --login-body is required"))

        if page_reached:
            cors = next((e for e in session.exchanges if e.method == "GET" and dict(e.request_headers).get("origin", "null") != "null"), None)
            grade = compute_grade(main, cookies, redirect, findings, cors, preloaded=preloaded)
            findings.append(grade_finding(main, grade))
        return findings, [*session.errors, *tls_errors], skipped, session.requests_sent


def _cert_problem(findings: list[Finding]) -> str | None:
    """Why browsers would reject the certificate (expired, wrong host, untrusted), from the TLS findings."""
    for f in findings:
        if f.rule_id in (R.CERT_HOST_MISMATCH.id, R.CERT_NOT_TRUSTED.id) or (f.rule_id == R.CERT_EXPIRED.id and f.severity >= Severity.HIGH):
            return f.message
    return None
