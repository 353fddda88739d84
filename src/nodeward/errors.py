"""Exceptions and exit codes.

```
NodewardError
├── ConfigError            bad flag value or config file          -> exit 2
├── UsageError             bad path or argument combination       -> exit 2
├── SourceParseError       a file could not be read or parsed     -> ScanError, scan goes on
├── DependencySourceError  a dependency manifest could not be used
│   └── LockfileError      a lockfile is truncated, wrong type or unknown version
├── AdvisorySourceError    an advisory feed failed                -> exit 3 with a hint
│   └── AdvisoryConnectionError
├── ProbeError             the target server could not be probed  -> exit 3
└── BaselineError          a baseline file is unreadable          -> exit 2
```
Messages start with the file or URL they are about.
"""

from __future__ import annotations

import enum

__all__ = [
    "AdvisoryConnectionError",
    "AdvisorySourceError",
    "BaselineError",
    "ConfigError",
    "DependencySourceError",
    "ExitCode",
    "LockfileError",
    "NodewardError",
    "ProbeError",
    "SourceParseError",
    "UsageError",
]


class ExitCode(enum.IntEnum):
    OK = 0
    FINDINGS = 1
    USAGE = 2
    INCOMPLETE = 3


class NodewardError(Exception):
    """Base of every error nodeward raises on purpose."""


class ConfigError(NodewardError):
    pass


class UsageError(NodewardError):
    pass


class SourceParseError(NodewardError):
    pass


class DependencySourceError(NodewardError):
    pass


class LockfileError(DependencySourceError):
    pass


class AdvisorySourceError(NodewardError):
    pass


class AdvisoryConnectionError(AdvisorySourceError):
    pass


class ProbeError(NodewardError):
    pass


class BaselineError(NodewardError):
    pass
