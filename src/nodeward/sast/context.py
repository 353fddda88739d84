"""Per-file context the pattern rules share: what names mean, and what is constant.

Rules must not match text: `exec(x)` is only a command injection when `exec`
came from `child_process`.  `FileContext` resolves every `require()`/`import`
binding of a file once (default, namespace, named and renamed imports,
destructuring, member chains, `util.promisify` wrappers) so a rule can ask for
the qualified name of any callee (`child_process.exec`, `crypto.createHash`,
`jsonwebtoken.verify`).  It also answers "is this argument a constant?" (a
literal, a template without substitutions, a `const` bound to a literal in an
enclosing scope, or an operator over constants) and looks up object-literal
properties, following a `const opts = {...}` binding.

All candidate nodes come from tree-sitter queries compiled once per process;
Python only walks the few nodes those queries return.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import tree_sitter as ts

from nodeward.jsstring import unescape
from nodeward.model import Confidence, Finding, Rule, Severity, SourceSpan, make_fingerprint
from nodeward.sast.parse import Lang, get_language

__all__ = ["FileContext", "GLOBALS", "bindings_query", "compiled_query", "string_value", "words"]

GLOBALS = frozenset(
    {
        "eval",
        "Function",
        "setTimeout",
        "setInterval",
        "setImmediate",
        "Buffer",
        "Math",
        "process",
        "RegExp",
        "JSON",
        "require",
        "console",
        "Object",
        "globalThis",
        "global",
        "window",
        "self",
    }
)
"""Identifiers that mean the built-in when nothing in the file rebinds them."""

_GLOBAL_OBJECTS = ("globalThis.", "global.", "window.", "self.")
_UNKNOWN = "?"
"""Prefix for names that are neither imported nor a known global (a local variable)."""

_SCOPES = frozenset({"program", "statement_block", "switch_case", "switch_default"})
_FUNCTIONS = frozenset(
    {
        "function_declaration",
        "function_expression",
        "function",
        "arrow_function",
        "method_definition",
        "generator_function",
        "generator_function_declaration",
    }
)
_MAX_DEPTH = 64
"""Bound on every upward walk and recursive constant check (minified or hostile input)."""

_QUERIES: dict[tuple[Lang, str], ts.Query] = {}

_BINDINGS_CORE = """
(import_statement source: (string) @module) @import
(variable_declarator
  name: [(identifier) (object_pattern)]
  value: [(identifier) (member_expression)]) @alias
"""
"""Binding shapes other than calls; `require(...)` and `promisify(...)` calls are selected by
the dispatcher's call query (one predicate per call instead of three) and handed over."""

_BINDINGS_QUERY = _BINDINGS_CORE + """
(call_expression
  function: (identifier) @req (#eq? @req "require")
  arguments: (arguments . (string) @module)) @require
(variable_declarator
  name: (identifier)
  value: (call_expression
    function: [(identifier) (member_expression)] @wrap (#match? @wrap "promisify$"))) @promisified
"""
_TS_IMPORT_REQUIRE = "(import_statement (import_require_clause source: (string) @module)) @import\n"
_TS_BINDINGS_QUERY = _BINDINGS_QUERY + _TS_IMPORT_REQUIRE
"""TypeScript adds `import cp = require('child_process')` (not valid JavaScript grammar)."""


def bindings_query(lang: Lang, *, calls_included: bool = False) -> str:
    """Query source selecting the nodes that bind names (requires, imports, aliases, consts).

    With `calls_included` the caller selects `require(...)`/`promisify(...)` calls itself
    and passes them to `FileContext` as `binding_calls`."""
    base = _BINDINGS_CORE if calls_included else _BINDINGS_QUERY
    return base if lang == "javascript" else base + _TS_IMPORT_REQUIRE


def compiled_query(lang: Lang, source: str) -> ts.Query:
    """A query compiled once per process and language (queries are costly to build)."""
    key = (lang, source)
    query = _QUERIES.get(key)
    if query is None:
        query = ts.Query(get_language(lang), source)
        _QUERIES[key] = query
    return query


