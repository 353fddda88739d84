"""The SAST dispatcher's candidate nodes found from byte hits instead of a whole-tree query.

A tree-sitter query costs a traversal of the whole tree whatever it looks for (about 0.66
CPU-s per 25 MB of code on the benchmark corpus, before any pattern), while almost every node
the SAST rules start from is spelled by a known name: a callee (`exec`, `createHash`, `parse`),
`require`/`promisify`/`import`, an option key (`rejectUnauthorized`, `noEscape`), or, for ReDoS,
a repeated group (`)*`, `)+`, `){n`) inside a regex literal.  One Hyperscan pass finds every
occurrence of those spellings, and each is checked on the tree: the smallest node at that byte
range must be exactly that name, with the parent shape the dispatcher's query pattern
describes.  Strings, comments and longer identifiers that merely contain a name fail the check.

The one keyword-less shape is an alias declarator (`const run = cp.exec`): `FileContext` binds
it only when the root of its value is already a bound name, so the declarators to hand over are
those whose value starts with a name bound by a require, an import, a `promisify` call or
another such declarator, found by searching those names' occurrences until no new name appears.

The result is what `checks.run_file_rules` derives from the query (binding matches, candidate
calls, node-pattern matches), up to regex literals that cannot be ReDoS (no repeated group),
which the query hands over and `nested_quantifier` rejects.  A test compares the findings and
bindings of both paths on every fixture.  `None` (no `hyperscan` wheel, a node pattern this
module does not know, or an alias search that would cost more than a walk) tells the caller to
run the query instead.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

import tree_sitter as ts

from nodeward.sast.rules import regex, templates, tls
from nodeward.sast.rules.base import NodeHandler

__all__ = ["Candidates", "candidates"]

logger = logging.getLogger(__name__)

Match = tuple[int, dict[str, list[ts.Node]]]


class Candidates:
    """What the dispatcher needs from one file, found without a query."""

    __slots__ = ("binding_calls", "bindings", "calls", "nodes")

    def __init__(self) -> None:
        self.bindings: list[Match] = []
        """`import` statements and alias declarators, as the bindings query's matches."""
        self.calls: list[ts.Node] = []
        """Calls and `new` expressions whose callee name has a handler."""
        self.binding_calls: list[ts.Node] = []
        """`require(...)` and `...promisify(...)` calls."""
        self.nodes: list[tuple[NodeHandler, dict[str, list[ts.Node]]]] = []


_IMPORT_MATCH = -1
_ALIAS_MATCH = -2
"""Pattern indices of the synthetic binding matches (`FileContext` looks only at capture names)."""

_KEY_HANDLERS: dict[str, tuple[str, ...]] = {
    "noEscape": ("no_escape",),
    "escapeMarkup": ("assignment",),
    "escape": ("assignment",),
    "NODE_TLS_REJECT_UNAUTHORIZED": ("env",),
    **dict.fromkeys(("rejectUnauthorized", "strictSSL", "insecure", "minVersion", "secureProtocol", "checkServerIdentity"), ("pairs",)),
}
"""Option keys and assigned properties of the node patterns, by the pattern they belong to."""

_NODE_HANDLERS: dict[str, NodeHandler] = {
    "no_escape": templates._no_escape,
    "assignment": templates._assignment,
    "pairs": tls._pairs,
    "env": tls._env,
    "literal": regex._literal,
}
_KNOWN_NODE_QUERIES = frozenset(p.query for p in (*templates.NODES, *tls.NODES, *regex.NODES))

_MARKERS = (b")*", b")+", b"){")
_ASCII_IDENT = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$")


def _is_identifier_name(name: str) -> bool:
    return bool(name) and all(ord(c) < 0x80 and (c.isalnum() or c in "_$") for c in name) and not name[0].isdigit()


