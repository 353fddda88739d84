"""The live probe: `nodeward probe URL` checks a running server from the outside.

```python
from nodeward.probe import ProbeOptions, probe_url
result = probe_url("http://127.0.0.1:3000", ProbeOptions(https_url="https://127.0.0.1:3443"))
```
It contacts only the origins given, follows redirects only within them, and
every loop has a hard cap.  `nodeward checklist --url` consumes the result.
"""

from __future__ import annotations

from nodeward.probe.options import ProbeOptions
from nodeward.probe.run import probe_url

__all__ = ["ProbeOptions", "probe_url"]