def string_value(node: ts.Node | None) -> str | None:
    """The value of a string literal or a template without substitutions, else None."""
    if node is None:
        return None
    if node.type == "string":
        return "".join(
            (c.text or b"").decode("utf-8", "replace") if c.type == "string_fragment" else _escape(c)
            for c in node.named_children
            if c.type in ("string_fragment", "escape_sequence")
        )
    if node.type == "template_string":
        if any(c.type == "template_substitution" for c in node.named_children):
            return None
        return "".join((c.text or b"").decode("utf-8", "replace") for c in node.named_children if c.type == "string_fragment")
    return None


def _escape(node: ts.Node) -> str:
    return unescape((node.text or b"").decode("utf-8", "replace"))


def _key(node: ts.Node) -> tuple[int, int]:
    return (node.start_byte, node.end_byte)


def _module_name(spec: str) -> str:
    return spec[5:] if spec.startswith("node:") else spec


class FileContext:
    """Everything the pattern rules of one file share, computed once per file."""

    def __init__(
        self,
        path: str,
        source: bytes,
        tree: ts.Tree,
        lang: Lang,
        binding_matches: list[tuple[int, dict[str, list[ts.Node]]]] | None = None,
        binding_calls: Sequence[ts.Node] = (),
    ) -> None:
        """`binding_matches` are the matches of `bindings_query(lang, ...)` when the caller ran it
        as part of a combined query (one tree walk per file); otherwise it is run here.
        `binding_calls` are `require(...)` and `...promisify(...)` calls the caller selected."""
        self.path = path
        self.source = source
        self.tree = tree
        self.lang = lang
        self.aliases: dict[str, str] = {}
        """Local name -> qualified name (`run` -> `child_process.exec`)."""
        self.modules: set[str] = set()
        """Every module the file requires or imports."""
        self._const_cache: dict[tuple[int, str], tuple[ts.Node | None]] = {}
        self._occurrences: dict[tuple[str, str], int] = {}
        self._lines: list[bytes] | None = None
        if binding_matches is None:
            query = compiled_query(lang, bindings_query(lang))
            binding_matches = ts.QueryCursor(query).matches(tree.root_node)
        self._collect_bindings(binding_matches, binding_calls)

    # -- bindings -----------------------------------------------------------------

    def _collect_bindings(self, matches: list[tuple[int, dict[str, list[ts.Node]]]], calls: Sequence[ts.Node]) -> None:
        later: list[tuple[str, ts.Node]] = []
        for call in calls:
            fn = call.child_by_field_name("function")
            if fn is not None and fn.type == "identifier" and self.text(fn) == "require":
                args = self.args(call)
                if args and args[0].type == "string":
                    self._bind_require(call, args[0])
            elif call.parent is not None and call.parent.type == "variable_declarator":
                name = call.parent.child_by_field_name("name")
                if name is not None and name.type == "identifier" and call.parent.child_by_field_name("value") == call:
                    later.append(("promisified", call.parent))
        for _idx, caps in matches:
            if "require" in caps:
                self._bind_require(caps["require"][0], caps["module"][0])
            elif "import" in caps:
                self._bind_import(caps["import"][0], caps["module"][0])
            elif "alias" in caps:
                later.append(("alias", caps["alias"][0]))
            elif "promisified" in caps:
                later.append(("promisified", caps["promisified"][0]))
        later.sort(key=lambda item: item[1].start_byte)
        for kind, node in later:
            if kind == "alias":
                self._bind_alias(node)
            else:
                self._bind_promisified(node)

    def _bind_pattern(self, name: ts.Node, qualified: str) -> None:
        if name.type == "identifier":
            self.aliases[self.text(name)] = qualified
            return
        if name.type != "object_pattern":
            return
        for child in name.named_children:
            if child.type == "shorthand_property_identifier_pattern":
                local = self.text(child)
                self.aliases[local] = f"{qualified}.{local}"
            elif child.type == "pair_pattern":
                key = child.child_by_field_name("key")
                value = child.child_by_field_name("value")
                if key is None or value is None:
                    continue
                prop = string_value(key) if key.type == "string" else self.text(key)
                if value.type == "assignment_pattern":
                    value = value.child_by_field_name("left") or value
                if prop and value.type in ("identifier", "object_pattern"):
                    self._bind_pattern(value, f"{qualified}.{prop}")
            elif child.type == "object_assignment_pattern":
                left = child.child_by_field_name("left")
                if left is not None and left.type == "shorthand_property_identifier_pattern":
                    local = self.text(left)
                    self.aliases[local] = f"{qualified}.{local}"

    def _bind_require(self, call: ts.Node, module_node: ts.Node) -> None:
        spec = string_value(module_node)
        if spec is None:
            return
        module = _module_name(spec)
        self.modules.add(module)
        qualified = module
        node = call
        parent = node.parent
        # `require('x').a.b` binds the member chain.
        while parent is not None and parent.type == "member_expression" and parent.child_by_field_name("object") == node:
            prop = parent.child_by_field_name("property")
            if prop is None:
                return
            qualified = f"{qualified}.{self.text(prop)}"
            node, parent = parent, parent.parent
        if parent is None:
            return
        if parent.type == "variable_declarator" and parent.child_by_field_name("value") == node:
            name = parent.child_by_field_name("name")
            if name is not None:
                self._bind_pattern(name, qualified)
        elif parent.type == "assignment_expression" and parent.child_by_field_name("right") == node:
            left = parent.child_by_field_name("left")
            if left is not None and left.type == "identifier":
                self.aliases[self.text(left)] = qualified

    def _bind_import(self, stmt: ts.Node, module_node: ts.Node) -> None:
        spec = string_value(module_node)
        if spec is None:
            return
        module = _module_name(spec)
        self.modules.add(module)
        for clause in stmt.named_children:
            if clause.type == "import_require_clause":  # TS: import cp = require('child_process')
                ident = next((c for c in clause.named_children if c.type == "identifier"), None)
                if ident is not None:
                    self.aliases[self.text(ident)] = module
                continue
            if clause.type != "import_clause":
                continue
            for part in clause.named_children:
                if part.type == "identifier":
                    self.aliases[self.text(part)] = module
                elif part.type == "namespace_import":
                    ident = next((c for c in part.named_children if c.type == "identifier"), None)
                    if ident is not None:
                        self.aliases[self.text(ident)] = module
                elif part.type == "named_imports":
                    for spec_node in part.named_children:
                        if spec_node.type != "import_specifier":
                            continue
                        name = spec_node.child_by_field_name("name")
                        alias = spec_node.child_by_field_name("alias") or name
                        if name is None or alias is None:
                            continue
                        imported = string_value(name) if name.type == "string" else self.text(name)
                        qualified = module if imported == "default" else f"{module}.{imported}"
                        self.aliases[self.text(alias)] = qualified

    def _bind_alias(self, decl: ts.Node) -> None:
        """`const exec = cp.exec`, `const { exec } = cp`: only when the value is an import."""
        value = decl.child_by_field_name("value")
        name = decl.child_by_field_name("name")
        if value is None or name is None:
            return
        root = value
        depth = 0
        while root.type == "member_expression" and depth < _MAX_DEPTH:
            obj = root.child_by_field_name("object")
            if obj is None:
                return
            root, depth = obj, depth + 1
        if root.type != "identifier" or self.text(root) not in self.aliases:
            return
        qualified = self.qualname(value)
        if qualified is not None and not qualified.startswith(_UNKNOWN):
            self._bind_pattern(name, qualified)

    def _bind_promisified(self, decl: ts.Node) -> None:
        """`const run = util.promisify(cp.exec)` keeps meaning `child_process.exec`."""
        value = decl.child_by_field_name("value")
        name = decl.child_by_field_name("name")
        if value is None or name is None:
            return
        args = value.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_children else None
        if first is None:
            return
        qualified = self.qualname(first)
        if qualified is not None and not qualified.startswith(_UNKNOWN):
            self.aliases[self.text(name)] = qualified

    # -- names ----------------------------------------------------------------------

    def text(self, node: ts.Node) -> str:
        return (node.text or b"").decode("utf-8", "replace")

    def qualname(self, node: ts.Node | None) -> str | None:
        """`child_process.exec` for `cp.exec` / `exec` / `require('child_process').exec`.

        Imported names resolve through the file's bindings, unbound well-known
        globals resolve to themselves (`eval`, `Buffer`, `Math.random`), other
        identifiers come back prefixed with `?` (a local whose origin is unknown).
        """
        depth = 0
        while node is not None and depth < _MAX_DEPTH:
            depth += 1
            t = node.type
            if t == "parenthesized_expression":
                node = node.named_children[-1] if node.named_children else None
            elif t == "sequence_expression":  # (0, obj.fn)(...)
                node = node.named_children[-1] if node.named_children else None
            else:
                break
        if node is None or depth >= _MAX_DEPTH:
            return None
        t = node.type
        if t == "identifier":
            name = self.text(node)
            if name in self.aliases:
                return self.aliases[name]
            return name if name in GLOBALS else _UNKNOWN + name
        if t == "member_expression":
            obj = node.child_by_field_name("object")
            prop = node.child_by_field_name("property")
            if obj is None or prop is None:
                return None
            base = self.qualname(obj) if obj.type != "this" else "?this"
            if base is None:
                return None
            for g in _GLOBAL_OBJECTS:
                if base + "." == g:
                    return self.text(prop)
            return f"{base}.{self.text(prop)}"
        if t == "subscript_expression":
            obj = node.child_by_field_name("object")
            index = string_value(node.child_by_field_name("index"))
            base = self.qualname(obj)
            if base is None or index is None:
                return None
            return f"{base}.{index}"
        if t == "call_expression":
            fn = node.child_by_field_name("function")
            if fn is not None and fn.type == "identifier" and self.text(fn) == "require":
                args = node.child_by_field_name("arguments")
                first = args.named_children[0] if args is not None and args.named_children else None
                spec = string_value(first)
                return _module_name(spec) if spec is not None else None
            return None
        if t == "this":
            return "?this"
        return None

    def callee(self, call: ts.Node) -> ts.Node | None:
        """The function part of a call or the constructor of a `new`."""
        return call.child_by_field_name("function") or call.child_by_field_name("constructor")

    def callee_qualname(self, call: ts.Node) -> str | None:
        return self.qualname(self.callee(call))

    @staticmethod
    def args(call: ts.Node) -> list[ts.Node]:
        """Positional argument nodes (comments dropped)."""
        args = call.child_by_field_name("arguments")
        if args is None or args.type != "arguments":
            return []
        return [a for a in args.named_children if a.type != "comment"]

    # -- constants --------------------------------------------------------------------

    def const_binding(self, ident: ts.Node) -> ts.Node | None:
        """The literal a `const` in an enclosing scope binds this identifier to, if any.

        Looked up on demand (rules ask about a handful of arguments per file, so
        indexing every `const` of every file up front would cost more): walk up
        from the use, and in each enclosing block or program look at its own
        `const` declarations.  A function parameter of the same name met on the
        way shadows outer bindings, so the answer is None then.
        """
        name = self.text(ident)
        cached = self._const_cache.get((ident.start_byte, name))
        if cached is not None:
            return cached[0]
        found: ts.Node | None = None
        node = ident.parent
        depth = 0
        while node is not None and depth < _MAX_DEPTH * 4:
            depth += 1
            if node.type in _SCOPES:
                found = self._const_in_scope(node, name)
                if found is not None:
                    break
            elif node.type in _FUNCTIONS and self._declares_param(node, name):
                break
            node = node.parent
        self._const_cache[(ident.start_byte, name)] = (found,)
        return found

    def _const_in_scope(self, scope: ts.Node, name: str) -> ts.Node | None:
        target = name.encode()
        value: ts.Node | None = None
        for child in scope.named_children:
            if child.type != "lexical_declaration" or child.children[0].type != "const":
                continue
            for d in child.named_children:
                if d.type != "variable_declarator":
                    continue
                n = d.child_by_field_name("name")
                if n is not None and n.type == "identifier" and n.text == target:
                    value = d.child_by_field_name("value")
        return value

    def _declares_param(self, fn: ts.Node, name: str) -> bool:
        params = fn.child_by_field_name("parameters") or fn.child_by_field_name("parameter")
        if params is None:
            return False
        if params.type == "identifier":
            return self.text(params) == name
        return any(self.text(n) == name for n in _identifiers(params))

    def resolve(self, node: ts.Node | None) -> ts.Node | None:
        """Follow an identifier to the literal a const binds it to (else the node itself)."""
        if node is not None and node.type == "identifier":
            bound = self.const_binding(node)
            if bound is not None:
                return bound
        return node

    def is_constant(self, node: ts.Node | None, depth: int = 0) -> bool:
        """True when the expression's value is fixed in the source (no outside input)."""
        if node is None or depth > _MAX_DEPTH:
            return False
        t = node.type
        if t in ("string", "number", "true", "false", "null", "undefined", "regex"):
            return True
        if t == "template_string":
            return not any(c.type == "template_substitution" for c in node.named_children)
        if t == "identifier":
            if self.text(node) == "undefined":
                return True
            bound = self.const_binding(node)
            return bound is not None and self.is_constant(bound, depth + 1)
        if t == "parenthesized_expression":
            return all(self.is_constant(c, depth + 1) for c in node.named_children)
        if t == "binary_expression":
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            return self.is_constant(left, depth + 1) and self.is_constant(right, depth + 1)
        if t == "array":
            return all(self.is_constant(c, depth + 1) for c in node.named_children if c.type != "comment")
        if t == "member_expression":
            # `path.sep`, `os.EOL` ... are not user data, but an unknown object's field may be.
            return False
        return False

    def literal(self, node: ts.Node | None) -> str | int | float | bool | None:
        """The Python value of a constant string/number/boolean expression, else None."""
        node = self.resolve(node)
        if node is None:
            return None
        if node.type in ("string", "template_string"):
            return string_value(node)
        if node.type == "number":
            text = self.text(node).replace("_", "")
            try:
                return int(text, 0)
            except ValueError:
                try:
                    return float(text)
                except ValueError:
                    return None
        if node.type == "true":
            return True
        if node.type == "false":
            return False
        if node.type == "unary_expression":
            arg = node.child_by_field_name("argument")
            op = node.child_by_field_name("operator")
            val = self.literal(arg)
            if op is not None and self.text(op) == "!" and isinstance(val, (int, float)) and not isinstance(val, bool):
                return not val
        return None

    # -- objects ------------------------------------------------------------------------

    def object_literal(self, node: ts.Node | None) -> ts.Node | None:
        """The object literal an argument is, or a const binds it to; None when unknown."""
        node = self.resolve(node)
        return node if node is not None and node.type == "object" else None

    def prop(self, obj: ts.Node | None, name: str) -> ts.Node | None:
        """The value node of property `name` in an object literal (last one wins)."""
        found: ts.Node | None = None
        for key, value in self.props(obj):
            if key == name:
                found = value
        return found

    def props(self, obj: ts.Node | None) -> Iterator[tuple[str, ts.Node]]:
        """(key, value node) for each plain property of an object literal."""
        if obj is None or obj.type != "object":
            return
        for child in obj.named_children:
            if child.type == "pair":
                key = child.child_by_field_name("key")
                value = child.child_by_field_name("value")
                if key is None or value is None:
                    continue
                name = string_value(key) if key.type == "string" else self.text(key)
                if name is not None:
                    yield name, value
            elif child.type == "shorthand_property_identifier":
                yield self.text(child), child

    def has_spread(self, obj: ts.Node | None) -> bool:
        return obj is not None and any(c.type == "spread_element" for c in obj.named_children)

    # -- tree helpers -------------------------------------------------------------------

    def enclosing_function(self, node: ts.Node) -> ts.Node | None:
        cur = node.parent
        depth = 0
        while cur is not None and depth < _MAX_DEPTH * 4:
            if cur.type in _FUNCTIONS:
                return cur
            cur, depth = cur.parent, depth + 1
        return None

    def function_name(self, fn: ts.Node) -> str:
        """A function's own name, or the name of what it is assigned to."""
        name = fn.child_by_field_name("name")
        if name is not None:
            return self.text(name)
        parent = fn.parent
        if parent is not None:
            if parent.type == "variable_declarator":
                n = parent.child_by_field_name("name")
                return self.text(n) if n is not None else ""
            if parent.type == "pair":
                k = parent.child_by_field_name("key")
                return self.text(k) if k is not None else ""
            if parent.type == "assignment_expression":
                left = parent.child_by_field_name("left")
                if left is not None:
                    prop = left.child_by_field_name("property")
                    return self.text(prop if prop is not None else left)
        return ""

    def params(self, fn: ts.Node) -> list[ts.Node]:
        params = fn.child_by_field_name("parameters")
        if params is None:
            single = fn.child_by_field_name("parameter")
            return [single] if single is not None else []
        out = []
        for p in params.named_children:
            if p.type in ("required_parameter", "optional_parameter"):
                inner = p.child_by_field_name("pattern")
                if inner is not None:
                    out.append(inner)
            elif p.type != "comment":
                out.append(p)
        return out

    def identifiers(self, node: ts.Node) -> Iterator[str]:
        """Names of identifiers and property names inside a small expression."""
        for n in _identifiers(node):
            yield self.text(n)

    # -- findings ----------------------------------------------------------------------

    def line_text(self, line: int) -> str:
        if self._lines is None:
            self._lines = self.source.split(b"\n")
        if 0 <= line < len(self._lines):
            return self._lines[line].decode("utf-8", "replace").strip()
        return ""

    def finding(
        self,
        rule: Rule,
        node: ts.Node,
        message: str,
        fix: str,
        *,
        severity: Severity | None = None,
        confidence: Confidence | None = None,
    ) -> Finding:
        """A finding at `node`, fingerprinted by rule, path, the node's code and occurrence."""
        from nodeward.secrets.fingerprint import secret_free_code

        snippet = self.line_text(node.start_point[0])[:240]
        code = self.text(node)[:400]
        n = self._occurrences.get((rule.id, code), 0)
        self._occurrences[(rule.id, code)] = n + 1
        return Finding(
            rule_id=rule.id,
            rule_name=rule.name,
            severity=severity or rule.severity,
            confidence=confidence or rule.confidence,
            message=message,
            location=SourceSpan(
                self.path,
                node.start_point[0] + 1,
                node.start_point[1] + 1,
                node.end_point[0] + 1,
                node.end_point[1] + 1,
                snippet,
            ),
            # A literal secret in the code is hashed slowly, never fingerprinted as plain text.
            fingerprint=make_fingerprint(rule.id, self.path, secret_free_code(node, code, self.callee_qualname), n),
            cwe=rule.cwe,
            owasp=rule.owasp,
            fix=fix,
        )


_IDENT_TYPES = frozenset(
    {
        "identifier",
        "property_identifier",
        "shorthand_property_identifier",
        "shorthand_property_identifier_pattern",
        "private_property_identifier",
    }
)


def _identifiers(node: ts.Node, limit: int = 256) -> Iterator[ts.Node]:
    """Identifier-like nodes under `node`, breadth-first and bounded (for small expressions)."""
    stack = [node]
    seen = 0
    while stack and seen < limit:
        cur = stack.pop()
        seen += 1
        if cur.type in _IDENT_TYPES:
            yield cur
        elif cur.type not in _FUNCTIONS or cur is node:
            stack.extend(reversed(cur.named_children))


_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z0-9]+|[A-Z0-9]+")


def words(name: str) -> list[str]:
    """`resetTokenV2` -> ['reset', 'token', 'v2']: camelCase and snake_case split, lower-cased."""
    return [w.lower() for w in _WORD.findall(name)]
