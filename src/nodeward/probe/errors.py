"""Verbose errors: provoke three kinds of failure and look for internals in the reply.

A malformed JSON body (body-parser throws a SyntaxError), an unknown route,
and a malformed percent-escape in the path.  Express prints the stack trace of
any error unless `NODE_ENV=production` or the app has its own error handler.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit, urlunsplit

from nodeward.model import Finding
from nodeward.probe import rules as R
from nodeward.probe.client import Exchange, ProbeSession
from nodeward.probe.evidence import excerpt, make_finding

__all__ = ["ErrorProbes", "check_errors", "leaks"]

_FRAME = re.compile(r"^\s*at .{0,200}?\(?(?:/|[A-Za-z]:\\|node:|file://)[^\s()]*:\d+:\d+\)?", re.M)
_ABS_PATH = re.compile(r"(?:/(?:home|srv|app|usr|var|opt|Users|root|workspace|tmp)/[\w.@-]+(?:/[\w.@-]+)+\.(?:m?js|cjs|ts))|(?:[A-Za-z]:\\(?:[\w.@-]+\\)+[\w.@-]+\.(?:m?js|ts))")
_NODE_MODULES = re.compile(r"node_modules[/\\]")


def leaks(text: str) -> list[str]:
    """What the body gives away: `stack frames`, `absolute paths`, `node_modules/`."""
    plain = html.unescape(text.replace("<br>", "\n"))
    found = []
    if _FRAME.search(plain):
        found.append("stack frames")
    if _ABS_PATH.search(plain):
        found.append("absolute server paths")
    if _NODE_MODULES.search(plain):
        found.append("node_modules/ paths")
    return found


def _with_path(url: str, path: str) -> str:
    p = urlsplit(url)
    return urlunsplit((p.scheme, p.netloc, path, "", ""))


class ErrorProbes:
    """The error-provoking exchanges, kept so fingerprinting and cookies can reuse them."""

    def __init__(self) -> None:
        self.not_found: Exchange | None = None
        self.exchanges: list[Exchange] = []


def check_errors(session: ProbeSession, url: str, post_path: str) -> tuple[list[Finding], ErrorProbes]:
    probes = ErrorProbes()
    attempts: list[tuple[str, str, dict[str, str], bytes | None, str]] = [
        ("POST", _with_path(url, post_path), {"Content-Type": "application/json"}, b'{"nodeward": ', "malformed JSON body"),
        ("GET", _with_path(url, "/nodeward-probe-missing"), {}, None, "unknown route"),
        ("GET", _with_path(url, "/nodeward-probe/%E0%A4%A"), {}, None, "bad URI escape"),
    ]
    out: list[Finding] = []
    for method, target, headers, body, what in attempts:
        ex = session.request(method, target, headers=headers, content=body)
        if ex is None:
            continue
        probes.exchanges.append(ex)
        if what == "unknown route":
            probes.not_found = ex
        found = leaks(ex.text)
        if found:
            out.append(make_finding(
                R.VERBOSE_ERRORS, ex, f"The {what} response ({ex.status}) shows {', '.join(found)}",
                body_excerpt=excerpt(html.unescape(ex.text.replace("<br>", "\n")), 300), key=what,
                fix="Run with `NODE_ENV=production` and add a final error handler that logs the error and sends a generic message.",
            ))
    return out, probes
