"""Redaction of code excerpts that reporters quote (route handlers, middleware names).

The route map quotes code: the first line of an inline handler, a middleware call with
its literal arguments.  Such a line can hold a hard-coded key
(`(req, res) => res.send(`key=AKIA...`)`), and a report must not become one more place a
secret leaks from.  The secrets analyzer's own detectors decide what a secret is, so every
output redacts the same things.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

__all__ = ["redact_code", "remember_secrets"]

_KNOWN: set[str] = set()
"""Raw values the scan's own secret findings located: a credential argument
(`basicAuth({ users: { admin: 'pw' } })`) that the text detectors alone would not call a
secret, but the route map quotes whole."""


def remember_secrets(values: Iterable[str]) -> None:
    """Redact these values too from now on (this process only)."""
    new = {v for v in values if v} - _KNOWN
    if new:
        _KNOWN.update(new)
        redact_code.cache_clear()

_SCOPES = frozenset({"any", "config", "npmrc"})


@functools.lru_cache(maxsize=1)
def _engine() -> Any:
    from nodeward.secrets.engine import make_engine

    return make_engine()


@functools.lru_cache(maxsize=4096)
def redact_code(text: str) -> str:
    """`text` with every secret the detectors recognise cut to its first and last characters."""
    if not text:
        return text
    from nodeward.secrets.candidate import redact_text

    found = [m.secret for m in _engine().scan(text.encode("utf-8", "surrogateescape"), _SCOPES)]
    found += [v for v in _KNOWN if v in text]
    return redact_text(text, found) if found else text