_WORD_CHARS = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def _expression(word: bytes, whole: bool) -> bytes:
    """A Hyperscan expression for `word`; `whole` adds `\\b` on each side that is a word
    character (`\\b` before a `$` would need a word character in front of it)."""
    from nodeward.secrets.engine import _hs_literal

    body = _hs_literal(word).encode()
    if not whole or not word:
        return body
    head = rb"\b" if word[0] in _WORD_CHARS else b""
    tail = rb"\b" if word[-1] in _WORD_CHARS else b""
    return head + body + tail


class _Scanner:
    """One Hyperscan database for every spelling, compiled once per process."""

    def __init__(self, call_names: Iterable[str]) -> None:
        from nodeward.hsdb import compile_db

        self.call_names = frozenset(n for n in call_names if _is_identifier_name(n))
        words = sorted(self.call_names | {"require", "promisify", "import"} | set(_KEY_HANDLERS))
        self.words: tuple[bytes, ...] = (*(w.encode() for w in words), *_MARKERS)
        self.keyless = frozenset(i for i, w in enumerate(words) if w not in _KEY_HANDLERS)
        """Words that are only ever identifiers or keywords (option keys may be string fragments)."""
        # Names that are only identifiers or keywords match as whole words (`\\b`), which
        # drops `end` in `append`, `sign` in `assign` ... before Python sees them; option
        # keys stay plain literals (a string fragment may follow an escape: `'\\nkey'`).
        self._db: Any = compile_db([_expression(w, i in self.keyless) for i, w in enumerate(self.words)])

        self._lengths = [len(w) for w in self.words]

    def hits(self, source: bytes) -> list[tuple[int, int]]:
        """(word id, start byte) of every occurrence."""
        out: list[tuple[int, int]] = []
        append = out.append
        lengths = self._lengths

        def on_match(kid: int, _start: int, end: int, _flags: int, _ctx: object) -> None:
            append((kid, end - lengths[kid]))

        if source:
            self._db.scan(source, match_event_handler=on_match)
        return out


_SCANNERS: list[_Scanner | None] = []


def _scanner(call_names: Iterable[str]) -> _Scanner | None:
    if not _SCANNERS:
        try:
            _SCANNERS.append(_Scanner(call_names))
        except Exception:  # no wheel (or no usable CPU features): callers run the query
            logger.debug("hyperscan unavailable; SAST candidates by query", exc_info=True)
            _SCANNERS.append(None)
    return _SCANNERS[0]


def _exact(root: ts.Node, start: int, end: int) -> ts.Node | None:
    node = root.descendant_for_byte_range(start, end)
    if node is None or node.start_byte != start or node.end_byte != end:
        return None
    return node


def _same(a: ts.Node | None, b: ts.Node) -> bool:
    return a is not None and a.id == b.id


def _call_of(name: ts.Node) -> ts.Node | None:
    """The call or `new` whose callee ends in `name`, in the shapes the dispatcher's query has."""
    if name.type == "identifier":
        callee = name
    elif name.type == "property_identifier":
        member = name.parent
        if member is None or member.type != "member_expression" or not _same(member.child_by_field_name("property"), name):
            return None
        callee = member
    else:
        return None
    parent = callee.parent
    if parent is None:
        return None
    if parent.type == "call_expression" and _same(parent.child_by_field_name("function"), callee):
        return parent
    if parent.type == "new_expression" and _same(parent.child_by_field_name("constructor"), callee):
        return parent
    if parent.type == "sequence_expression":  # `(0, obj.fn)(...)`: the callee is the last expression
        named = parent.named_children
        paren = parent.parent
        if named and named[-1].id == callee.id and paren is not None and paren.type == "parenthesized_expression":
            call = paren.parent
            if call is not None and call.type == "call_expression" and _same(call.child_by_field_name("function"), paren):
                return call
    return None


def _import_match(keyword: ts.Node, lang: str) -> Match | None:
    stmt = keyword.parent
    if stmt is None or stmt.type != "import_statement" or keyword.type != "import":
        return None
    source = stmt.child_by_field_name("source")
    if source is not None and source.type == "string":
        return (_IMPORT_MATCH, {"import": [stmt], "module": [source]})
    if lang != "javascript":
        for clause in stmt.named_children:
            if clause.type == "import_require_clause":
                src = clause.child_by_field_name("source")
                if src is not None and src.type == "string":
                    return (_IMPORT_MATCH, {"import": [stmt], "module": [src]})
    return None


