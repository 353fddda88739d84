"""A local HTTP server on 127.0.0.1 speaking the OSV API and npm's bulk advisory protocol.

OSV: `POST /v1/querybatch` answers `{"results": [{"vulns": [{"id", "modified"}], "next_page_token"?}]}`
in query order; `GET /v1/vulns/{id}` answers the full record.  npm: `POST
/-/npm/v1/security/advisories/bulk` with `{name: [versions]}` answers
`{name: [advisory, ...]}`.  Records come from ../shared/advisories.  The server
records every request so tests can assert what the client sent.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from nodeward.deps.advisories.model import parse_osv
from nodeward.deps.match import affected_by
from tests.conftest import SHARED


def _records() -> dict[str, dict[str, Any]]:
    return {p.stem: json.loads(p.read_text()) for p in sorted((SHARED / "advisories").glob("GHSA-*.json"))}


@dataclass
class FeedState:
    records: dict[str, dict[str, Any]] = field(default_factory=_records)
    requests: list[tuple[str, str, Any]] = field(default_factory=list)
    page_size: int = 0
    """When >0, querybatch pages results this many ids at a time."""
    status: int = 200
    auth: list[str] = field(default_factory=list)


def _osv_ids(state: FeedState, name: str, version: str) -> list[str]:
    out = []
    for rid, rec in state.records.items():
        adv = parse_osv(rec)
        if any(affected_by(a, version) for a in adv.for_package(name)):
            out.append(rid)
    return out


class _Handler(BaseHTTPRequestHandler):
    state: FeedState

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _send(self, code: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self.state.requests.append(("GET", self.path, None))
        if self.path.startswith("/v1/vulns/"):
            rid = self.path.rsplit("/", 1)[-1]
            rec = self.state.records.get(rid)
            self._send(200, rec) if rec else self._send(404, {"message": "not found"})
            return
        self._send(404, {})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"null")
        self.state.requests.append(("POST", self.path, body))
        self.state.auth.append(self.headers.get("Authorization", ""))
        if self.state.status != 200:
            self._send(self.state.status, {"error": "nope"})
            return
        if self.path == "/v1/querybatch":
            results = []
            for q in body["queries"]:
                ids = _osv_ids(self.state, q["package"]["name"], q["version"])
                start = int(q.get("page_token") or 0)
                if self.state.page_size:
                    page = ids[start : start + self.state.page_size]
                    res: dict[str, Any] = {"vulns": [{"id": i, "modified": self.state.records[i]["modified"]} for i in page]}
                    if start + self.state.page_size < len(ids):
                        res["next_page_token"] = str(start + self.state.page_size)
                else:
                    res = {"vulns": [{"id": i, "modified": self.state.records[i]["modified"]} for i in ids]} if ids else {}
                results.append(res)
            self._send(200, {"results": results})
            return
        if self.path.endswith("/-/npm/v1/security/advisories/bulk"):
            out: dict[str, list[dict[str, Any]]] = {}
            for name, versions in body.items():
                for rid, rec in self.state.records.items():
                    adv = parse_osv(rec)
                    for aff in adv.for_package(name):
                        if not any(affected_by(aff, v) for v in versions):
                            continue
                        for r in aff.ranges:
                            parts, start = [], None
                            for kind, value in r.events:
                                if kind == "introduced":
                                    start = "" if value == "0" else f">={value} "
                                elif kind == "fixed" and start is not None:
                                    parts.append(f"{start}<{value}")
                                    start = None
                                elif kind == "last_affected" and start is not None:
                                    parts.append(f"{start}<={value}")
                                    start = None
                            if start is not None:
                                parts.append(start.strip() or "*")
                            out.setdefault(name, []).append(
                                {
                                    "id": 1000 + sum(len(v) for v in out.values()),  # npm ids are global
                                    "url": f"https://github.com/advisories/{rid}",
                                    "title": adv.summary,
                                    "severity": str(adv.severity) if str(adv.severity) != "medium" else "moderate",
                                    "vulnerable_versions": " || ".join(parts),
                                    "cwe": [f"CWE-{c}" for c in adv.cwes],
                                    "cvss": {"score": adv.cvss_score or 0, "vectorString": adv.cvss_vector or None},
                                }
                            )
            self._send(200, out)
            return
        self._send(404, {})


@contextmanager
def serve(state: FeedState | None = None) -> Iterator[tuple[str, FeedState]]:
    st = state or FeedState()
    handler = type("Handler", (_Handler,), {"state": st})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", st
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def closed_port_url() -> str:
    """A loopback URL nothing listens on (bound, then closed)."""
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}"
