"""Per-file facts for the cross-file app model and taint engine (computed in workers)."""

from __future__ import annotations

import tree_sitter as ts

from nodeward.sast.parse import Lang

__all__ = ["extract_facts"]


def extract_facts(path: str, source: bytes, tree: ts.Tree, lang: Lang) -> object | None:
    """Picklable facts about one file, or None when the file holds nothing of interest."""
    return None
