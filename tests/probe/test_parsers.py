"""Parsers and judges in isolation: CSP, Set-Cookie, HSTS, referrer, TLS host match, error leaks, soft 404s."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
import pytest

from nodeward.probe import ProbeOptions, probe_url
from nodeward.probe.client import Exchange
from nodeward.probe.cookies import is_session_cookie, parse_set_cookie
from nodeward.probe.cors import judge_cors
from nodeward.probe.errors import leaks
from nodeward.probe.exposures import (
    looks_like_env,
    looks_like_git_head,
    looks_like_package_json,
    looks_like_source_map,
)
from nodeward.probe.fixtures import fixture_transport, parse_fixture
from nodeward.probe.grade import letter
from nodeward.probe.headers import effective_referrer, parse_csp, script_source_problems
from nodeward.probe.https import check_redirect, parse_hsts
from nodeward.probe.pages import parse_page
from nodeward.probe.ratelimit import limiter_signal, remaining
from nodeward.probe.tls import TlsReport, host_matches, judge_tls


def ex(status: int = 200, headers: list[tuple[str, str]] | None = None, body: str = "", url: str = "https://example.test/", method: str = "GET") -> Exchange:
    return Exchange(method, url, status, tuple((k.lower(), v) for k, v in (headers or [])), body.encode())


# ---------------------------------------------------------------- CSP
def test_csp_first_directive_wins_and_case_folds() -> None:
    csp = parse_csp("Script-Src 'self'; script-src *; DEFAULT-SRC 'none' ;;")
    assert csp.get("script-src") == ("'self'",)
    assert csp.get("default-src") == ("'none'",)


def test_csp_fallback_to_default_src() -> None:
    csp = parse_csp("default-src 'self'; base-uri 'none'")
    assert csp.effective("script-src") == ("'self'",) and csp.effective("object-src") == ("'self'",)
    assert script_source_problems(csp) == []


@pytest.mark.parametrize(
    ("policy", "problem"),
    [
        ("script-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'", "`'unsafe-inline'` in script-src"),
        ("script-src 'self' 'unsafe-eval'; object-src 'none'; base-uri 'self'", "`'unsafe-eval'` in script-src"),
        ("script-src https:; object-src 'none'; base-uri 'self'", "broad script sources https:"),
        ("script-src *.cdn.test; object-src 'none'; base-uri 'self'", "broad script sources *.cdn.test"),
        ("img-src 'self'; object-src 'none'; base-uri 'self'", "no `script-src` or `default-src`"),
        ("script-src 'self'; base-uri 'self'", "no `object-src` (or `default-src`)"),
        ("default-src 'self'", "no `base-uri`"),
    ],
)
def test_csp_problems(policy: str, problem: str) -> None:
    assert problem in script_source_problems(parse_csp(policy))


def test_csp_nonce_neutralises_unsafe_inline() -> None:
    csp = parse_csp("script-src 'nonce-abc' 'unsafe-inline' 'strict-dynamic' https:; object-src 'none'; base-uri 'none'")
    assert script_source_problems(csp) == []


# ---------------------------------------------------------------- cookies
@pytest.mark.parametrize(
    ("header", "name", "secure", "http_only", "same_site"),
    [
        ("sid=abc; Path=/; HttpOnly; Secure; SameSite=Lax", "sid", True, True, "Lax"),
        ("connect.sid=s%3Aabc.def; path=/; expires=Wed, 21 Oct 2026 07:28:00 GMT; httponly", "connect.sid", False, True, None),
        ("theme=dark;secure;SAMESITE=none", "theme", True, False, "none"),
        ("a=b=c; Secure", "a", True, False, None),
    ],
)
def test_set_cookie_parsing(header: str, name: str, secure: bool, http_only: bool, same_site: str | None) -> None:
    c = parse_set_cookie(header)
    assert c is not None
    assert (c.name, c.secure, c.http_only, c.same_site) == (name, secure, http_only, same_site)


def test_set_cookie_without_pair_is_ignored() -> None:
    assert parse_set_cookie("HttpOnly; Secure") is None
    assert parse_set_cookie("=value") is None


@pytest.mark.parametrize(("name", "session"), [("connect.sid", True), ("SESSIONID", True), ("jwt", True), ("auth_token", True), ("theme", False), ("_ga", False)])
def test_session_cookie_names(name: str, session: bool) -> None:
    c = parse_set_cookie(f"{name}=1")
    assert c is not None and is_session_cookie(c) is session


# ---------------------------------------------------------------- HSTS / redirect / referrer
def test_hsts_parsing() -> None:
    h = parse_hsts('max-age="31536000"; includeSubDomains; preload')
    assert (h.max_age, h.include_subdomains, h.preload) == (31536000, True, True)
    assert parse_hsts("includeSubDomains").max_age is None
    assert parse_hsts("max-age=-1").max_age is None


@pytest.mark.parametrize(
    ("status", "location", "result", "flagged"),
    [
        (301, "https://example.test/", "redirection-to-https", False),
        (308, "https://example.test/a", "redirection-to-https", False),
        (302, "https://example.test/", "redirection-to-https", True),
        (301, "https://www.example.test/", "redirection-off-host-from-http", True),
        (301, "http://example.test/login", "redirection-not-to-https-on-initial-redirection", True),
        (200, None, "redirection-missing", True),
    ],
)
def test_redirect_outcomes(status: int, location: str | None, result: str, flagged: bool) -> None:
    headers = [("Location", location)] if location else []
    findings, outcome = check_redirect(ex(status, headers, url="http://example.test/"))
    assert outcome.result == result
    assert [f.rule_id for f in findings] == (["NW915"] if flagged else [])


def test_referrer_last_known_token_wins() -> None:
    assert effective_referrer("no-referrer, unsafe-url") == "unsafe-url"
    assert effective_referrer("unsafe-url, bogus-new-policy") == "unsafe-url"
    assert effective_referrer("bogus") is None


# ---------------------------------------------------------------- TLS
def test_host_matching() -> None:
    assert host_matches("127.0.0.1", ("127.0.0.1",))
    assert not host_matches("127.0.0.1", ("localhost",))
    assert host_matches("api.example.test", ("*.example.test",))
    assert not host_matches("a.b.example.test", ("*.example.test",))
    assert not host_matches("example.test", ("*.example.test",))
    assert host_matches("Example.Test.", ("example.test",))


def test_tls_expiry_window() -> None:
    now = dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)
    soon = TlsReport("example.test", ("TLSv1.3",), not_after=now + dt.timedelta(days=3), names=("example.test",))
    later = TlsReport("example.test", ("TLSv1.3",), not_after=now + dt.timedelta(days=60), names=("example.test",))
    [f] = judge_tls(soon, "https://example.test/", now=now)
    assert (f.rule_id, str(f.severity)) == ("NW921", "low")
    assert judge_tls(later, "https://example.test/", now=now) == []


# ---------------------------------------------------------------- errors, pages, exposures, limits
def test_leaks_in_express_default_error_page() -> None:
    body = "<pre>TypeError: x is undefined<br> &nbsp; &nbsp;at handler (/home/app/src/routes.js:12:5)<br></pre>"
    assert leaks(body) == ["stack frames", "absolute server paths"]
    assert leaks('{"error":"internal error"}') == []
    assert leaks("at the start of a sentence: 12:30") == []


def test_page_facts() -> None:
    facts = parse_page('<title> Index of /x </title><form method=POST action=/a><input type=hidden name=_csrf></form><script src="/a.js"></script><form></form>')
    assert facts.title == "Index of /x"
    assert [(f.method, f.action, f.hidden_inputs) for f in facts.forms] == [("post", "/a", ["_csrf"]), ("get", "", [])]
    assert facts.scripts == ["/a.js"]


@pytest.mark.parametrize(
    ("fn", "text", "ok"),
    [
        (looks_like_env, "A=1\nexport B=2\n# c\n", True),
        (looks_like_env, "<!doctype html><p>A=1</p>", False),
        (looks_like_env, "Welcome to our site.\nA=1\nSome prose here\n", False),
        (looks_like_git_head, "ref: refs/heads/main\n", True),
        (looks_like_git_head, "<html>ref: refs/heads</html>", False),
        (looks_like_package_json, '{"name": "x", "version": "1.0.0"}', True),
        (looks_like_package_json, '["name"]', False),
        (looks_like_source_map, '{"version": 3, "mappings": ""}', True),
        (looks_like_source_map, '{"version": 3}', False),
    ],
)
def test_content_validators(fn: object, text: str, ok: bool) -> None:
    assert callable(fn) and fn(text) is ok


def test_soft_404_site_has_no_exposures() -> None:
    """A SPA answering every path with 200 and its shell must not look like an exposed .env or .git."""
    shell = "HTTP/1.1 200 OK\nContent-Type: text/html\n\n<!doctype html><div id=app></div><script src=/assets/app.js></script>"
    result = probe_url("https://spa.test/", ProbeOptions(check_tls=False), transport=fixture_transport(shell))
    exposure_rules = {"NW950", "NW951", "NW952", "NW953", "NW954", "NW955"}
    assert not exposure_rules & {f.rule_id for f in result.findings}


def test_plain_text_soft_404_with_key_value_lines_is_not_env() -> None:
    """A soft 404 that happens to look like KEY=VALUE is rejected because it equals the random-path reply."""
    body = "HTTP/1.1 200 OK\nContent-Type: text/plain\n\nstatus=not_found\n"
    result = probe_url("https://kv.test/", ProbeOptions(check_tls=False), transport=fixture_transport(body))
    assert "NW950" not in {f.rule_id for f in result.findings}


def test_rate_limit_signals() -> None:
    assert limiter_signal(ex(429)) == "status 429"
    assert limiter_signal(ex(401, [("RateLimit-Policy", "5;w=900")])) == "ratelimit-policy: 5;w=900"
    assert limiter_signal(ex(401, body="Account locked, try again later")) == "lockout message"
    assert limiter_signal(ex(401, body="invalid password")) is None
    assert remaining(ex(200, [("RateLimit", "limit=5, remaining=3, reset=60")])) == 3
    assert remaining(ex(200, [("X-RateLimit-Remaining", "7")])) == 7


@pytest.mark.parametrize(
    ("acao", "creds", "rule"),
    [("https://evil.invalid", "true", "NW930"), ("*", "true", "NW931"), ("*", None, "NW932"), ("https://evil.invalid", None, "NW932"), ("https://app.test", "true", None)],
)
def test_cors_judgement(acao: str, creds: str | None, rule: str | None) -> None:
    headers = [("Access-Control-Allow-Origin", acao)] + ([("Access-Control-Allow-Credentials", creds)] if creds else [])
    f = judge_cors(ex(200, headers), "https://evil.invalid")
    assert (f.rule_id if f else None) == rule


def test_grade_chart_matches_observatory() -> None:
    assert [letter(s) for s in (135, 100, 99, 90, 85, 80, 70, 65, 60, 50, 45, 40, 30, 25, 24, 0)] == [
        "A+", "A+", "A", "A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D+", "D", "D-", "F", "F"]


def test_fixture_format() -> None:
    [a, b] = parse_fixture("GET /x [X-Test]\nHTTP/1.1 201 Created\nA: b\n\nbody\n---\nHTTP/1.1 204 No Content\n")
    assert (a.method, a.target, a.require_headers, a.status, a.headers, a.body) == ("GET", "/x", ("X-Test",), 201, (("A", "b"),), b"body")
    assert (b.method, b.target, b.status) == ("*", "*", 204)
    log: list[httpx.Request] = []
    with httpx.Client(transport=fixture_transport("GET /x [X-Test]\nHTTP/1.1 201 Created\n", log)) as c:
        assert c.get("https://t.test/x", headers={"X-Test": "1"}).status_code == 201
        assert c.get("https://t.test/x").status_code == 404
    assert len(log) == 2
    with pytest.raises(ValueError, match="status line"):
        parse_fixture("GET /x\nnot http\n")


def test_hsts_on_plain_http_is_ignored_and_https_checks_are_reported_skipped() -> None:
    page = "HTTP/1.1 200 OK\nContent-Type: text/html\nStrict-Transport-Security: max-age=31536000\n\n<title>x</title>"
    result = probe_url("http://plain.test/", ProbeOptions(check_tls=False), transport=fixture_transport(page))
    ids = {f.rule_id for f in result.findings}
    assert "NW915" in ids and not {"NW916", "NW917"} & ids
    grade = next(f for f in result.findings if f.rule_id == "NW900")
    rows = {c["check"]: c["result"] for c in grade.detail.json_fields()["checks"]}  # type: ignore[union-attr,index]
    assert rows["strict-transport-security"] == "hsts-not-implemented-no-https"
    assert any("pass --https-url" in s.reason for s in result.skipped)


def test_cookie_without_secure_on_http_only_site() -> None:
    page = "HTTP/1.1 200 OK\nContent-Type: text/html\nSet-Cookie: sid=abc; HttpOnly; SameSite=Lax\n\n<title>x</title>"
    result = probe_url("http://plain.test/", ProbeOptions(check_tls=False), transport=fixture_transport(page))
    [f] = [f for f in result.findings if f.rule_id == "NW911"]
    assert "on a site with no HTTPS" in f.message


def test_page_parser_caps() -> None:
    from nodeward.probe.pages import MAX_FORMS, MAX_SCRIPTS

    html = "<form method=post></form>" * 500 + "<script src=/x.js></script>" * 500
    facts = parse_page(html)
    assert len(facts.forms) == MAX_FORMS and len(facts.scripts) == MAX_SCRIPTS == len(facts.script_integrity)


# ---------------------------------------------------------------- Observatory's CSP test, reproduced
@pytest.mark.parametrize(
    ("headers", "metas", "report_only", "result", "modifier"),
    [
        ([], [], False, "csp-not-implemented", -25),
        ([], [], True, "csp-not-implemented-but-reporting-enabled", -25),
        (["default-src 'self'; script-src 'self'; script-src *"], [], False, "csp-header-invalid", -25),
        (["script-src 'strict-dynamic'; object-src 'none'"], [], False, "csp-header-invalid", -25),
        (["default-src 'self'; script-src 'nonce-abc' 'strict-dynamic' https: 'unsafe-inline'"], [], False, "csp-implemented-with-no-unsafe", 5),
        # No style-src and no default-src: styles from anywhere (Observatory's fallback is `*`).
        (["script-src 'self'; object-src 'none'"], [], False, "csp-implemented-with-unsafe-inline-in-style-src-only", 0),
        (["default-src 'self'; script-src 'self' data:"], [], False, "csp-implemented-with-unsafe-inline", -20),
        (["script-src 'self'"], [], False, "csp-implemented-with-unsafe-inline", -20),  # object-src unrestricted
        (["default-src 'self'; connect-src http://api.example.test"], [], False, "csp-implemented-with-insecure-scheme", -20),
        (["default-src 'self'; style-src 'self' 'unsafe-eval'"], [], False, "csp-implemented-with-unsafe-eval", -10),
        (["default-src 'self'; img-src http://img.example.test"], [], False, "csp-implemented-with-insecure-scheme-in-passive-content-only", -10),
        (["default-src 'self'; style-src 'self' 'unsafe-inline'"], [], False, "csp-implemented-with-unsafe-inline-in-style-src-only", 0),
        (["default-src 'none'; img-src 'self'"], [], False, "csp-implemented-with-no-unsafe-default-src-none", 10),
        (["default-src 'self' *.cdn.example.test"], [], False, "csp-implemented-with-no-unsafe", 5),
        ([], ["default-src 'self'; frame-ancestors *"], False, "csp-implemented-with-no-unsafe", 5),
        # Two enforced policies: the second forbids what the first allows.
        (["default-src 'self'; script-src 'self' 'unsafe-inline'", "script-src 'self'"], [], False, "csp-implemented-with-no-unsafe", 5),
    ],
)
def test_observatory_csp_result(headers: list[str], metas: list[str], report_only: bool, result: str, modifier: int) -> None:
    from nodeward.probe.csp_score import observatory_csp_result

    assert observatory_csp_result(headers, metas, report_only, https=True) == (result, modifier)


def test_meta_csp_counts_and_report_only_does_not() -> None:
    meta = "HTTP/1.1 200 OK\nContent-Type: text/html\n\n<meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'self' 'unsafe-inline'\"><title>x</title>"
    ids = {f.rule_id for f in probe_url("https://m.test/", ProbeOptions(check_tls=False), transport=fixture_transport(meta)).findings}
    assert "NW901" not in ids and "NW902" in ids
    ro = "HTTP/1.1 200 OK\nContent-Type: text/html\nContent-Security-Policy-Report-Only: default-src 'self'\n\n<title>x</title>"
    result = probe_url("https://r.test/", ProbeOptions(check_tls=False), transport=fixture_transport(ro))
    [f] = [f for f in result.findings if f.rule_id == "NW901"]
    assert "Report-Only" in f.message


def test_two_policies_close_each_others_gaps() -> None:
    page = ("HTTP/1.1 200 OK\nContent-Type: text/html\nContent-Security-Policy: script-src 'self'; object-src 'none'\n"
            "Content-Security-Policy: base-uri 'self'\n\n<title>x</title>")
    ids = {f.rule_id for f in probe_url("https://two.test/", ProbeOptions(check_tls=False), transport=fixture_transport(page)).findings}
    assert "NW902" not in ids


def test_meta_referrer_policy_is_read() -> None:
    page = 'HTTP/1.1 200 OK\nContent-Type: text/html\n\n<meta name="referrer" content="unsafe-url"><title>x</title>'
    result = probe_url("https://ref.test/", ProbeOptions(check_tls=False), transport=fixture_transport(page))
    [f] = [f for f in result.findings if f.rule_id == "NW905"]
    assert "unsafe-url" in f.message


def test_xfo_allow_from_grade_row_and_finding() -> None:
    """Observatory scores ALLOW-FROM as 0; browsers ignore it, so nodeward still reports NW903."""
    page = "HTTP/1.1 200 OK\nContent-Type: text/html\nX-Frame-Options: ALLOW-FROM https://a.test\n\n<title>x</title>"
    result = probe_url("https://xfo.test/", ProbeOptions(check_tls=False), transport=fixture_transport(page))
    assert "NW903" in {f.rule_id for f in result.findings}
    grade = next(f for f in result.findings if f.rule_id == "NW900")
    rows = {c["check"]: c["result"] for c in grade.detail.json_fields()["checks"]}  # type: ignore[union-attr,index]
    assert rows["x-frame-options"] == "x-frame-options-allow-from-origin"


def test_redirect_to_an_origin_not_given_is_not_judged_as_the_page() -> None:
    fixture = "GET http://site.test/\nHTTP/1.1 301 Moved Permanently\nContent-Type: text/html\nLocation: https://site.test/\n\n<a href=https://site.test/>moved</a>"
    log: list[httpx.Request] = []
    result = probe_url("http://site.test/", ProbeOptions(check_tls=False), transport=fixture_transport(fixture, log))
    ids = {f.rule_id for f in result.findings}
    assert not ids & {"NW900", "NW901", "NW903", "NW915"}
    assert any("pass it as --https-url" in s.reason for s in result.skipped)
    assert all(r.url.scheme == "http" for r in log)


def test_paths_file_and_login_body(tmp_path: Path) -> None:
    from nodeward.errors import UsageError
    from nodeward.probe.options import login_payload, read_paths_file

    f = tmp_path / "paths.txt"
    f.write_text("# pages behind the landing page\n/account\n\n/admin/settings\n")
    assert read_paths_file(str(f)) == ("/account", "/admin/settings")
    f.write_text("account\n")
    with pytest.raises(UsageError, match="must start with /"):
        read_paths_file(str(f))
    assert login_payload('{"user": "a", "password": "b"}') == (b'{"user": "a", "password": "b"}', "application/json")
    assert login_payload("user=a&password=b") == (b"user=a&password=b", "application/x-www-form-urlencoded")
    with pytest.raises(UsageError, match="JSON object"):
        login_payload('["a"]')
