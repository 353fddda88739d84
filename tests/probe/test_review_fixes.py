"""Regression tests for bugs found in review of `nodeward probe` (each failed before its fix)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from nodeward.cli import main
from nodeward.probe.client import ProbeSession, make_client, origin_of
from nodeward.probe.fixtures import fixture_transport

OK_PAGE = "HTTP/1.1 200 OK\nContent-Type: text/html\n\n<!doctype html><title>ok</title>"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        # urlsplit raises ValueError on a broken IPv6 literal: a usage error, not an internal one.
        (["probe", "http://[::1/"], "not a valid URL"),
        (["probe", "http://127.0.0.1/", "--https-url", "https://[::1/"], "not a valid URL"),
        # The body is POSTed to --login-path; without one it would be silently ignored.
        (["probe", "http://127.0.0.1/", "--login-body", "user=a&password=b"], "--login-body needs --login-path"),
    ],
)
def test_bad_arguments_are_usage_errors(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "internal error" not in err


def test_credentials_message_keeps_the_port(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["probe", "http://admin:hunter2@127.0.0.1:8080/"]) == 2
    err = capsys.readouterr().err
    assert "http://127.0.0.1:8080/: credentials in the URL" in err and "hunter2" not in err


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("/a\tb", "control character"),
        ("/x\x00y", "control character"),
        ("//evil.example/x", "another host"),
    ],
)
def test_paths_file_rejects_unusable_paths(line: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = tmp_path / "paths.txt"
    paths.write_text(f"/ok\n{line}\n")
    assert main(["probe", "http://127.0.0.1:1/", "--paths", str(paths)]) == 2
    err = capsys.readouterr().err
    assert message in err and "internal error" not in err and "paths.txt:2" in err


def test_session_records_an_invalid_url_instead_of_crashing() -> None:
    log: list[httpx.Request] = []
    session = ProbeSession(make_client(transport=fixture_transport(OK_PAGE, log)), frozenset({origin_of("https://t.test/")}))
    assert session.request("GET", "https://t.test/a\tb") is None
    assert log == [] and "invalid URL" in session.errors[0].message


def test_grade_table_columns_line_up() -> None:
    """Long nodeward check names (NW930 cors-reflects-origin-with-credentials) broke the table."""
    from nodeward.probe.grade import Grade, GradeDetail, GradeRow

    rows = (
        GradeRow("x-frame-options", "x-frame-options-not-implemented", -20, "observatory"),
        GradeRow("NW930 cors-reflects-origin-with-credentials", "failed", -50, "nodeward"),
    )
    lines = GradeDetail(Grade(0, "F", 0, "F", rows)).text_lines()[1:]
    starts = {line.index(row.result) for line, row in zip(lines, rows, strict=True)}
    assert len(starts) == 1


@pytest.mark.parametrize(
    ("name", "session"),
    [
        # Double-submit CSRF cookies are read by the page's JavaScript on purpose (Angular, axios).
        ("XSRF-TOKEN", False),
        ("csrftoken", False),
        ("_csrf_token", False),
        # Substrings that are not session names.
        ("outside_banner", False),
        ("consider_later", False),
        ("author_pref", False),
        # Still session cookies.
        ("connect.sid", True),
        ("__Host-sid", True),
        ("SID", True),
        ("PHPSESSID", True),
        ("auth_token", True),
        ("refresh_token", True),
        ("authToken", True),
    ],
)
def test_session_cookie_names_without_false_positives(name: str, session: bool) -> None:
    from nodeward.probe.cookies import is_session_cookie, parse_set_cookie

    c = parse_set_cookie(f"{name}=abc")
    assert c is not None and is_session_cookie(c) is session


def test_xsrf_cookie_without_httponly_is_not_a_finding() -> None:
    from nodeward.probe import ProbeOptions, probe_url

    page = (
        "HTTP/1.1 200 OK\nContent-Type: text/html\nSet-Cookie: XSRF-TOKEN=abc123; Path=/; Secure; SameSite=Strict\n"
        "Set-Cookie: sid=s3cr3t; Path=/; Secure; SameSite=Lax\n\n<!doctype html><title>ok</title>"
    )
    result = probe_url("https://app.test/", ProbeOptions(check_tls=False), transport=fixture_transport(page))
    httponly = [f.message for f in result.findings if f.rule_id == "NW910"]
    assert httponly == ["Session cookie `sid` is set without `HttpOnly`"]


GIT_CONFIG_WITH_TOKEN = (
    "[core]\n\trepositoryformatversion = 0\n[remote \"origin\"]\n"
    "\turl = https://deploy:ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789@github.com/acme/pay.git\n"
)


def test_exposed_git_config_excerpt_redacts_credentials() -> None:
    """A served .git/config often carries a token in the remote URL: the report must not repeat it."""
    import json as _json

    from nodeward.probe import ProbeOptions, probe_url

    fixture = (
        "GET /.git/config\nHTTP/1.1 200 OK\nContent-Type: text/plain\n\n" + GIT_CONFIG_WITH_TOKEN
        + "\n---\n" + OK_PAGE
    )
    result = probe_url("https://app.test/", ProbeOptions(check_tls=False), transport=fixture_transport(fixture))
    [git] = [f for f in result.findings if f.rule_id == "NW951"]
    text = _json.dumps([f.detail.json_fields() for f in result.findings if f.detail is not None])  # type: ignore[union-attr]
    assert "ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789" not in text
    assert "repositoryformatversion" in git.detail.excerpt  # type: ignore[union-attr]


def test_excerpt_redacts_url_credentials_and_known_secrets() -> None:
    from nodeward.probe.evidence import excerpt

    out = excerpt("url = https://bob:hunter2hunter2@git.example.com/x.git\nconnect postgres://app:Sup3rS3cretPw@db:5432/pay")
    assert "hunter2hunter2" not in out and "Sup3rS3cretPw" not in out
    assert "git.example.com/x.git" in out and "db:5432/pay" in out