def _node_match(kind: str, node: ts.Node) -> dict[str, list[ts.Node]] | None:
    parent = node.parent
    if parent is None:
        return None
    if kind in ("no_escape", "pairs"):
        if node.type == "property_identifier" and parent.type == "pair" and _same(parent.child_by_field_name("key"), node):
            return {"key": [node], "pair": [parent]}
        if kind == "pairs" and node.type == "string_fragment" and parent.type == "string":
            pair = parent.parent
            if pair is not None and pair.type == "pair" and _same(pair.child_by_field_name("key"), parent):
                return {"key": [node], "pair": [pair]}
        return None
    if kind in ("assignment", "env") and node.type == "property_identifier":
        if parent.type == "member_expression" and _same(parent.child_by_field_name("property"), node):
            assign = parent.parent
            if assign is not None and assign.type == "assignment_expression" and _same(assign.child_by_field_name("left"), parent):
                return {"prop" if kind == "assignment" else "var": [node], "assign": [assign]}
        return None
    if kind == "env" and node.type == "string_fragment" and parent.type == "string":
        sub = parent.parent
        if sub is not None and sub.type == "subscript_expression" and _same(sub.child_by_field_name("index"), parent):
            assign = sub.parent
            if assign is not None and assign.type == "assignment_expression" and _same(assign.child_by_field_name("left"), sub):
                return {"var": [node], "assign": [assign]}
    return None


def _declared_names(pattern: ts.Node, out: set[bytes]) -> None:
    """Every identifier a declarator name (identifier or object pattern) may bind."""
    if pattern.type in ("identifier", "shorthand_property_identifier_pattern"):
        if pattern.text:
            out.add(pattern.text)
        return
    for child in pattern.named_children:
        _declared_names(child, out)


_SPACE = frozenset(b" \t\n\r\v\f")


ALIAS_SEARCH_BUDGET = 50_000
"""Places after an `=` holding a bound name looked at per file (at least; a quarter of the file
size when that is more) before giving up for the query: one-letter names in a big bundle would
otherwise cost (names x places) where the query costs one walk."""


ALIAS_BUDGET_BYTES = 4
"""The budget grows by one place per this many bytes of source."""


class _OverBudget(Exception):
    """The alias search would cost more than the query it replaces."""


_ODD_GAP = re.compile(rb"=(?=[\t\n\r\v\f/\x80-\xff]| [ \t\n\r\v\f/\x80-\xff])")
"""An `=` followed by anything but nothing or one plain space before the next token."""
_IDENT = re.compile(rb"[A-Za-z_$][A-Za-z0-9_$]*")
_PLAIN_VALUE = re.compile(rb"= ?([A-Za-z_$][A-Za-z0-9_$]*)")
"""An identifier right after `=` or `= `: the common spellings of a declarator's value."""


def _skip_gap(source: bytes, i: int) -> int:
    """The first byte from `i` that is not white space (any byte >= 0x80 counts: the Unicode
    spaces and line terminators JavaScript allows) or a comment."""
    size = len(source)
    while i < size:
        c = source[i]
        if c in _SPACE or c >= 0x80:
            i += 1
        elif c == 0x2F and i + 1 < size and source[i + 1] in (0x2A, 0x2F):  # `/*` or `//`
            close = source.find(b"*/", i + 2) if source[i + 1] == 0x2A else source.find(b"\n", i + 2)
            if close < 0:
                return size
            i = close + (2 if source[i + 1] == 0x2A else 1)
        else:
            return i
    return i


