"""Rules of the analysis analyzer, registered explicitly in `nodeward.registry`."""

from __future__ import annotations

from nodeward.model import Rule

__all__ = ["RULES"]

RULES: tuple[Rule, ...] = ()
