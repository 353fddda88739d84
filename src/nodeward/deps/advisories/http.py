"""The one place network advisory sources build HTTP clients: explicit timeouts, a user agent,
no redirects to other hosts, and errors that name the URL and say what to do."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nodeward.errors import AdvisoryConnectionError, AdvisorySourceError

if TYPE_CHECKING:
    import httpx

__all__ = ["make_client", "request_json"]


def make_client(timeout: float) -> httpx.Client:
    # httpx is imported here, not at module level: an offline scan (the default) never
    # builds a client and should not pay its import (about 40 ms).
    import httpx

    from nodeward import __version__

    return httpx.Client(
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,
        headers={"User-Agent": f"nodeward/{__version__}", "Accept": "application/json"},
        trust_env=True,
    )


def request_json(client: httpx.Client, method: str, url: str, hint: str, **kwargs: Any) -> Any:
    import httpx

    try:
        resp = client.request(method, url, **kwargs)
    except httpx.TimeoutException:
        raise AdvisoryConnectionError(f"{url}: timed out ({hint})") from None
    except httpx.HTTPError as e:
        raise AdvisoryConnectionError(f"{url}: unreachable: {e} ({hint})") from None
    if resp.status_code == 410:
        raise AdvisorySourceError(f"{url}: HTTP 410 Gone: the endpoint is retired ({hint})")
    if resp.status_code >= 400:
        raise AdvisorySourceError(f"{url}: HTTP {resp.status_code} ({hint})")
    try:
        return resp.json()
    except ValueError:
        raise AdvisorySourceError(f"{url}: response is not JSON ({hint})") from None
