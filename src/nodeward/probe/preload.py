"""HSTS preload: is the site eligible for the preload list, and (given the list) is it on it?

Eligibility follows hstspreload.org's submission requirements, as far as one
probe can see them: the first HTTPS response carries one HSTS header with
`max-age` >= 31536000, `includeSubDomains` and `preload`; plain HTTP's first
response redirects to HTTPS on the same host; the certificate is valid.  What
a single origin cannot show (every subdomain served over HTTPS, the name being
a registrable domain) is said, not assumed.

The list is Chromium's `net/http/transport_security_state_static.json`, read
from a local file (`--hsts-preload-list FILE`): nodeward never downloads it.
Its format is JSON with `//` line comments, an object whose `entries` array
holds objects such as

    { "name": "example.com", "policy": "bulk-1-year", "mode": "force-https", "include_subdomains": true }

(`pins`, `expect_ct_report_uri` and other keys are ignored).  A host is
preloaded, as Mozilla's Observatory decides it (`src/analyzer/hsts.js`), when
its own entry has `mode: force-https`, or a parent domain's entry has
`mode: force-https` and `include_subdomains: true`.  Comments are stripped by
a tokenizer that knows JSON strings, so `"https://..."` inside a value is
never cut (Observatory's own `//.*$` regex would cut it).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from nodeward.errors import UsageError
from nodeward.model import Finding
from nodeward.probe import rules as R
from nodeward.probe.client import Exchange
from nodeward.probe.evidence import make_finding
from nodeward.probe.https import HSTS_MIN_SECONDS, RedirectOutcome, parse_hsts

__all__ = [
    "MAX_LIST_BYTES",
    "PreloadEntry",
    "PreloadList",
    "PreloadVerdict",
    "check_preload",
    "judge_preload",
    "load_preload_list",
    "parse_preload_list",
    "strip_json_comments",
]

MAX_LIST_BYTES = 64 * 1024 * 1024
"""Chromium's list is about 15 MB; anything far larger is not that file."""
MAX_HOST_LABELS = 127
"""A DNS name has at most 127 labels: the parent-domain walk is bounded by it."""

_TOKENS = re.compile(r'"(?:[^"\\\n]|\\.)*"|//[^\n]*|/\*.*?\*/', re.DOTALL)
"""A JSON string (kept whole), a `//` line comment, or a `/* */` block comment."""


def _blank_comment(m: re.Match[str]) -> str:
    tok = m.group(0)
    if tok.startswith('"'):
        return tok
    return "".join("\n" if c == "\n" else " " for c in tok)


def strip_json_comments(text: str) -> str:
    """`text` with `//` and `/* */` comments outside JSON strings blanked out (line numbers kept).

    A JSON string cannot span lines, so without block comments each line is
    tokenized on its own, and only the few lines holding `//` at all: Chromium's
    17 MB list then takes a fraction of the time a whole-file tokenizer does.
    """
    if "/*" in text:
        return _TOKENS.sub(_blank_comment, text)
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if "//" not in line:
            continue
        lines[i] = "" if line.lstrip().startswith("//") else _TOKENS.sub(_blank_comment, line)
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class PreloadEntry:
    name: str
    mode: str | None
    include_subdomains: bool
    policy: str | None = None


@dataclass(frozen=True, slots=True)
class PreloadList:
    source: str
    entries: Mapping[str, PreloadEntry]

    def lookup(self, host: str) -> PreloadEntry | None:
        """The entry that preloads `host` (its own, or a parent's with include_subdomains), or None."""
        name = _normalise(host)
        own = self.entries.get(name)
        if own is not None and own.mode == "force-https":
            return own
        labels = name.split(".")
        for i in range(1, min(len(labels), MAX_HOST_LABELS)):
            parent = self.entries.get(".".join(labels[i:]))
            if parent is not None and parent.mode == "force-https" and parent.include_subdomains:
                return parent
        return None


def _normalise(host: str) -> str:
    h = host.strip().rstrip(".").lower()
    try:
        return h.encode("idna").decode("ascii")
    except UnicodeError:
        return h


def parse_preload_list(text: str, source: str = "<list>") -> PreloadList:
    """Parse the list's text; ValueError says what is wrong and where."""
    try:
        data = json.loads(strip_json_comments(text))
    except json.JSONDecodeError as e:
        raise ValueError(f"not JSON after removing // comments (line {e.lineno}, column {e.colno}: {e.msg})") from None
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise ValueError('expected an object with an "entries" array (Chromium\'s transport_security_state_static.json)')
    entries: dict[str, PreloadEntry] = {}
    for i, raw in enumerate(data["entries"]):
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
            raise ValueError(f'entries[{i}] is not an object with a "name" string')
        mode = raw.get("mode")
        policy = raw.get("policy")
        name = _normalise(raw["name"])
        entries[name] = PreloadEntry(
            name=name,
            mode=mode if isinstance(mode, str) else None,
            include_subdomains=raw.get("include_subdomains") is True,
            policy=policy if isinstance(policy, str) else None,
        )
    return PreloadList(source, entries)


