"""Per-file pattern rules (NW1xx-NW6xx that need no cross-file model).

One module per rule family; this package builds the explicit rule table and
the list of families the dispatcher in `nodeward.sast.checks` walks.
"""

from __future__ import annotations

from types import ModuleType

from nodeward.model import Rule
from nodeward.sast.rules import (
    auth,
    crypto,
    deserialization,
    express,
    injection,
    regex,
    runtime,
    templates,
    tls,
)

__all__ = ["FAMILIES", "RULES"]

FAMILIES: tuple[ModuleType, ...] = (injection, crypto, express, templates, tls, runtime, regex, auth, deserialization)

RULES: tuple[Rule, ...] = tuple(rule for family in FAMILIES for rule in family.RULES)
