"""Per-file pattern rules (NW1xx-NW6xx that need no cross-file model)."""

from __future__ import annotations

from nodeward.model import Rule

__all__ = ["RULES"]

RULES: tuple[Rule, ...] = ()
