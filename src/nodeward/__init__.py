"""nodeward: a security auditor for Node.js applications.

The public Python API is small and pinned by `tests/test_public_api.py`:

```python
import nodeward
result = nodeward.scan("path/to/app")          # -> nodeward.ScanResult
for f in result.findings: print(f.rule_id, f.path, f.line, f.message)
```
"""

from __future__ import annotations

__version__ = "0.1.0"

from nodeward.config import Config, load_config
from nodeward.errors import ExitCode, NodewardError
from nodeward.model import Confidence, Finding, Rule, ScanResult, Severity
from nodeward.scanner import scan

__all__ = [
    "Config",
    "Confidence",
    "ExitCode",
    "Finding",
    "NodewardError",
    "Rule",
    "ScanResult",
    "Severity",
    "__version__",
    "load_config",
    "scan",
]