def load_preload_list(path: str) -> PreloadList:
    """Read `--hsts-preload-list FILE`; every problem is a `UsageError` (exit 2) naming the file."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_LIST_BYTES:
            raise UsageError(f"{path}: --hsts-preload-list is {size} bytes, more than the {MAX_LIST_BYTES} accepted")
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"{path}: cannot read --hsts-preload-list: {e}") from None
    try:
        return parse_preload_list(text, path)
    except ValueError as e:
        raise UsageError(f"{path}: --hsts-preload-list: {e}") from None


@dataclass(frozen=True, slots=True)
class PreloadVerdict:
    """What the probe saw about preloading, before it becomes findings."""

    host: str
    header: str | None
    """The HSTS header judged (first HTTPS response, else the page's)."""
    requested: bool
    """The header carries `preload`."""
    problems: tuple[str, ...]
    """Unmet submission requirements."""
    unchecked: tuple[str, ...]
    """Requirements this probe could not check."""
    list_source: str | None = None
    entry: PreloadEntry | None = None

    @property
    def preloaded(self) -> bool:
        return self.entry is not None


def check_preload(
    first_https: Exchange,
    page: Exchange,
    redirect: RedirectOutcome | None,
    cert_problem: str | None,
    tls_checked: bool,
    preload_list: PreloadList | None,
    host: str,
) -> PreloadVerdict:
    """Evaluate the submission requirements against what the probe fetched.

    `first_https` is the first response to the HTTPS URL (before any in-origin
    redirect), `page` the page it led to; `cert_problem` is why the certificate
    is invalid (None when valid or not checked).
    """
    first_values = first_https.header_all("strict-transport-security")
    page_value = page.header("strict-transport-security")
    value = first_values[0] if first_values else page_value
    problems: list[str] = []
    unchecked: list[str] = []
    requested = False
    if value is not None:
        hsts = parse_hsts(value)
        requested = hsts.preload
        if not first_values:
            problems.append(f"the first HTTPS response ({first_https.status} from {first_https.url}) has no HSTS header; only the page it redirects to does")
        elif len(first_values) > 1 or "," in value:
            problems.append("more than one Strict-Transport-Security header")
        if hsts.max_age is None:
            problems.append("no valid max-age")
        elif hsts.max_age < HSTS_MIN_SECONDS:
            problems.append(f"max-age={hsts.max_age} is below {HSTS_MIN_SECONDS} (one year)")
        if not hsts.include_subdomains:
            problems.append("no includeSubDomains")
    if redirect is None:
        unchecked.append("the HTTP-to-HTTPS redirect (pass the http:// URL as URL)")
    elif redirect.result != "redirection-to-https":
        target = f" ({redirect.target})" if redirect.target else ""
        problems.append(f"plain HTTP's first response is not a redirect to HTTPS on the same host{target}")
    if cert_problem:
        problems.append(f"the certificate is not valid ({cert_problem})")
    elif not tls_checked:
        unchecked.append("the certificate")
    unchecked.append("HTTPS on every subdomain")
    entry = preload_list.lookup(host) if preload_list is not None else None
    return PreloadVerdict(
        host=_normalise(host),
        header=value,
        requested=requested,
        problems=tuple(problems),
        unchecked=tuple(unchecked),
        list_source=preload_list.source if preload_list is not None else None,
        entry=entry,
    )


_FIX = (
    "Send `Strict-Transport-Security: max-age=63072000; includeSubDomains; preload` on every HTTPS response "
    "(helmet: `hsts: { maxAge: 63072000, includeSubDomains: true, preload: true }`), redirect plain HTTP with 301 "
    "to https on the same host, serve HTTPS on every subdomain, then submit the domain at https://hstspreload.org/."
)


def judge_preload(v: PreloadVerdict, page: Exchange) -> list[Finding]:
    """NW918 when preload is asked for (or held) without the requirements; NW919 when eligible or listed."""
    out: list[Finding] = []
    header = f"Strict-Transport-Security: {v.header}" if v.header is not None else ""
    not_checked = f" Not checked from here: {'; '.join(v.unchecked)}." if v.unchecked else ""
    own_entry = v.entry is not None and v.entry.name == v.host
    if v.requested and v.problems:
        out.append(make_finding(
            R.HSTS_PRELOAD_NOT_ELIGIBLE, page,
            f"HSTS asks for preloading but the site does not meet the preload list's requirements: {'; '.join(v.problems)}.",
            header=header, key="requested", fix=_FIX,
        ))
    elif own_entry and (v.problems or not v.requested):
        why = "; ".join(v.problems) if v.problems else "the header no longer carries `preload`"
        out.append(make_finding(
            R.HSTS_PRELOAD_NOT_ELIGIBLE, page,
            f"`{v.host}` is on the preload list ({v.list_source}) but no longer meets its continued requirements: {why}; it can be removed.",
            header=header, key="listed", fix=_FIX,
        ))
    if v.entry is not None:
        via = "its own entry" if own_entry else f"the entry for `{v.entry.name}` with include_subdomains"
        policy = f", policy {v.entry.policy}" if v.entry.policy else ""
        out.append(make_finding(
            R.HSTS_PRELOAD_STATUS, page, f"`{v.host}` is preloaded as HTTPS-only (list {v.list_source}: {via}{policy}).",
            header=header, key="listed",
        ))
    elif v.requested and not v.problems:
        if v.list_source is None:
            listed = " Whether it is on the list was not checked: pass --hsts-preload-list with Chromium's transport_security_state_static.json."
        else:
            listed = f" It is not on the given list ({v.list_source}): submit it at https://hstspreload.org/ (or the list predates the submission)."
        out.append(make_finding(
            R.HSTS_PRELOAD_STATUS, page,
            f"HSTS asks for preloading and meets the submission requirements checked here (one-year max-age, includeSubDomains, preload, "
            f"HSTS on the first HTTPS response, HTTP redirected to HTTPS on the same host, valid certificate).{listed}{not_checked}",
            header=header, key="eligible",
        ))
    return out
