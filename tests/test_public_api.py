"""The public API is pinned: changing it must be a deliberate edit of this list."""

from __future__ import annotations

import nodeward


def test_all_is_pinned() -> None:
    assert sorted(nodeward.__all__) == sorted(
        [
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
    )
    for name in nodeward.__all__:
        assert hasattr(nodeward, name)
