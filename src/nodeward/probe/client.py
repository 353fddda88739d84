"""The one place the probe builds an HTTP client, and the bounded way it reads a response.

Probe checks never construct a client (httpx's own advice): they receive a
`ProbeSession`, which owns the client, refuses URLs outside the user's origins,
follows redirects itself (so it can stop at the first hop that leaves those
origins or loops), counts requests against a hard cap and reads at most
`MAX_BODY_BYTES` of any body within a wall-clock deadline.
"""

from __future__ import annotations

import logging
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from nodeward import __version__
from nodeward.model import ScanError

__all__ = [
    "DEFAULT_TIMEOUT_SECONDS",
    "Exchange",
    "MAX_BODY_BYTES",
    "MAX_REDIRECTS",
    "MAX_REQUESTS",
    "ProbeSession",
    "USER_AGENT",
    "make_client",
    "origin_of",
]

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 5.0
"""Connect/read/write/pool timeout for every request (`--timeout`)."""
MAX_BODY_BYTES = 512 * 1024
"""Bodies are read up to this size and then cut: a multi-gigabyte reply cannot exhaust memory."""
BODY_DEADLINE_FACTOR = 3.0
"""A body must arrive within this many timeouts in total, so a server dripping one byte per
second cannot hold the probe forever (httpx's read timeout is per chunk)."""
MAX_REDIRECTS = 5
"""Redirect hops followed (only within the user's origins)."""
MAX_REQUESTS = 300
"""Hard cap on requests in one probe, whatever the options say."""
USER_AGENT = f"nodeward/{__version__} (+https://github.com/nodeward/nodeward; security probe)"


def origin_of(url: str) -> str:
    """`scheme://host:port` with the default port made explicit, for origin comparisons."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or (443 if scheme == "https" else 80)
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}:{port}"


def make_client(
    *,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    ca_cert: str | None = None,
    insecure: bool = False,
    transport: httpx.BaseTransport | None = None,
) -> httpx.Client:
    """The production client: explicit User-Agent, no automatic redirects, no env proxies.

    `trust_env=False` because a probe aimed at 127.0.0.1 must not be routed through an
    `HTTPS_PROXY` from the environment, and `.netrc` credentials must never be sent to it.
    """
    verify: ssl.SSLContext | bool
    if insecure:
        verify = False
    else:
        verify = ssl.create_default_context(cafile=ca_cert) if ca_cert else True
    return httpx.Client(
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,
        verify=verify,
        trust_env=False,
        # identity: bodies arrive as sent, so the size cap bounds what is held in memory
        # (a compressed reply could otherwise expand a thousandfold per chunk).
        headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/json;q=0.9,*/*;q=0.8", "Accept-Encoding": "identity"},
        transport=transport,
    )


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request and its (bounded) response, as plain data the checks can judge."""

    method: str
    url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    """Response headers in order, names lower-cased; repeated headers stay separate."""
    body: bytes
    truncated: bool = False
    request_headers: tuple[tuple[str, str], ...] = ()

    def header(self, name: str) -> str | None:
        """The first value of a response header, or None."""
        low = name.lower()
        for k, v in self.headers:
            if k == low:
                return v
        return None

    def header_all(self, name: str) -> tuple[str, ...]:
        low = name.lower()
        return tuple(v for k, v in self.headers if k == low)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def content_type(self) -> str:
        return (self.header("content-type") or "").split(";")[0].strip().lower()

    @property
    def is_html(self) -> bool:
        return self.content_type in ("text/html", "application/xhtml+xml")

    @property
    def is_redirect(self) -> bool:
        return self.status in (301, 302, 303, 307, 308) and self.header("location") is not None

    @property
    def scheme(self) -> str:
        return urlsplit(self.url).scheme.lower()


