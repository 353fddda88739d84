"""Entry point the engine calls for per-file pattern rules (filled by the rules package)."""

from __future__ import annotations

import tree_sitter as ts

from nodeward.model import Finding
from nodeward.sast.parse import Lang

__all__ = ["run_file_rules"]


def run_file_rules(path: str, source: bytes, tree: ts.Tree, lang: Lang) -> list[Finding]:
    """All per-file SAST findings for one parsed file."""
    return []
