"""Fingerprinting: `X-Powered-By`, a versioned `Server` header, and Express's default `Cannot GET /path` 404 page."""

from __future__ import annotations

import re
from collections.abc import Iterable

from nodeward.model import Finding
from nodeward.probe import rules as R
from nodeward.probe.client import Exchange
from nodeward.probe.evidence import excerpt, make_finding

__all__ = ["check_fingerprint", "is_default_express_404"]

# `nginx/1.25.3`, `Apache/2.4.58 (Ubuntu)`, `Kestrel` (no version: fine).
_VERSIONED = re.compile(r"/\s*v?\d+(\.\d+)+")

# finalhandler's body: `<pre>Cannot GET /path</pre>` (HTML-escaped path).
_CANNOT = re.compile(r"<pre>\s*Cannot (GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS) /[^<]*</pre>|^Cannot (GET|POST) /\S*\s*$")


def is_default_express_404(ex: Exchange) -> bool:
    return ex.status == 404 and bool(_CANNOT.search(ex.text[:4096]))


def check_fingerprint(exchanges: Iterable[Exchange], not_found: Exchange | None) -> list[Finding]:
    out: list[Finding] = []
    exchanges_list = list(exchanges)
    for ex in exchanges_list:
        powered = ex.header("x-powered-by")
        if powered:
            out.append(make_finding(R.X_POWERED_BY, ex, f"`X-Powered-By: {powered}` reveals the server framework",
                                    header=f"X-Powered-By: {powered}",
                                    fix="Call `app.disable('x-powered-by')` (helmet removes it too)."))
            break
    for ex in exchanges_list:
        server = ex.header("server")
        if server and _VERSIONED.search(server):
            out.append(make_finding(R.SERVER_VERSION, ex, f"`Server: {server}` reveals the server software version",
                                    header=f"Server: {server}",
                                    fix="Hide the version on the proxy (`server_tokens off;` in nginx, `ServerTokens Prod` in Apache)."))
            break
    if not_found is not None and is_default_express_404(not_found):
        out.append(make_finding(R.DEFAULT_ERROR_PAGE, not_found, "Unknown routes return Express's default `Cannot GET` page",
                                body_excerpt=excerpt(not_found.text, 120), key="404",
                                fix="Add a final `app.use((req, res) => res.status(404).json({ error: 'not found' }))` handler."))
    return out
