"""Observatory's Content-Security-Policy test, reproduced for the grade's CSP row.

This follows MDN HTTP Observatory 1.4.8 (`src/analyzer/tests/csp.js` and
`cspParser.js`) so the grade agrees with it: header policies and `<meta
http-equiv>` policies are combined (a source must be allowed by every policy
that sets the directive), `frame-ancestors`, `report-uri` and `sandbox` are
ignored in meta, a repeated directive inside one policy makes the header
invalid, an empty `*-src` list means `'none'`, nonces or hashes cancel
`'unsafe-inline'`, and `'strict-dynamic'` without a nonce or hash is invalid.
The first failing check in Observatory's order decides the result.

nodeward's own findings (NW901/NW902) are stricter in places (a missing
`base-uri`, wildcard sub-domains such as `*.cdn.example`), and do not change
this row.
"""

from __future__ import annotations

__all__ = ["observatory_csp_result"]

DANGEROUSLY_BROAD = frozenset({"ftp:", "http:", "https:", "*", "http://*", "http://*.*", "https://*", "https://*.*"})
UNSAFE_INLINE = frozenset({"'unsafe-inline'", "data:"})
BROAD_OR_INLINE = DANGEROUSLY_BROAD | UNSAFE_INLINE
PASSIVE = frozenset({"img-src", "media-src"})
META_DISALLOWED = frozenset({"frame-ancestors", "report-uri", "sandbox"})
ALLOWED_DUPLICATES = frozenset({"report-uri", "report-to"})
NONCE_HASH = ("'sha256-", "'sha384-", "'sha512-", "'nonce-")

Policy = dict[str, set[str]]


class InvalidPolicy(ValueError):
    """Observatory's `csp-header-invalid`."""


def _parse(policy: str) -> Policy:
    out: Policy = {}
    text = policy.replace("\r", "").replace("\n", "").strip()
    if len(text) < len("img-src") - 1:
        raise InvalidPolicy(policy)
    for part in text.split(";"):
        tokens = part.strip().split()
        if not tokens:
            continue
        name = tokens[0].lower()
        if name in out:
            if name in ALLOWED_DUPLICATES:
                continue
            raise InvalidPolicy(f"duplicate {name}")
        sources = {t.strip().lower() for t in tokens[1:]}
        if not sources and name.endswith("-src"):
            sources = {"'none'"}
        out[name] = sources
    return out


def _combine(policies: list[Policy]) -> Policy:
    """Every policy is enforced, so a directive allows only what all policies setting it allow."""
    combined: Policy = {}
    for p in policies:
        for name, sources in p.items():
            combined[name] = set(sources) if name not in combined else combined[name] & sources
    return combined


def observatory_csp_result(headers: list[str], metas: list[str], report_only: bool, https: bool) -> tuple[str, int]:
    """(Observatory result key, modifier) for the page's policies."""
    try:
        header_policies = [_parse(h) for h in headers if h.strip()]
        meta_policies = [{k: v for k, v in _parse(m).items() if k not in META_DISALLOWED} for m in metas if m.strip()]
    except InvalidPolicy:
        return "csp-header-invalid", -25
    if not any(header_policies) and not any(meta_policies):
        return ("csp-not-implemented-but-reporting-enabled", -25) if report_only else ("csp-not-implemented", -25)
    csp = _combine(header_policies + meta_policies)

    def fetch(name: str) -> set[str]:
        return set(csp.get(name) or csp.get("default-src") or {"*"})

    script, obj, style = fetch("script-src"), fetch("object-src"), fetch("style-src")
    for sources in (script, style):
        if any(s.startswith(NONCE_HASH) for s in sources):
            sources.discard("'unsafe-inline'")
    if "'strict-dynamic'" in script:
        if not any(s.startswith(NONCE_HASH) for s in script):
            return "csp-header-invalid", -25
        script = {s for s in script if not (any(s.startswith(b) for b in DANGEROUSLY_BROAD) or s in ("'self'", "'unsafe-inline'"))}
    active = [s for name, srcs in csp.items() if name not in PASSIVE and name != "script-src" for s in srcs] + list(script)
    passive = [s for name in PASSIVE for s in (csp.get(name) or csp.get("default-src") or set())]
    if script & BROAD_OR_INLINE or obj & DANGEROUSLY_BROAD:
        return "csp-implemented-with-unsafe-inline", -20
    if https and any(s.startswith(("http:", "ftp:")) for s in active):
        return "csp-implemented-with-insecure-scheme", -20
    if "'unsafe-eval'" in script | style:
        return "csp-implemented-with-unsafe-eval", -10
    if https and any(s.startswith(("http:", "ftp:")) for s in passive):
        return "csp-implemented-with-insecure-scheme-in-passive-content-only", -10
    if style & BROAD_OR_INLINE:
        return "csp-implemented-with-unsafe-inline-in-style-src-only", 0
    if csp.get("default-src") == {"'none'"}:
        return "csp-implemented-with-no-unsafe-default-src-none", 10
    return "csp-implemented-with-no-unsafe", 5
