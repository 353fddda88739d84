"""Exposed files, directory listings and TRACE, validated by content to avoid soft-404s.

Many apps answer every unknown path with `200` and their SPA shell.  A hit
therefore needs (a) a 2xx, (b) a body that differs from the answer to a random
nonexistent path, and (c) content that parses as what the file really is:
`KEY=value` lines for `.env`, `[core]` for `.git/config`, `ref: refs/` for
`.git/HEAD`, a JSON object with `name`/dependencies for `package.json`, and a
source map object with `version` and `mappings`.  Only same-origin scripts of
the fetched pages are followed, at most `MAX_SCRIPTS` of them.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit, urlunsplit

from nodeward.model import Finding
from nodeward.probe import rules as R
from nodeward.probe.client import Exchange, ProbeSession
from nodeward.probe.evidence import excerpt, make_finding, redact_env_line
from nodeward.probe.pages import parse_page

__all__ = [
    "MAX_DIRECTORIES",
    "MAX_SCRIPTS",
    "check_exposures",
    "is_directory_listing",
    "looks_like_env",
    "looks_like_git_config",
    "looks_like_git_head",
    "looks_like_package_json",
    "looks_like_source_map",
]

MAX_SCRIPTS = 10
"""Hard cap on scripts whose `.map` is requested."""
MAX_DIRECTORIES = 10
"""Hard cap on folders checked for listings."""

_ENV_LINE = re.compile(r"^(?:export\s+)?[A-Za-z_][A-Za-z0-9_.]*\s*=")
_LISTING_TITLE = re.compile(r"^(?:index of /|listing directory /|directory listing for /)", re.I)


def _is_html(text: str) -> bool:
    head = text.lstrip()[:200].lower()
    return head.startswith(("<!doctype", "<html", "<head", "<body", "<pre", "<")) and ">" in head


def looks_like_env(text: str) -> bool:
    if _is_html(text):
        return False
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    if not lines:
        return False
    good = sum(1 for ln in lines if _ENV_LINE.match(ln))
    return good >= max(1, int(len(lines) * 0.8))


def looks_like_git_config(text: str) -> bool:
    return "[core]" in text and ("repositoryformatversion" in text or "bare" in text) and not _is_html(text)


def looks_like_git_head(text: str) -> bool:
    t = text.strip()
    return t.startswith("ref: refs/") or bool(re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", t))


def _json_object(text: str) -> dict[str, object] | None:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def looks_like_package_json(text: str) -> bool:
    data = _json_object(text)
    return data is not None and "name" in data and any(k in data for k in ("dependencies", "devDependencies", "version", "scripts"))


def looks_like_source_map(text: str) -> bool:
    data = _json_object(text)
    return data is not None and "version" in data and ("mappings" in data or "sections" in data)


def is_directory_listing(ex: Exchange) -> bool:
    if not ex.is_html or ex.status != 200:
        return False
    return bool(_LISTING_TITLE.match(parse_page(ex.text).title))


def _with_path(url: str, path: str) -> str:
    p = urlsplit(url)
    return urlunsplit((p.scheme, p.netloc, path, "", ""))


def _hit(ex: Exchange | None, soft404: Exchange | None) -> bool:
    if ex is None or not 200 <= ex.status < 300:
        return False
    return not (soft404 is not None and 200 <= soft404.status < 300 and soft404.body == ex.body)


def same_origin_scripts(pages: Iterable[Exchange], session: ProbeSession) -> list[str]:
    out: list[str] = []
    for ex in pages:
        if not ex.is_html:
            continue
        for src in parse_page(ex.text).scripts:
            url = urljoin(ex.url, src)
            parts = urlsplit(url)
            url = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
            if session.allowed(url) and url not in out and parts.path.endswith((".js", ".mjs", ".cjs")):
                out.append(url)
            if len(out) >= MAX_SCRIPTS:
                return out
    return out


def check_exposures(session: ProbeSession, url: str, pages: list[Exchange]) -> list[Finding]:
    out: list[Finding] = []
    soft404 = session.request("GET", _with_path(url, f"/nodeward-{secrets.token_hex(6)}.txt"))

    env = session.request("GET", _with_path(url, "/.env"))
    if env is not None and _hit(env, soft404) and looks_like_env(env.text):
        redacted = "\n".join(redact_env_line(ln) for ln in env.text.splitlines()[:6])
        out.append(make_finding(R.EXPOSED_ENV, env, "`/.env` is served: environment secrets are downloadable",
                                body_excerpt=redacted, key=".env",
                                fix="Never serve the project root: point `express.static` at a `public/` folder, keep `dotfiles: 'ignore'` (the default), and rotate every exposed secret."))

    for path, validator in (("/.git/config", looks_like_git_config), ("/.git/HEAD", looks_like_git_head)):
        ex = session.request("GET", _with_path(url, path))
        if ex is not None and _hit(ex, soft404) and validator(ex.text):
            out.append(make_finding(R.EXPOSED_GIT, ex, f"`{path}` is served: the git repository can be downloaded",
                                    body_excerpt=excerpt(ex.text, 120), key=path,
                                    fix="Serve only a build/public folder, and block `/.git` at the proxy."))
            break

    pkg = session.request("GET", _with_path(url, "/package.json"))
    if pkg is not None and _hit(pkg, soft404) and looks_like_package_json(pkg.text):
        out.append(make_finding(R.EXPOSED_PACKAGE_JSON, pkg, "`/package.json` is served: dependency versions are public",
                                body_excerpt=excerpt(pkg.text, 160), key="package.json",
                                fix="Serve only a public/ folder with `express.static`, never the project root."))

    scripts = same_origin_scripts(pages, session)
    for script in scripts:
        ex = session.request("GET", script + ".map")
        if ex is not None and _hit(ex, soft404) and looks_like_source_map(ex.text):
            out.append(make_finding(R.EXPOSED_SOURCE_MAP, ex, f"Source map `{urlsplit(ex.url).path}` is public",
                                    body_excerpt=excerpt(ex.text, 120), key=urlsplit(script).path,
                                    fix="Do not deploy `.map` files (or upload them to your error tracker only)."))

    dirs: list[str] = []
    for script in scripts:
        path = urlsplit(script).path
        folder = path.rsplit("/", 1)[0] + "/"
        if folder != "/" and folder not in dirs:
            dirs.append(folder)
    for folder in dirs[:MAX_DIRECTORIES]:
        ex = session.request("GET", _with_path(url, folder))
        if ex is not None and is_directory_listing(ex):
            out.append(make_finding(R.DIRECTORY_LISTING, ex, f"`{folder}` returns a directory listing",
                                    body_excerpt=excerpt(parse_page(ex.text).title, 120), key=folder,
                                    fix="Remove `serve-index` (or the proxy's autoindex) from production."))

    canary = secrets.token_hex(8)
    trace = session.request("TRACE", url, headers={"X-Nodeward-Trace": canary})
    if trace is not None and 200 <= trace.status < 300:
        body = trace.text
        if canary in body or trace.content_type == "message/http" or body.lstrip().upper().startswith("TRACE "):
            out.append(make_finding(R.TRACE_ENABLED, trace, "`TRACE` is answered with an echo of the request",
                                    header=f"Content-Type: {trace.header('content-type') or ''}", key="trace",
                                    body_excerpt=excerpt(body.split("\n")[0], 80),
                                    fix="Reject `TRACE` (respond 405), e.g. `app.use((req, res, next) => req.method === 'TRACE' ? res.sendStatus(405) : next())`."))
    return out