@dataclass
class ProbeSession:
    """The client plus the probe's boundaries: allowed origins, request cap, error log."""

    client: httpx.Client
    origins: frozenset[str]
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    max_requests: int = MAX_REQUESTS
    exchanges: list[Exchange] = field(default_factory=list)
    errors: list[ScanError] = field(default_factory=list)
    requests_sent: int = 0

    def allowed(self, url: str) -> bool:
        try:
            return origin_of(url) in self.origins
        except ValueError:
            return False

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
        follow: bool = False,
        record_error: bool = True,
    ) -> Exchange | None:
        """Send one request (and, with `follow`, its in-origin redirects); None on failure.

        A failure is recorded as an incomplete `ScanError` naming the URL, so a check
        that could not run never reads as a pass.
        """
        seen: set[str] = set()
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            ex = self._send(method, current, headers, content, record_error)
            if ex is None or not follow or not ex.is_redirect:
                return ex
            target = urljoin(current, ex.header("location") or "")
            if not self.allowed(target):
                logger.info("%s: not following redirect to %s (outside the given origins)", current, target)
                return ex
            seen.add(current)
            if target in seen:
                self._error(url, f"redirect loop ({current} -> {target})", kind="probe")
                return None
            current = target
            if method not in ("GET", "HEAD"):
                method, content = "GET", None
        self._error(url, f"more than {MAX_REDIRECTS} redirects", kind="probe")
        return None

    def _send(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        content: bytes | None,
        record_error: bool,
    ) -> Exchange | None:
        if not self.allowed(url):
            # A bug in a check, not user input: never contact an origin the user did not give.
            self._error(url, "refused: outside the origins given on the command line", kind="probe")
            return None
        if self.requests_sent >= self.max_requests:
            self._error(url, f"request cap reached ({self.max_requests}); remaining checks skipped", kind="probe")
            return None
        self.requests_sent += 1
        try:
            ex = read_bounded(self.client, method, url, headers, content, self.timeout)
        except httpx.HTTPError as e:
            if record_error:
                self._error(url, describe_http_error(e, self.timeout), kind="probe")
            return None
        except httpx.InvalidURL as e:  # not an HTTPError: a URL httpx refuses to send
            self._error(url, f"invalid URL: {e}", kind="probe")
            return None
        self.exchanges.append(ex)
        return ex

    def _error(self, url: str, message: str, *, kind: str) -> None:
        self.errors.append(ScanError(message=f"{url}: {message}", path=url, kind=kind, incomplete=True))


def read_bounded(
    client: httpx.Client,
    method: str,
    url: str,
    headers: Mapping[str, str] | None,
    content: bytes | None,
    timeout: float,
) -> Exchange:
    """Stream the response and keep at most MAX_BODY_BYTES, within a total deadline."""
    deadline = time.monotonic() + timeout * BODY_DEADLINE_FACTOR
    with client.stream(method, url, headers=dict(headers or {}), content=content) as resp:
        buf = bytearray()
        truncated = False
        for chunk in resp.iter_bytes():
            buf.extend(chunk)
            if len(buf) >= MAX_BODY_BYTES:
                del buf[MAX_BODY_BYTES:]
                truncated = True
                break
            if time.monotonic() > deadline:
                truncated = True
                break
        return Exchange(
            method=method,
            url=str(resp.request.url),
            status=resp.status_code,
            headers=tuple((k.lower(), v) for k, v in resp.headers.multi_items()),
            body=bytes(buf),
            truncated=truncated,
            request_headers=tuple((k.lower(), v) for k, v in resp.request.headers.multi_items()),
        )


def describe_http_error(e: httpx.HTTPError, timeout: float) -> str:
    """One clear sentence per failure kind, with the next step when there is one."""
    text = str(e) or type(e).__name__
    if isinstance(e, httpx.ConnectTimeout):
        return f"no connection within {timeout:g}s (host unreachable or filtered)"
    if isinstance(e, httpx.ReadTimeout):
        return f"the server accepted the connection but sent no response within {timeout:g}s"
    if isinstance(e, httpx.TimeoutException):
        return f"timed out after {timeout:g}s"
    if isinstance(e, httpx.ConnectError):
        if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
            return f"TLS certificate not trusted ({text}); pass --ca-cert FILE for a private CA, or --insecure to probe anyway"
        if "WRONG_VERSION_NUMBER" in text or "wrong version number" in text:
            return "TLS handshake failed: the port does not speak TLS (is it plain HTTP?)"
        return f"cannot connect ({text})"
    if isinstance(e, (httpx.RemoteProtocolError, httpx.LocalProtocolError)):
        return f"the reply was not valid HTTP (is this an HTTP port?): {text}"
    if isinstance(e, httpx.DecodingError):
        return f"the response body could not be decoded: {text}"
    return f"{type(e).__name__}: {text}"
