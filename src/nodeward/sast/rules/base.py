"""The contract between the per-file dispatcher and the rule families.

A family module declares its `RULES` plus two kinds of hooks:

- `CALLS`: `CallPattern(names, handler)`: the dispatcher's one combined query
  selects call and `new` expressions whose callee ends in one of `names`
  (filtered in C with `#any-of?`), resolves the callee's qualified name, and
  hands the node to the handler, which decides in Python.
- `NODES`: `NodePattern(query, handler)` for shapes that are not calls
  (`rejectUnauthorized: false`, `process.env.X = '0'`); the query is compiled
  once per process and language.

Handlers only read the tree and yield findings; they never print or touch files.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import tree_sitter as ts

from nodeward.model import Finding
from nodeward.sast.context import FileContext

__all__ = ["CallHandler", "CallPattern", "NodeHandler", "NodePattern", "SEED_GUIDE", "is_test_double", "last_segment"]

CallHandler = Callable[[FileContext, ts.Node, "str | None"], Iterable[Finding]]
"""(context, call or new_expression node, qualified callee name or None) -> findings."""

NodeHandler = Callable[[FileContext, dict[str, list[ts.Node]]], Iterable[Finding]]
"""(context, captures of one query match) -> findings."""

SEED_GUIDE = "Node.js security guide"


@dataclass(frozen=True, slots=True)
class CallPattern:
    names: tuple[str, ...]
    """Last segment of the callee (`exec` for `cp.exec`, `Buffer` for `new Buffer`)."""
    handler: CallHandler


@dataclass(frozen=True, slots=True)
class NodePattern:
    query: str
    handler: NodeHandler


def last_segment(qualified: str) -> str:
    return qualified.rsplit(".", 1)[-1].lstrip("?")


_TEST_DIRS = frozenset({"test", "tests", "__tests__", "__mocks__", "spec", "specs", "e2e", "fixtures", "__fixtures__"})
_TEST_FILE = re.compile(r"(?i)(?:[._-](?:test|spec|e2e|mock|stub)\.[cm]?[jt]sx?$|^(?:fake|mock|stub)[-_.])")


def is_test_double(path: str) -> bool:
    """Tests, fixtures and test doubles (`x.test.js`, `__mocks__/`, `fake-user-store.js`): the
    name-based heuristics (a `Math.random()` "id") are noise there, as the style guide asks."""
    parts = path.split("/")
    return bool(_TEST_FILE.search(parts[-1])) or any(p in _TEST_DIRS for p in parts[:-1])
