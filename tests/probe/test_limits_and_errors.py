"""Bad input and hard caps: every failure is a clear error, every loop stops by itself."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from nodeward.cli import main
from nodeward.errors import UsageError
from nodeward.probe import ProbeOptions, probe_url
from nodeward.probe.client import (
    MAX_BODY_BYTES,
    MAX_REDIRECTS,
    ProbeSession,
    make_client,
    origin_of,
)
from nodeward.probe.exposures import MAX_SCRIPTS
from nodeward.probe.fixtures import fixture_transport
from nodeward.probe.ratelimit import HARD_CAP_ATTEMPTS, LoginRequest, check_rate_limit

OK_PAGE = "HTTP/1.1 200 OK\nContent-Type: text/html\n\n<!doctype html><title>ok</title>"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RawServer:
    """A loopback TCP server that either sends `reply` or says nothing at all, for one test."""

    def __init__(self, reply: bytes | None) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = int(self.sock.getsockname()[1])
        self.reply = reply
        self.stop = threading.Event()
        self.conns: list[socket.socket] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.conns.append(conn)
            if self.reply is not None:
                try:
                    conn.recv(4096)
                    conn.sendall(self.reply)
                    conn.close()
                except OSError:
                    pass

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=2)
        for c in self.conns:
            c.close()
        self.sock.close()


@pytest.fixture
def silent_server() -> Iterator[RawServer]:
    s = RawServer(None)
    yield s
    s.close()


@pytest.fixture
def ssh_server() -> Iterator[RawServer]:
    s = RawServer(b"SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\r\n")
    yield s
    s.close()


# ---------------------------------------------------------------- bad targets (real loopback sockets, CLI)
def test_unreachable_host_exit_3(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["probe", f"http://127.0.0.1:{closed_port()}/", "--timeout", "2"])
    out = capsys.readouterr().out
    assert code == 3
    assert "cannot connect" in out and "nothing was probed" in out


def test_non_http_port_exit_3(ssh_server: RawServer, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["probe", f"http://127.0.0.1:{ssh_server.port}/", "--timeout", "2", "--format", "json"])
    out = capsys.readouterr().out
    assert code == 3
    assert "not valid HTTP" in out


def test_server_that_never_answers_times_out(silent_server: RawServer, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["probe", f"http://127.0.0.1:{silent_server.port}/", "--timeout", "0.3"])
    out = capsys.readouterr().out
    assert code == 3
    assert "sent no response within 0.3s" in out


def test_https_against_plain_http_port(ssh_server: RawServer) -> None:
    result = probe_url(f"https://127.0.0.1:{ssh_server.port}/", ProbeOptions(timeout=2, check_tls=False))
    assert result.failed
    assert "127.0.0.1" in result.errors[-1].message


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["probe", "ftp://127.0.0.1/"], "absolute http:// or https:// URL"),
        (["probe", "127.0.0.1:3000"], "absolute http:// or https:// URL"),
        (["probe", "http://127.0.0.1/", "--attempts", "21", "--rate-limit-probe", "--login-path", "/login"], "between 1 and 20"),
        (["probe", "http://127.0.0.1/", "--rate-limit-probe"], "needs --login-path"),
        (["probe", "http://127.0.0.1/", "--https-url", "http://127.0.0.1:8443/"], "must start with https://"),
        (["probe", "http://127.0.0.1/", "--login-path", "/l", "--login-body", "{not json"], "does not parse"),
        (["probe", "http://127.0.0.1/", "--ca-cert", "/nonexistent/ca.pem"], "--ca-cert file not found"),
        (["probe", "http://127.0.0.1/", "--timeout", "0"], "--timeout must be"),
        (["probe", "http://admin:hunter2@127.0.0.1/"], "credentials in the URL are not supported"),
    ],
)
def test_usage_errors_exit_2(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "hunter2" not in err  # a password in the URL is never echoed


def test_paths_file_capped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = tmp_path / "paths.txt"
    paths.write_text("\n".join(f"/p{i}" for i in range(51)))
    assert main(["probe", "http://127.0.0.1/", "--paths", str(paths)]) == 2
    assert "at most 50" in capsys.readouterr().err


# ---------------------------------------------------------------- loops and bounds (MockTransport, no sockets)
def test_redirect_loop_is_an_error() -> None:
    loop = "GET /\nHTTP/1.1 302 Found\nLocation: /a\n---\nGET /a\nHTTP/1.1 302 Found\nLocation: /\n"
    result = probe_url("https://loop.test/", ProbeOptions(check_tls=False), transport=fixture_transport(loop))
    assert result.failed
    assert "redirect loop" in result.errors[-1].message


def test_redirect_chain_capped() -> None:
    chain = "\n---\n".join(f"GET /r{i}\nHTTP/1.1 302 Found\nLocation: /r{i + 1}\n" for i in range(20))
    log: list[httpx.Request] = []
    result = probe_url("https://chain.test/r0", ProbeOptions(check_tls=False), transport=fixture_transport(chain, log))
    assert result.failed and f"more than {MAX_REDIRECTS} redirects" in result.errors[-1].message
    assert len(log) == MAX_REDIRECTS + 1


def test_redirects_never_leave_the_given_origins() -> None:
    off = "GET /\nHTTP/1.1 302 Found\nLocation: https://elsewhere.test/\n---\n" + OK_PAGE
    log: list[httpx.Request] = []
    result = probe_url("https://home.test/", ProbeOptions(check_tls=False), transport=fixture_transport(off, log))
    assert not result.failed
    assert {r.url.host for r in log} == {"home.test"}


def test_every_request_stays_within_the_origins() -> None:
    log: list[httpx.Request] = []
    page = OK_PAGE.replace("<title>ok</title>", '<script src="https://cdn.other.test/lib.js"></script><script src="/a.js"></script>')
    probe_url("http://home.test/", ProbeOptions(https_url="https://home.test:8443/", check_tls=False, login_path="/login",
                                                login_body="u=a&p=b", rate_limit_probe=True, attempts=3),
              transport=fixture_transport(page, log))
    assert {(r.url.scheme, r.url.host, r.url.port) for r in log} <= {("http", "home.test", None), ("https", "home.test", 8443)}
    assert all(r.headers["user-agent"].startswith("nodeward/") for r in log)
    assert all(r.headers["accept-encoding"] == "identity" for r in log)


def test_huge_body_read_is_bounded() -> None:
    sent = 0

    def endless() -> Iterator[bytes]:
        nonlocal sent
        chunk = b"A" * 65536
        while True:  # an endless body: the client must stop reading
            sent += len(chunk)
            yield chunk

    transport = httpx.MockTransport(lambda request: httpx.Response(200, headers={"Content-Type": "text/html"}, content=endless()))
    session = ProbeSession(make_client(transport=transport), frozenset({origin_of("https://big.test/")}))
    ex = session.request("GET", "https://big.test/")
    assert ex is not None and ex.truncated and len(ex.body) == MAX_BODY_BYTES
    assert sent <= MAX_BODY_BYTES + 65536


def test_request_cap() -> None:
    session = ProbeSession(make_client(transport=fixture_transport(OK_PAGE)), frozenset({origin_of("https://t.test/")}), max_requests=3)
    got = [session.request("GET", f"https://t.test/{i}") for i in range(5)]
    assert [g is not None for g in got] == [True, True, True, False, False]
    assert "request cap reached (3)" in session.errors[0].message


def test_session_refuses_foreign_origin() -> None:
    log: list[httpx.Request] = []
    session = ProbeSession(make_client(transport=fixture_transport(OK_PAGE, log)), frozenset({origin_of("https://t.test/")}))
    assert session.request("GET", "https://t.test:444/") is None
    assert log == [] and "outside the origins" in session.errors[0].message


@pytest.mark.parametrize(
    ("fixture", "expected_posts"),
    [
        # No limiter at all: one phase, capped.
        ("POST /login\nHTTP/1.1 401 Unauthorized\n\nno", HARD_CAP_ATTEMPTS),
        # A limiter that never blocks within the cap (only headers): two phases, each capped.
        ("POST /login\nHTTP/1.1 401 Unauthorized\nRateLimit: limit=100, remaining=99, reset=60\n\nno", 2 * HARD_CAP_ATTEMPTS),
    ],
)
def test_rate_limit_attempts_hard_cap(fixture: str, expected_posts: int) -> None:
    log: list[httpx.Request] = []
    session = ProbeSession(make_client(transport=fixture_transport(fixture, log)), frozenset({origin_of("https://t.test/")}))
    check_rate_limit(session, LoginRequest("https://t.test/login", b"u=a", "application/x-www-form-urlencoded"), attempts=10_000)
    assert len(log) == expected_posts


def test_rate_limit_attempts_option_validated() -> None:
    with pytest.raises(UsageError, match="between 1 and 20"):
        probe_url("https://t.test/", ProbeOptions(attempts=500, login_path="/login", rate_limit_probe=True, login_body="u=a", check_tls=False))


def test_source_maps_capped() -> None:
    scripts = "".join(f'<script src="/s{i}.js"></script>' for i in range(40))
    page = OK_PAGE.replace("<title>ok</title>", scripts)
    log: list[httpx.Request] = []
    probe_url("https://t.test/", ProbeOptions(check_tls=False), transport=fixture_transport(page, log))
    assert sum(1 for r in log if r.url.path.endswith(".map")) == MAX_SCRIPTS


def test_no_rate_limit_traffic_without_the_flag() -> None:
    log: list[httpx.Request] = []
    probe_url("https://t.test/", ProbeOptions(check_tls=False, login_path="/login", login_body="u=a"), transport=fixture_transport(OK_PAGE, log))
    assert sum(1 for r in log if r.method == "POST" and r.url.path == "/login") == 1


def test_extra_paths_capped_through_the_api() -> None:
    log: list[httpx.Request] = []
    paths = tuple(f"/page{i}" for i in range(120))
    probe_url("https://t.test/", ProbeOptions(check_tls=False, paths=paths), transport=fixture_transport(OK_PAGE, log))
    assert sum(1 for r in log if r.url.path.startswith("/page")) == 50


def test_config_disable_and_severity_apply() -> None:
    """Probe results go through `finalize`: the config's disable list and --min-severity apply."""
    from nodeward.config import Config
    from nodeward.model import Severity

    config = Config(disable=("missing-nosniff",), min_severity=Severity.LOW)
    result = probe_url("https://t.test/", ProbeOptions(check_tls=False), config, transport=fixture_transport(OK_PAGE))
    ids = {f.rule_id for f in result.findings}
    assert "NW904" not in ids and "NW901" in ids
    assert all(f.severity >= Severity.LOW for f in result.findings)
