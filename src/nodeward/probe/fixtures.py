"""HTTP response fixtures: the `http` blocks of probe rule docs, served by `httpx.MockTransport`.

A fixture is one or more blocks separated by a line holding only `---`.  Each
block is a raw HTTP response (status line, headers, blank line, body),
optionally preceded by a request matcher line:

```
GET /.env                      method and path (or a full URL, or `*`)
POST /login [X-Forwarded-For]  matches only requests carrying that header
```

A block without a matcher answers every request no other block matches.  The
most specific match wins (full URL, then path, then `*`; more required headers
first).  Anything unmatched gets a plain `404 Not Found`.  In header values,
`{{origin}}` is replaced by the request's `Origin` header, so a fixture can
reflect the probe's random canary origin the way a careless CORS setup does.  This is how each
rule's Example and Use-instead sections are executed as tests, with no socket.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

__all__ = ["FixtureResponse", "parse_fixture", "fixture_transport"]


@dataclass(frozen=True, slots=True)
class FixtureResponse:
    method: str
    target: str
    require_headers: tuple[str, ...]
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def specificity(self) -> tuple[int, int, int]:
        level = 2 if "://" in self.target else (1 if self.target != "*" else 0)
        return (level, len(self.require_headers), 1 if self.method != "*" else 0)

    def matches(self, request: httpx.Request) -> bool:
        if self.method != "*" and self.method != request.method:
            return False
        if any(h not in request.headers for h in self.require_headers):
            return False
        if self.target == "*":
            return True
        if "://" in self.target:
            want = urlsplit(self.target)
            got = request.url
            return (want.scheme, want.hostname, want.path or "/") == (got.scheme, got.host, got.path)
        return request.url.path == self.target


def _parse_block(block: str) -> FixtureResponse:
    lines = block.strip("\n").split("\n")
    method, target = "*", "*"
    required: tuple[str, ...] = ()
    if lines and not lines[0].startswith("HTTP/"):
        words = lines.pop(0).split()
        if len(words) < 2:
            raise ValueError(f"bad request matcher line: {' '.join(words)!r}")
        method, target = words[0].upper(), words[1]
        required = tuple(w.strip("[]") for w in words[2:])
    if not lines or not lines[0].startswith("HTTP/"):
        raise ValueError("a fixture block needs a status line such as `HTTP/1.1 200 OK`")
    status = int(lines[0].split()[1])
    headers: list[tuple[str, str]] = []
    i = 1
    while i < len(lines) and lines[i].strip():
        name, _, value = lines[i].partition(":")
        headers.append((name.strip(), value.strip()))
        i += 1
    body = "\n".join(lines[i + 1 :]).encode()
    return FixtureResponse(method, target, required, status, tuple(headers), body)


def parse_fixture(text: str) -> tuple[FixtureResponse, ...]:
    blocks = [b for b in text.split("\n---\n") if b.strip()]
    return tuple(_parse_block(b) for b in blocks)


def fixture_transport(
    text: str, log: list[httpx.Request] | None = None
) -> httpx.MockTransport:
    """A MockTransport answering from the fixture; `log` collects every request it saw."""
    responses = sorted(parse_fixture(text), key=lambda r: r.specificity(), reverse=True)

    def handler(request: httpx.Request) -> httpx.Response:
        if log is not None:
            log.append(request)
        for r in responses:
            if r.matches(request):
                origin = request.headers.get("origin", "")
                headers = [(k, v.replace("{{origin}}", origin)) for k, v in r.headers]
                return httpx.Response(r.status, headers=headers, content=r.body)
        return httpx.Response(404, headers=[("Content-Type", "text/plain")], content=b"Not Found")

    handler_fn: Callable[[httpx.Request], httpx.Response] = handler
    return httpx.MockTransport(handler_fn)