class _ValueSites:
    """Where a declarator's value could be one of a set of names: `= name`, in one file.

    The value of `x = name...` follows the `=` after white space and comments.  One regex pass
    per file collects the identifiers written right after `=` or `= ` (the common spellings);
    only names among them are then located, with `bytes.find` of `=name` and `= name`.  Every
    other gap after an `=` (a line break, a comment, two spaces, a non-ASCII space) is found
    once per file by another regex and skipped byte by byte.  Uses, calls and properties of
    a name (most of its occurrences) are never visited; the tree check (`_alias_declarator`)
    decides on what is left."""

    def __init__(self, source: bytes) -> None:
        self.source = source
        self._plain = frozenset(_PLAIN_VALUE.findall(source))
        self._odd: dict[bytes, list[int]] | None = None

    def _odd_sites(self) -> dict[bytes, list[int]]:
        if self._odd is None:
            source = self.source
            self._odd = {}
            for m in _ODD_GAP.finditer(source):
                start = _skip_gap(source, m.end())
                ident = _IDENT.match(source, start)
                if ident is not None:
                    self._odd.setdefault(ident.group(), []).append(start)
        return self._odd

    def starts(self, names: set[bytes], budget: list[int]) -> Iterable[tuple[int, int]]:
        """(start, end) of each of `names` as a whole word in a value position."""
        source = self.source
        size = len(source)
        odd = self._odd_sites()
        for name in names:
            n = len(name)
            if name not in self._plain:
                for start in odd.get(name, ()):
                    yield start, start + n
                continue
            for prefix in (b"=", b"= "):
                needle = prefix + name
                i = source.find(needle)
                while i >= 0:
                    budget[0] -= 1
                    if budget[0] < 0:
                        raise _OverBudget
                    start = i + len(prefix)
                    end = start + n
                    if end >= size or source[end] not in _ASCII_IDENT:
                        yield start, end
                    i = source.find(needle, i + 1)
            for start in odd.get(name, ()):
                yield start, start + n


def _alias_declarator(root: ts.Node, start: int, end: int) -> ts.Node | None:
    """The `variable_declarator` whose value is this identifier or a member chain rooted at it."""
    node = _exact(root, start, end)
    if node is None or node.type != "identifier":
        return None
    parent = node.parent
    while parent is not None and parent.type == "member_expression" and _same(parent.child_by_field_name("object"), node):
        node, parent = parent, parent.parent
    if parent is None or parent.type != "variable_declarator" or not _same(parent.child_by_field_name("value"), node):
        return None
    name = parent.child_by_field_name("name")
    if name is None or name.type not in ("identifier", "object_pattern"):
        return None
    return parent


_MAX_ALIAS_ROUNDS = 16
"""Bound on the alias fixed point (each round needs a new name bound by the previous one)."""


def _bound_names(found: Candidates) -> set[bytes]:
    """Names the requires, imports and `promisify` calls found so far may bind."""
    names: set[bytes] = set()
    for call in found.binding_calls:
        node = call
        parent = node.parent
        while parent is not None and parent.type == "member_expression" and _same(parent.child_by_field_name("object"), node):
            node, parent = parent, parent.parent
        if parent is None:
            continue
        if parent.type == "variable_declarator":
            name = parent.child_by_field_name("name")
            if name is not None:
                _declared_names(name, names)
        elif parent.type == "assignment_expression":
            left = parent.child_by_field_name("left")
            if left is not None and left.type == "identifier" and left.text:
                names.add(left.text)
    for _i, caps in found.bindings:
        for stmt in caps.get("import", ()):
            for ident in _identifiers(stmt):
                names.add(ident)
    return names


def _identifiers(node: ts.Node) -> Iterable[bytes]:
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type == "identifier" and n.text:
            yield n.text
        stack.extend(n.named_children)


