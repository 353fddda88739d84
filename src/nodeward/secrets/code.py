"""Secrets that need the syntax tree: literals passed to secret-taking APIs (run in the engine workers)."""

from __future__ import annotations

import tree_sitter as ts

from nodeward.model import Finding
from nodeward.sast.parse import Lang

__all__ = ["check_tree"]


def check_tree(path: str, source: bytes, tree: ts.Tree, lang: Lang) -> list[Finding]:
    """Findings for literal secrets in code (jwt.sign, express-session, createHmac ...)."""
    return []
