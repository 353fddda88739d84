"""The one table of every rule, built explicitly (no entry-point discovery).

Each analyzer family owns a `RULES` tuple in its own module; this module
concatenates them and checks ids and names are unique.  Renamed rules keep
working through `REDIRECTS`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from nodeward import core_rules
from nodeward.analysis import rules as app_rules
from nodeward.deps import rules as deps_rules
from nodeward.model import Rule
from nodeward.probe import rules as probe_rules
from nodeward.sast import rules as sast_rules
from nodeward.secrets import rules as secrets_rules

__all__ = ["ALL_RULES", "REDIRECTS", "get_rule", "lookup", "rules_by_family"]

ALL_RULES: tuple[Rule, ...] = tuple(
    sorted(
        (
            *core_rules.RULES,
            *sast_rules.RULES,
            *app_rules.RULES,
            *deps_rules.RULES,
            *secrets_rules.RULES,
            *probe_rules.RULES,
        ),
        key=lambda r: r.id,
    )
)

REDIRECTS: Mapping[str, str] = {}
"""Old id or name -> current id, so renamed rules keep matching configs and comments."""

_BY_ID: dict[str, Rule] = {}
_BY_NAME: dict[str, Rule] = {}
for _rule in ALL_RULES:
    if _rule.id in _BY_ID:
        raise RuntimeError(f"duplicate rule id {_rule.id}")
    if _rule.name in _BY_NAME:
        raise RuntimeError(f"duplicate rule name {_rule.name}")
    _BY_ID[_rule.id] = _rule
    _BY_NAME[_rule.name] = _rule


def lookup(key: str) -> Rule | None:
    """Find a rule by id (`NW101`, any case) or kebab-case name, following redirects."""
    k = key.strip()
    k = REDIRECTS.get(k, REDIRECTS.get(k.upper(), k))
    return _BY_ID.get(k.upper()) or _BY_NAME.get(k.lower())


def get_rule(key: str) -> Rule:
    rule = lookup(key)
    if rule is None:
        raise KeyError(key)
    return rule


def rules_by_family(family: str, rules: Iterable[Rule] = ALL_RULES) -> tuple[Rule, ...]:
    return tuple(r for r in rules if r.family == family)