def candidates(source: bytes, tree: ts.Tree, lang: str, call_names: Iterable[str], node_queries: Iterable[str]) -> Candidates | None:
    """The dispatcher's candidates from byte hits, or None when the query must be used."""
    if any(q not in _KNOWN_NODE_QUERIES for q in node_queries):
        return None
    scanner = _scanner(call_names)
    if scanner is None:
        return None
    root = tree.root_node
    found = Candidates()
    regexes: dict[int, ts.Node] = {}
    words = scanner.words
    markers = len(words) - len(_MARKERS)
    keyless = scanner.keyless
    for kid, start in scanner.hits(source):
        if kid >= markers:
            _regex_at(root, start, regexes)
            continue
        word = words[kid]
        end = start + len(word)
        if kid in keyless and (
            (start > 0 and source[start - 1] in _ASCII_IDENT) or (end < len(source) and source[end] in _ASCII_IDENT)
        ):
            continue  # part of a longer identifier: cannot be that name's node
        node = _exact(root, start, end)
        if node is None:
            continue
        text = word.decode()
        if text == "import":
            m = _import_match(node, lang)
            if m is not None:
                found.bindings.append(m)
            continue
        for kind in _KEY_HANDLERS.get(text, ()):
            caps = _node_match(kind, node)
            if caps is not None:
                found.nodes.append((_NODE_HANDLERS[kind], caps))
        if text in scanner.call_names or text in ("require", "promisify"):
            call = _call_of(node)
            if call is not None:
                (found.binding_calls if text in ("require", "promisify") else found.calls).append(call)
    for node in sorted(regexes.values(), key=lambda n: n.start_byte):
        pattern = node.child_by_field_name("pattern")
        if pattern is not None:
            found.nodes.append((_NODE_HANDLERS["literal"], {"re": [node], "pattern": [pattern]}))
    found.binding_calls.sort(key=lambda n: n.start_byte)
    found.bindings.sort(key=lambda m: m[1]["import"][0].start_byte)
    try:
        _add_aliases(source, root, found, [max(ALIAS_SEARCH_BUDGET, len(source) // ALIAS_BUDGET_BYTES)])
    except _OverBudget:
        return None
    return found


def renamed_calls(source: bytes, root: ts.Node, names: Iterable[str]) -> list[ts.Node]:
    """Calls and `new` of local identifiers in `names` (`run(...)` after `const { exec: run } =
    require('child_process')`), found from their occurrences in the bytes: the same nodes as the
    query `(call_expression function: (identifier) @name)` / `(new_expression constructor: ...)`
    restricted to those names, without a walk of the whole tree."""
    size = len(source)
    found: dict[int, ts.Node] = {}
    for name in names:
        word = name.encode()
        i = source.find(word)
        while i >= 0:
            end = i + len(word)
            if (i == 0 or source[i - 1] not in _ASCII_IDENT) and (end >= size or source[end] not in _ASCII_IDENT):
                node = _exact(root, i, end)
                parent = node.parent if node is not None and node.type == "identifier" else None
                if node is not None and parent is not None and (
                    (parent.type == "call_expression" and _same(parent.child_by_field_name("function"), node))
                    or (parent.type == "new_expression" and _same(parent.child_by_field_name("constructor"), node))
                ):
                    found[parent.id] = parent
            i = source.find(word, end)
    return sorted(found.values(), key=lambda n: n.start_byte)


def _regex_at(root: ts.Node, start: int, regexes: dict[int, ts.Node]) -> None:
    node = root.descendant_for_byte_range(start, start + 2)
    depth = 0
    while node is not None and depth < 3:
        if node.type == "regex":
            regexes[node.id] = node
            return
        node, depth = node.parent, depth + 1


def _add_aliases(source: bytes, root: ts.Node, found: Candidates, budget: list[int]) -> None:
    pending = _bound_names(found)
    sites = _ValueSites(source)
    seen_names: set[bytes] = set()
    decls: dict[int, ts.Node] = {}
    for _round in range(_MAX_ALIAS_ROUNDS):
        pending -= seen_names
        if not pending:
            break
        seen_names |= pending
        new_names: set[bytes] = set()
        for start, end in sites.starts(pending, budget):
            decl = _alias_declarator(root, start, end)
            if decl is not None and decl.id not in decls:
                decls[decl.id] = decl
                declared = decl.child_by_field_name("name")
                if declared is not None:
                    _declared_names(declared, new_names)
        pending = new_names
    for decl in sorted(decls.values(), key=lambda n: n.start_byte):
        found.bindings.append((_ALIAS_MATCH, {"alias": [decl]}))
