"""The live probe: `nodeward probe URL` checks a running server from the outside.

```python
from nodeward.probe import ProbeOptions, probe_url
result = probe_url("http://127.0.0.1:3000", ProbeOptions(https_url="https://127.0.0.1:3443"))
```
It contacts only the origins given, follows redirects only within them, and
every loop has a hard cap.  `nodeward checklist --url` consumes the result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nodeward.probe.options import ProbeOptions
    from nodeward.probe.run import probe_url

__all__ = ["ProbeOptions", "probe_url"]


def __getattr__(name: str) -> Any:
    # Lazy: the rule registry imports `nodeward.probe.rules` on every scan, and the
    # probe's HTTP stack (httpx, ssl) should cost nothing unless a probe runs.
    if name == "ProbeOptions":
        from nodeward.probe.options import ProbeOptions

        return ProbeOptions
    if name == "probe_url":
        from nodeward.probe.run import probe_url

        return probe_url
    raise AttributeError(name)
