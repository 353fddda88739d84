"""What a probe is asked to do, validated once; the hard caps live here too."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from nodeward.errors import UsageError
from nodeward.probe.client import DEFAULT_TIMEOUT_SECONDS
from nodeward.probe.ratelimit import DEFAULT_ATTEMPTS, HARD_CAP_ATTEMPTS

__all__ = ["MAX_EXTRA_PATHS", "MAX_TIMEOUT_SECONDS", "ProbeOptions", "check_url", "login_payload", "path_problem", "read_paths_file"]

MAX_EXTRA_PATHS = 50
"""Hard cap on `--paths` entries fetched."""
MAX_TIMEOUT_SECONDS = 120.0


@dataclass(frozen=True, slots=True)
class ProbeOptions:
    https_url: str | None = None
    """The HTTPS origin when the main URL is plain HTTP (the redirect check needs both)."""
    ca_cert: str | None = None
    insecure: bool = False
    login_path: str | None = None
    login_body: str | None = None
    """JSON (`{"user": "a"}`) or a form body (`user=a&password=b`)."""
    rate_limit_probe: bool = False
    attempts: int = DEFAULT_ATTEMPTS
    paths: tuple[str, ...] = ()
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    check_tls: bool = True
    """Off only for tests that serve responses from a MockTransport (no socket to handshake with)."""
    hsts_preload_list: str | None = None
    """Chromium's `transport_security_state_static.json`, read locally (never downloaded): is the host preloaded?"""


def check_url(url: str, what: str = "URL") -> str:
    try:
        parts = urlsplit(url)
    except ValueError as e:  # e.g. "Invalid IPv6 URL"
        raise UsageError(f"{url}: not a valid URL ({e})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{url}: {what} must be an absolute http:// or https:// URL")
    try:
        _ = parts.port
    except ValueError:
        raise UsageError(f"{url}: invalid port") from None
    if parts.username is not None or parts.password is not None:
        # They would be sent on every request and printed in every report.
        port = f":{parts.port}" if parts.port else ""
        raise UsageError(f"{parts.scheme}://{parts.hostname}{port}/: credentials in the {what} are not supported (they would appear in reports)")
    return url


def validate(options: ProbeOptions) -> None:
    if options.https_url is not None:
        check_url(options.https_url, "--https-url")
        if urlsplit(options.https_url).scheme != "https":
            raise UsageError(f"{options.https_url}: --https-url must start with https://")
    if options.ca_cert is not None and not Path(options.ca_cert).is_file():
        raise UsageError(f"{options.ca_cert}: --ca-cert file not found")
    if options.hsts_preload_list is not None and not Path(options.hsts_preload_list).is_file():
        raise UsageError(f"{options.hsts_preload_list}: --hsts-preload-list file not found")
    if options.login_path is not None and not options.login_path.startswith("/"):
        raise UsageError(f"{options.login_path}: --login-path must start with /")
    if options.rate_limit_probe and not options.login_path:
        raise UsageError("--rate-limit-probe needs --login-path")
    if options.login_body is not None:
        if not options.login_path:
            raise UsageError("--login-body needs --login-path (the body is POSTed there)")
        login_payload(options.login_body)
    if not 1 <= options.attempts <= HARD_CAP_ATTEMPTS:
        raise UsageError(f"--attempts must be between 1 and {HARD_CAP_ATTEMPTS} (a probe, not a brute-force tool)")
    if not 0 < options.timeout <= MAX_TIMEOUT_SECONDS:
        raise UsageError(f"--timeout must be more than 0 and at most {MAX_TIMEOUT_SECONDS:g} seconds")
    for p in options.paths:
        problem = path_problem(p)
        if problem:
            raise UsageError(f"{p!r}: {problem}")


def path_problem(p: str) -> str | None:
    """Why an extra path cannot be probed, or None.

    Control characters make httpx refuse the URL mid-probe, and `//host/x` is a
    network-path reference that resolves to another host.
    """
    if not p.startswith("/"):
        return "must start with /"
    if p.startswith("//"):
        return "starts with // (a reference to another host); use a single /"
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in p):
        return "contains a control character"
    return None


def login_payload(body: str) -> tuple[bytes, str]:
    """(bytes, content type): JSON if it parses as a JSON object, else a urlencoded form."""
    text = body.strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError as e:
            raise UsageError(f"--login-body looks like JSON but does not parse: {e}") from None
        if not isinstance(data, dict):
            raise UsageError("--login-body JSON must be an object")
        return json.dumps(data).encode(), "application/json"
    if "=" not in text:
        raise UsageError("--login-body must be a JSON object or a form body such as `user=alice&password=x`")
    return text.encode(), "application/x-www-form-urlencoded"


def read_paths_file(path: str) -> tuple[str, ...]:
    """One path per line; blank lines and `#` comments skipped; more than MAX_EXTRA_PATHS is an error."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"{path}: cannot read --paths file: {e}") from None
    numbered = [(n, ln.strip()) for n, ln in enumerate(text.splitlines(), 1) if ln.strip() and not ln.strip().startswith("#")]
    if len(numbered) > MAX_EXTRA_PATHS:
        raise UsageError(f"{path}: {len(numbered)} paths; at most {MAX_EXTRA_PATHS} are probed")
    for n, p in numbered:
        problem = path_problem(p)
        if problem:
            raise UsageError(f"{path}:{n}: {p!r} {problem}")
    return tuple(p for _, p in numbered)
