"""Intra-procedural dataflow over the tree-sitter AST, one file at a time.

The walker interprets statements in order, keeping an abstract `Value` per
variable.  Each function gets a `FuncFacts` summary: the sinks its values reach
(with symbolic labels: request source, parameter i, return of call k), the
calls it makes to project functions and which argument carries what, and what
it returns.  The linker resolves the symbolic labels across functions and
files.  The walker also records the app model's raw material (apps/routers,
route registrations, middleware arguments) and what custom middleware does.

Bounded: nesting depth and per-label trace length are capped; unknown node
kinds are walked generically, so new syntax degrades to "less precise", never
to a crash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import tree_sitter as ts

from nodeward.analysis import exports, nest, registrations
from nodeward.analysis.frameworks import (
    HTTP_METHODS,
    SECURITY_HEADERS,
    instance_kind,
    local_framework_qn,
    relative_router,
)
from nodeward.analysis.ir import (
    CallEvent,
    Export,
    FuncFacts,
    GuardInfo,
    Import,
    Instance,
    Label,
    MwRef,
    RouteReg,
    SinkEvent,
    Step,
    Taint,
)
from nodeward.analysis.middleware import ERROR_HANDLER_SETUP, classify_qn
from nodeward.analysis.modules import package_name
from nodeward.analysis.nest import decorators_before
from nodeward.analysis.taint.stores import REQ_OWN, STORE_READ, STORE_ROLES
from nodeward.analysis.taint.tables import (
    ALL_KINDS,
    CLEAN_ALL,
    METHOD_SINKS,
    MODULE_SINKS,
    NOSQL_NEEDS_OBJECT,
    PROPAGATORS,
    REQUEST_PARTS,
    RES_SINKS,
    SANITIZERS,
    STRING_ONLY_PARTS,
    VALIDATING_METHODS,
    db_family,
    normalize_module,
)
from nodeward.analysis.taint.values import (
    FUNCTION_TYPES,
    UPLOAD_FIELD,
    Value,
    clean,
    extend,
    mark_field,
    mark_query_part,
    mark_url_path,
    mark_url_rest,
    only_url_path,
    strip_query_part,
    strip_url_path,
    strip_url_rest,
    union,
)
from nodeward.jsstring import unescape

__all__ = ["FileWalker", "Scope"]

MAX_DEPTH = 60
"""Expression/statement nesting beyond this is not followed (pathological generated code)."""

_TRANSPARENT = frozenset({"parenthesized_expression", "await_expression", "as_expression", "non_null_expression", "satisfies_expression", "type_assertion", "spread_element"})
_LITERALS = frozenset({"number", "true", "false", "null", "undefined", "regex", "this", "super"})
_RES_CHAIN = frozenset({"status", "set", "type", "header", "cookie", "clearCookie", "append", "vary", "links", "attachment", "code", "headers"})
_ROLE_NAMES = {"req": "req", "request": "req", "ctx": "ctx", "context": "ctx", "res": "res", "response": "res", "reply": "reply"}
_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "ash", "fish", "cmd", "cmd.exe", "powershell", "powershell.exe", "pwsh", "pwsh.exe"})
_SHELL_COMMAND_FLAGS = frozenset({"-c", "-lc", "-ic", "/c", "/C", "/s", "-Command", "-command", "-c:"})
_STRING_METHODS_CLEAN = frozenset({"length", "indexOf", "lastIndexOf", "startsWith", "endsWith", "includes", "test", "localeCompare", "search", "charCodeAt", "codePointAt"})
_CURRENT_USER = frozenset({"user", "auth", "currentUser", "remote_user", "member", "identity"})
"""Where authentication middleware leaves the signed-in principal: passport's `req.user`,
express-jwt 7+'s `req.auth`, and the names servers use for their own (`req.remote_user`,
`req.member`, `req.identity`)."""
_AUTH_MARKERS = ("user", "userId", "userID", "loggedIn", "isLoggedIn", "authenticated", "account", "uid")
_ROLE_MARKERS = frozenset({"role", "roles", "isAdmin", "admin", "permissions", "permission", "scope", "scopes", "groups", "can", "hasRole", "hasPermission", "isOwner"})
_GRAPHQL_ROOTS = frozenset({"Query", "Mutation", "Subscription"})
_PERMISSION_CALL = re.compile(r"^(?:check|has|can|verify|ensure|require|is)_?(?:[Rr]bac|RBAC|[Aa]cl|ACL|[Rr]oles?|[Pp]ermissions?|[Aa]ccess|[Ss]copes?|[Pp]rivileges?|[Aa]llowed|[Aa]uthori[sz]ed|[Gg]rants?)(?:[A-Z_]\w*)?$")
"""`req.checkRbac(perms)`, `hasAccess(user, x)`, `ensurePermission(...)`: a permission check
when called in a condition (with a 401/403 answer it makes the function a guard)."""
_VALIDATOR_NAME = re.compile(r"^(?:is|has|check|validate|assert)?_?(?:valid|safe|allowed|whitelisted|allowlisted|permitted)", re.I)
"""Names of project functions that, called in a condition, validate their arguments."""
_UNAUTHENTICATED_ERROR = re.compile(r"^(?:\w*Unauthori[sz]ed|\w*Unauthenticated|NotAuthenticated|AuthenticationRequired|AuthRequired|NoSession)\w*(?:Error|Exception)$")
"""Error classes that frameworks answer with 401."""
_FORBIDDEN_ERROR = re.compile(r"^(?:\w*Forbidden|NoPermission|PermissionDenied|AccessDenied|NotAllowed|InsufficientPermissions?)\w*(?:Error|Exception)$")
"""Error classes that frameworks answer with 403."""
_STRING_CLEAN = frozenset({"nosql", "proto"})
"""A string built by concatenation or a template cannot carry query operators or keys."""
_FIXED_TARGET = re.compile(r"^(?:https?://[^/\s'\"`]+/|/[^/\\])")
"""A URL or path whose scheme and host (or first path segment) are fixed by a literal prefix."""
_FIXED_TARGET_CLEAN = frozenset({"ssrf", "redirect"})
_IMPORTED_ROUTER_METHODS = HTTP_METHODS | {"use", "route"}
_BASE_PATH = re.compile(r"^/[\w.~-]")
"""A literal path right after a configured base URL (`/api/`, `/v1/users?`)."""
_SCHEME_ONLY = re.compile(r"^(?:[a-z][\w+.-]*:)?//$", re.I)
_SCHEME_PREFIX = re.compile(r"^(?:[a-z][\w+.-]*:?)?/?$", re.I)
_CONSTANT_ORIGIN = re.compile(r"^(?:https?:)?//[^/\\\s?#@'\"`]+$", re.I)
"""A literal origin with nothing after the host (`https://shop.example.org`): only a piece that
starts with `/`, `?` or `#` keeps the host; `@evil.example` or `.evil.example` would move it."""
_URL_SAFE_PARTS = frozenset({"search", "hash"})
"""Parts of a parsed URL (WHATWG `URL` or `url.parse`) that are empty or start with `?`/`#`:
wherever they are placed in a redirect target they cannot choose its host."""
_URL_CLEAN = frozenset({"redirect", "ssrf"})
_PATH_JOINS = frozenset({"path.join", "path.posix.join", "path.resolve", "path.posix.resolve"})
"""Joins that normalise their result: with a literal first segment starting with `/`, the
result starts with exactly one `/`."""
_UPLOAD_SERVER_FIELDS = frozenset({"path", "destination", "filename", "filepath", "newFilename"})
"""Where multer (`path`, `destination`, `filename`) or formidable/koa-body (`filepath`,
`newFilename`; `path` before formidable 2) stored an upload: chosen by the server."""
_HOST_KEYS = frozenset({"req.hostname", "req.headers.host", "req.headers.x-forwarded-host"})
"""The request's own host: chosen by whoever sends the request, i.e. the victim's browser in
an open-redirect attack, so `'https://' + req.hostname + ...` redirects to this server."""
_PATH_KEYS = frozenset({"req.originalUrl", "req.url", "req.path"})
"""The request target in origin form (or its path): always a path (`/...`) after the host."""
_SLASH_COLLAPSE = frozenset({"^/+", "^//+", "^/{2,}", "^/{1,}", "^[/\\\\]+", "^[\\\\/]+", "^(/)+", "^(?:/)+", "^/+(?=/)"})
"""`url.replace(/^[/]+/, '/')`: leading slashes collapsed, so the target cannot be `//evil.example`."""
_SQL_RECEIVERS = ("repo", "repository", "manager", "datasource", "orm", "model", "postgres", "sqlite", "mssql", "oracle", "query")
"""Further receiver names that hold a database handle (TypeORM repositories, ORM models)."""
_SQLISH = ("db", "conn", "pool", "client", "connection", "sequelize", "knex", "mysql", "pg", "sql", "database", "prisma", "trx", "tx")


def _is_upload_label(lb: Label) -> bool:
    """Request data naming an uploaded file object: `req.file`, `req.files.<field>`."""
    parts = lb.key.split(".")
    return lb.origin == "src" and parts[:2] in (["req", "file"], ["req", "files"]) and len(parts) <= 3


@dataclass
class _Ctx:
    """Per-function state while walking its body."""

    key: str
    name: str
    line: int
    params: tuple[str, ...]
    class_name: str = ""
    sinks: list[SinkEvent] = field(default_factory=list)
    calls: list[CallEvent] = field(default_factory=list)
    returns: Taint = ()
    returns_function: str = ""
    returns_middleware: str = ""
    returns_instance: str = ""
    calls_next: bool = False
    reads: set[str] = field(default_factory=set)
    validates: bool = False
    in_condition: int = 0
    checks_auth: bool = False
    strong_auth: bool = False
    """A token/header/`isAuthenticated()` check, not just a look at `req.user`."""
    loads_user: bool = False
    owner_scoped: bool = False
    """A data-access call filtered by the current user's id (ownership)."""
    """The function sets `req.user` itself (a loader: `req.user = users[req.params.id]`)."""
    checks_role: bool = False
    ends_request: bool = False
    html_reply: bool = False
    """`reply.type('text/html')` was called: what the (Fastify) handler returns is the HTML body."""
    forbidden: bool = False
    permission_call: bool = False
    rate_limit: bool = False
    csrf: bool = False
    headers: int = 0
    evidence: str = ""
    checked: set[str] = field(default_factory=set)
    """Source text of non-variable expressions checked by a validator or allow-list."""
    pinned: set[str] = field(default_factory=set)
    pin_log: list[tuple[Scope, str, Value | None, Value | None, ts.Node]] = field(default_factory=list)
    """Prefix checks made in the condition being walked: (scope, variable name or expression
    text, value before the check, value after it (None for expression texts), the check's call)."""
    """Source text of non-variable expressions checked to start with a pinned origin or path
    (`req.query.next.startsWith(siteUrl)`): harmless for redirects and server-side requests."""
    stores: dict[str, Taint] = field(default_factory=dict)
    """`res.locals.x` / `req.app.locals.x` / `ctx.state.x` -> what this function stores there."""


_DATA_ACCESS = re.compile(
    r"^(?:find\w*|delete\w*|update\w*|remove\w*|destroy|count\w*|exists|query|execute|run|all|get|where|replace\w*|upsert\w*|modify\w*)$"
)
"""Methods of ORMs, ODMs and SQL clients whose object/array argument filters the records touched."""

_APP_VARIABLES = frozenset({"app", "server", "application", "api", "router", "fastify", "instance"})
"""Variable names that, bound to a project function's result, are taken as the app it returns."""
_APP_SUFFIX = re.compile(r"[a-z0-9](?:App|Router|Server)$")
"""`editorApp`, `adminRouter`, `publicServer`: the usual names of apps built by a project factory."""


def _app_variable(name: str) -> bool:
    """A variable that, bound to a project function's result, may hold the app it returns (the
    linker keeps it only when the factory does return an app or router)."""
    return name in _APP_VARIABLES or bool(_APP_SUFFIX.search(name))

_CREDENTIAL_FIELDS = frozenset(
    {"authorization", "x-api-key", "api-key", "apikey", "api_key", "token", "access_token", "x-auth-token", "x-access-token", "auth-token", "proxy-authorization"}
)
"""Request fields that carry a credential: checking one in a condition is authentication."""


class Scope:
    """A lexical scope: variables of one function (or the module), chained to the enclosing one."""
    __slots__ = ("vars", "parent", "ctx")

    def __init__(self, parent: Scope | None, ctx: _Ctx) -> None:
        self.vars: dict[str, Value] = {}
        self.parent = parent
        self.ctx = ctx

    def lookup(self, name: str) -> Value | None:
        """The value bound to `name` here or in an enclosing scope."""
        scope: Scope | None = self
        while scope is not None:
            v = scope.vars.get(name)
            if v is not None:
                return v
            scope = scope.parent
        return None

    def assign(self, name: str, value: Value) -> None:
        """Rebind `name` where it is declared (or here when it is not)."""
        scope: Scope | None = self
        while scope is not None:
            if name in scope.vars:
                scope.vars[name] = value
                return
            scope = scope.parent
        self.vars[name] = value


def _defaulted(param: ts.Node) -> bool:
    """A parameter with a default value or a rest parameter (it ends `Function.length`)."""
    if param.type in ("assignment_pattern", "rest_pattern"):
        return True
    if param.type in ("required_parameter", "optional_parameter"):
        pattern = param.child_by_field_name("pattern")
        return param.child_by_field_name("value") is not None or (pattern is not None and pattern.type == "rest_pattern")
    return False


class FileWalker:
    """Walks one parsed file and collects its facts."""

    def __init__(self, path: str, source: bytes) -> None:
        self.path = path
        self.source = source
        self.functions: dict[str, FuncFacts] = {}
        self.instances: dict[str, Instance] = {}
        self.routes: list[RouteReg] = []
        self.exports: dict[str, Export] = {}
        self.star_exports: list[str] = []
        self.imports: list[Import] = []
        self.unresolved: list[int] = []
        self.top = _Ctx("<module>", "<module>", 1, ())
        self.module_scope = Scope(None, self.top)
        self._order = 0
        self._depth = 0
        self.class_fields: dict[str, dict[str, Value]] = {}
        self.class_bases: dict[str, tuple[str, str, str]] = {}
        """Class name -> its base class (`route_helpers.py`: routers a base class creates)."""
        """Class name -> `this.<field>` values that are service instances (for method calls)."""
        self._compiled: dict[str, nest.CompiledClass] | None = None
        self._request_calls: set[str] = set()
        """`ret` label keys of project calls given request data or the request itself."""
        """Decorators of compiled TypeScript (`__decorate` calls), by class name."""

    # ---------------------------------------------------------------- helpers
    def text(self, node: ts.Node) -> str:
        """The source text of a node."""
        return self.source[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def step(self, node: ts.Node, message: str) -> Step:
        """A trace step at a node, quoting its first line."""
        line = node.start_point[0]
        snippet = self.text(node).split("\n", 1)[0][:160]
        return Step(self.path, line + 1, node.start_point[1] + 1, message, snippet)

    def _line_text(self, node: ts.Node) -> str:
        """The first source line of a node, for finding snippets."""
        return self.text(node).split("\n", 1)[0].strip()[:160]

    def _unique_key(self, key: str, node: ts.Node) -> str:
        if key in self.functions or key == "<module>":
            key = f"{key}#{node.start_point[0] + 1}"
        return key

    def _string_value(self, node: ts.Node | None) -> str | None:
        if node is None:
            return None
        if node.type == "string" or (node.type == "template_string" and not any(c.type == "template_substitution" for c in node.named_children)):
            return "".join(
                self.text(c) if c.type == "string_fragment" else unescape(self.text(c))
                for c in node.named_children
                if c.type in ("string_fragment", "escape_sequence")
            )
        return None

    def _member_path(self, node: ts.Node) -> list[str]:
        """`req.session.user` -> ['req', 'session', 'user'] (empty for computed parts)."""
        parts: list[str] = []
        cur: ts.Node | None = node
        for _ in range(12):
            if cur is None:
                break
            if cur.type == "member_expression":
                prop = cur.child_by_field_name("property")
                parts.append(self.text(prop) if prop is not None else "")
                cur = cur.child_by_field_name("object")
            elif cur.type == "call_expression":
                cur = cur.child_by_field_name("function")
            elif cur.type in ("identifier", "this"):
                parts.append(self.text(cur))
                break
            elif cur.type in _TRANSPARENT or cur.type == "subscript_expression":
                cur = cur.child_by_field_name("object") if cur.type == "subscript_expression" else (cur.named_children[0] if cur.named_children else None)
            else:
                break
        parts.reverse()
        return parts

    # ---------------------------------------------------------------- statements
    def walk_program(self, root: ts.Node, only: set[int] | None) -> None:
        """Walk the top-level statements (all of them, or those listed by start byte)."""
        for child in root.named_children:
            if only is not None and child.start_byte not in only:
                self._declare_only(child, self.module_scope)
                continue
            self.stmt(child, self.module_scope)

    def walk_units(self, units: list[ts.Node]) -> None:
        """Walk chosen statements of a big file (module scope; other statements are skipped)."""
        for node in units:
            self.stmt(node, self.module_scope)

    def _declare_only(self, node: ts.Node, scope: Scope) -> None:
        """Register a skipped function's name so calls to it still resolve (unanalysed)."""
        if node.type in ("function_declaration", "generator_function_declaration"):
            name = node.child_by_field_name("name")
            if name is not None:
                scope.vars[self.text(name)] = Value(func="?" + self.text(name))

    def stmt(self, node: ts.Node, scope: Scope) -> None:
        """Walk one statement (depth-bounded)."""
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                return
            self._stmt(node, scope)
        finally:
            self._depth -= 1

    def _stmt(self, node: ts.Node, scope: Scope) -> None:
        t = node.type
        ctx = scope.ctx
        if t in ("lexical_declaration", "variable_declaration"):
            for decl in node.named_children:
                if decl.type == "variable_declarator":
                    pat = decl.child_by_field_name("name")
                    value = decl.child_by_field_name("value")
                    stored_check = value is not None and self._stored_check(value)
                    ctx.in_condition += stored_check
                    v = self.expr(value, scope, name_hint=self.text(pat) if pat is not None and pat.type == "identifier" else "") if value is not None else Value()
                    ctx.in_condition -= stored_check
                    if pat is not None:
                        self.bind(pat, v, scope, declare=True, node=decl)
        elif t == "expression_statement":
            for c in node.named_children:
                self.expr(c, scope)
        elif t == "return_statement":
            for c in node.named_children:
                v = self.expr(c, scope)
                if v.taint and ctx.html_reply and not v.is_obj:
                    self.sink("xss", v.taint, node, scope, "reply (text/html) body")
                if v.taint:
                    ctx.returns = union(ctx.returns, extend(v.taint, self.step(node, "returned")))
                if v.func:
                    ctx.returns_function = v.func
                if v.qn and classify_qn(v.qn):
                    ctx.returns_middleware = v.qn
                if v.recv is not None and v.recv[0] == "inst":
                    ctx.returns_instance = v.recv[1]
        elif t in ("function_declaration", "generator_function_declaration"):
            name_node = node.child_by_field_name("name")
            name = self.text(name_node) if name_node is not None else ""
            key = self.function(node, scope, name or f"@{node.start_point[0] + 1}")
            if name:
                scope.vars[name] = Value(func=key)
        elif t in ("class_declaration", "abstract_class_declaration"):
            self.class_decl(node, scope)
        elif t == "if_statement":
            cond = node.child_by_field_name("condition")
            mark = len(ctx.pin_log)
            if cond is not None:
                ctx.in_condition += 1
                self.expr(cond, scope)
                ctx.in_condition -= 1
            pins = ctx.pin_log[mark:]
            del ctx.pin_log[mark:]
            if pins:
                self._if_with_pins(node, cond, pins)
            else:
                for fname in ("consequence", "alternative"):
                    branch = node.child_by_field_name(fname)
                    if branch is not None:
                        self.stmt(branch, scope)
        elif t == "for_in_statement":
            right = node.child_by_field_name("right")
            left = node.child_by_field_name("left")
            v = self.expr(right, scope) if right is not None else Value()
            if left is not None:
                # `for (const file of req.files)`: each element is still request data of that shape.
                self.bind(left, Value(v.taint, role="reqpart" if v.role == "reqpart" else ""), scope, declare=True, node=node)
            body = node.child_by_field_name("body")
            if body is not None:
                self.stmt(body, scope)
        elif t == "import_statement":
            exports.import_statement(self, node, scope)
        elif t == "export_statement":
            exports.export_statement(self, node, scope)
        elif t == "throw_statement":
            ctx.ends_request = True
            for c in node.named_children:
                self.expr(c, scope)
        elif t in ("comment", "empty_statement", "debugger_statement", "break_statement", "continue_statement"):
            return
        elif t in ("interface_declaration", "type_alias_declaration", "enum_declaration", "ambient_declaration", "module", "internal_module"):
            return
        elif t == "statement_block" or t.endswith(("_statement", "_clause")) or t in ("switch_body", "switch_case", "switch_default", "finally_clause", "catch_clause", "else_clause"):
            for c in node.named_children:
                if c.type.endswith(("statement", "declaration", "block", "_clause", "switch_body", "switch_case", "switch_default")):
                    self.stmt(c, scope)
                elif c.type not in ("comment",):
                    self.expr(c, scope)
        else:
            self.expr(node, scope)

    # ---------------------------------------------------------------- binding
    def bind(self, pattern: ts.Node, v: Value, scope: Scope, *, declare: bool, node: ts.Node, what: str = "assigned to") -> None:
        """Bind a declaration or assignment pattern (identifiers, destructuring, defaults)."""
        t = pattern.type
        if t == "identifier":
            name = self.text(pattern)
            if v.instance:
                inst_name = name if scope.ctx is self.top else f"{scope.ctx.key}::{name}"
                self.instances[inst_name] = Instance(v.instance, node.start_point[0] + 1, node.start_point[1] + 1, v.route_path or "", self._line_text(node))
                v.recv = ("inst", inst_name, "")
                v.instance = ""
                v.route_path = None
            if v.taint:
                v = self._copy(v, extend(v.taint, self.step(node, f"{what} `{name}`")))
            if declare:
                scope.vars[name] = v
            else:
                scope.assign(name, v)
        elif t == "object_pattern":
            for c in pattern.named_children:
                if c.type == "shorthand_property_identifier_pattern":
                    prop = self.text(c)
                    self.bind_name(prop, self.member(v, prop, c, scope), scope, declare, node)
                elif c.type == "pair_pattern":
                    key = c.child_by_field_name("key")
                    val = c.child_by_field_name("value")
                    if key is not None and val is not None:
                        prop = self._string_value(key) or self.text(key)
                        self.bind(val, self.member(v, prop, c, scope), scope, declare=declare, node=node)
                elif c.type == "object_assignment_pattern":
                    left = c.child_by_field_name("left")
                    right = c.child_by_field_name("right")
                    if left is not None:
                        prop = self.text(left)
                        mv = self.member(v, prop, c, scope)
                        if right is not None:
                            mv = self._copy(mv, union(mv.taint, self.expr(right, scope).taint))
                        self.bind_name(prop, mv, scope, declare, node)
                elif c.type == "rest_pattern":
                    for cc in c.named_children:
                        self.bind(cc, Value(v.taint, role=v.role), scope, declare=declare, node=node)
        elif t == "array_pattern":
            i = 0  # the element's position: `[, query]` skips one
            for c in pattern.children:
                if c.type == ",":
                    i += 1
                elif c.is_named:
                    item = v.taint if c.type == "rest_pattern" else v.fields.get(str(i), v.taint)
                    self.bind(c, Value(item), scope, declare=declare, node=node)
        elif t == "assignment_pattern":
            left = pattern.child_by_field_name("left")
            right = pattern.child_by_field_name("right")
            if right is not None:
                v = self._copy(v, union(v.taint, self.expr(right, scope).taint))
            if left is not None:
                self.bind(left, v, scope, declare=declare, node=node)
        elif t == "rest_pattern":
            for c in pattern.named_children:
                self.bind(c, v, scope, declare=declare, node=node)
        elif t in ("member_expression", "subscript_expression"):
            self.assign_target(pattern, v, scope, node)

    def bind_name(self, name: str, v: Value, scope: Scope, declare: bool, node: ts.Node) -> None:
        """Bind one destructured name, recording the step."""
        if v.taint:
            v = self._copy(v, extend(v.taint, self.step(node, f"destructured into `{name}`")))
        if declare:
            scope.vars[name] = v
        else:
            scope.assign(name, v)

    @staticmethod
    def _copy(v: Value, taint: Taint) -> Value:
        n = Value(taint, qn=v.qn, role=v.role, func=v.func, recv=v.recv, imp=v.imp, cls=v.cls, is_obj=v.is_obj, stringy=v.stringy, literal=v.literal, shown=v.shown)
        n.fields = v.fields
        n.fieldfuncs = v.fieldfuncs
        n.instance = v.instance
        n.route_path = v.route_path
        n.origin = v.origin
        n.db = v.db
        return n

    # ---------------------------------------------------------------- members
    def _object_has_key(self, obj: ts.Node, key: str) -> bool:
        """Whether an object literal has a property named `key` (`{ root }` shorthand too)."""
        for c in obj.named_children:
            if c.type == "pair":
                k = c.child_by_field_name("key")
                if k is not None and (self._string_value(k) or self.text(k)) == key:
                    return True
            elif c.type == "shorthand_property_identifier" and self.text(c) == key:
                return True
        return False

    def _class_instance(self, cname: str, field_name: str, v: Value, node: ts.Node) -> None:
        """An app/router kept in a class field (`class UserRoutes { router = Router() }`):
        named `Class.field`, so `this.router.get(...)` registers on it and
        `new UserRoutes().router` mounts it."""
        name = f"{cname}.{field_name}"
        self.instances[name] = Instance(v.instance, node.start_point[0] + 1, node.start_point[1] + 1, v.route_path or "", self._line_text(node))
        inst = Value(recv=("inst", name, ""))
        self.class_fields.setdefault(cname, {})[field_name] = inst

    def _owner_scoped(self, literal: ts.Node, ctx: _Ctx) -> None:
        """The current user's id inside the filter of a data-access call (`Note.deleteOne({ _id,
        owner: req.user.id })`, `destroy({ where: { userId: req.user.id } })`, SQL values): the
        query only touches the caller's own records, an ownership check."""
        cur: ts.Node | None = literal
        for _ in range(6):
            if cur is None:
                return
            parent = cur.parent
            if parent is None:
                return
            if parent.type == "call_expression":
                fn = parent.child_by_field_name("function")
                prop = fn.child_by_field_name("property") if fn is not None and fn.type == "member_expression" else None
                if cur.type == "arguments" and prop is not None and _DATA_ACCESS.match(self.text(prop)):
                    ctx.owner_scoped = True
                return
            if parent.type not in ("pair", "object", "array", "arguments"):
                return
            cur = parent

    def _credential_check(self, v: Value, ctx: _Ctx) -> None:
        """`const key = req.query['api-key']; if (!KEYS.includes(key)) return next(401)`: a
        condition on a request credential (API key, token, Authorization header) is an
        authentication check, whatever variable it went through."""
        for lb in v.taint:
            field_name = lb.key.rsplit(".", 1)[-1].lower()
            if lb.origin == "src" and field_name in _CREDENTIAL_FIELDS:
                ctx.checks_auth = ctx.strong_auth = True
                ctx.evidence = ctx.evidence or f"checks the `{field_name}` credential"
                return

    def member(self, obj: Value, prop: str, node: ts.Node, scope: Scope) -> Value:
        """The value of `obj.prop` (also used for destructuring)."""
        ctx = scope.ctx
        if obj.role == "req":
            if prop in REQUEST_PARTS:
                ctx.reads.add(prop)
                cleaned = frozenset({"nosql", "proto"}) if prop in STRING_ONLY_PARTS else frozenset()
                shown = f"{obj.shown}.{prop}" if obj.shown and obj.shown != "req" else ""
                label = Label("src", f"req.{prop}", cleaned, (self.step(node, f"request data `{shown or 'req.' + prop}`"),), shown)
                # The parts themselves are objects (`res.send(req.query)` is JSON); their fields are not.
                return Value((label,), role="reqpart", is_obj=prop not in ("url", "originalUrl", "hostname", "path"))
            if prop == "session" or prop in _CURRENT_USER:
                if ctx.in_condition:
                    ctx.checks_auth = True
                return Value(role="session" if prop == "session" else "user")
            if prop in ("request", "req"):
                return Value(role="req", shown=f"{obj.shown or 'req'}.{prop}")
            if prop == "app":
                return Value(role="reqapp")
            if prop not in REQ_OWN and not self._is_callee(node):
                # `req.target` set by a middleware before this one (`req.target = req.body.host`).
                return Value(self._store_read("req", prop, node, ctx))
            return Value(qn="")
        if obj.role == "res" and prop == "app":
            return Value(role="reqapp")  # res.app is req.app
        if obj.role in ("res", "reqapp") and prop == "locals":
            return Value(role="locals" if obj.role == "res" else "applocals")
        if obj.role in ("locals", "applocals"):
            return Value(self._store_read(obj.role, prop, node, ctx))
        if obj.role == "ctx":
            if prop in ("request", "req"):
                return Value(role="req", shown=f"{obj.shown or 'ctx'}.{prop}")
            if prop in ("query", "params", "headers", "cookies", "body", "url", "originalUrl", "path", "hostname"):
                sub = self.member(Value(role="req", shown=obj.shown or "ctx"), prop, node, scope)
                return sub
            if prop == "state":
                return Value(role="state")
            if prop in ("session",):
                if ctx.in_condition:
                    ctx.checks_auth = True
                return Value(role="session")
            if prop in ("response", "res"):
                return Value(role="res")
            return Value()
        if obj.role in ("session", "state", "user"):
            stored = self._store_read("state", prop, node, ctx) if obj.role == "state" else ()
            if ctx.in_condition:
                if prop in _ROLE_MARKERS or obj.role == "user" and prop in _ROLE_MARKERS:
                    ctx.checks_role = True
                    ctx.evidence = ctx.evidence or f"checks `{prop}`"
                elif prop in _AUTH_MARKERS or obj.role == "user":
                    ctx.checks_auth = True
                    ctx.evidence = ctx.evidence or f"checks `{obj.role}.{prop}`"
            if obj.role == "user" and prop in ("id", "_id", "sub", "userId", "uid", "email"):
                return Value(role="userid")
            if obj.role == "session" and prop in ("userId", "uid", "user_id"):
                return Value(role="userid")
            return Value(stored, role="user" if prop in _AUTH_MARKERS else "")
        if obj.role == "this" and ctx.class_name:
            fv = self.class_fields.get(ctx.class_name, {}).get(prop)
            if fv is not None:
                return fv
        if "csrf" in prop.lower() or "xsrf" in prop.lower():
            ctx.csrf = True  # `req.body._csrf`, `req.session.csrfToken`: a custom CSRF check
        if obj.role == "reqpart" and ctx.in_condition and prop.lower() in _CREDENTIAL_FIELDS:
            ctx.checks_auth = ctx.strong_auth = True
            ctx.evidence = ctx.evidence or f"checks the `{prop}` header"
        if obj.role == "reqpart" and obj.taint:
            label = obj.taint[0]
            new_key = f"{label.key}.{prop}"
            new_shown = f"{label.shown}.{prop}" if label.shown else ""
            steps = label.steps
            if len(steps) == 1 and steps[0].message.startswith("request data"):
                first = steps[0]
                steps = (Step(first.path, first.line, first.col, f"request data `{new_shown or new_key}`", self.text(node).split(chr(10), 1)[0][:160]),)
            cleaned = label.cleaned
            if prop in _UPLOAD_SERVER_FIELDS and label.key.split(".")[:2] in (["req", "file"], ["req", "files"]):
                # multer's `req.file.path`/`destination`/`filename`: where the server stored the
                # upload (busboy strips any directory from the client's name), not a client path.
                cleaned = cleaned | frozenset({"path", "command"})
            return Value((Label(label.origin, new_key, cleaned, steps, new_shown),), role="reqpart")
        if prop == "length":
            return Value()
        out = Value(obj.fields.get(prop, obj.taint))
        if prop not in obj.fields and any(lb.origin == "param" for lb in out.taint):
            out.taint = tuple(mark_field(lb, prop) for lb in out.taint)
        if prop in _UPLOAD_SERVER_FIELDS and prop not in obj.fields and any(_is_upload_label(lb) for lb in out.taint):
            # `const f = pick(ctx.request.files.doc); f.filepath`: the upload object went through
            # a helper (or an array) and lost its request role, but the field is still the
            # server's temporary path.
            out.taint = tuple(Label(lb.origin, lb.key, lb.cleaned | frozenset({"path", "command"}), lb.steps, lb.shown) if _is_upload_label(lb) else lb for lb in out.taint)
        if prop in _UPLOAD_SERVER_FIELDS and any(lb.origin in ("param", "ret") for lb in out.taint):
            # `deleteFile(file)` reading `file.path`, `first(ctx.request.files.doc).filepath`:
            # harmless if the parameter or the helper's result is the upload object itself.
            out.taint = tuple(Label(lb.origin, lb.key, lb.cleaned | {UPLOAD_FIELD}, lb.steps, lb.shown) if lb.origin in ("param", "ret") else lb for lb in out.taint)
        if obj.qn:
            out.qn = f"{obj.qn}.{prop}"
        if obj.imp is not None:
            spec, member = obj.imp
            out.imp = (spec, f"{member}.{prop}" if member else prop)
        if obj.cls is not None:
            out.cls = obj.cls
        if prop in obj.fieldfuncs:
            out.func = obj.fieldfuncs[prop]
        if obj.qn == "process" and prop == "argv":
            # The operator's own arguments: only a problem when they become code or a command.
            out.taint = (Label("src", "process.argv", ALL_KINDS - {"command", "code"}, (self.step(node, "command-line argument `process.argv`"),)),)
        return out

    # ---------------------------------------------------------------- expressions
    def expr(self, node: ts.Node | None, scope: Scope, name_hint: str = "") -> Value:
        """The abstract value of an expression (depth-bounded)."""
        if node is None:
            return Value()
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                return Value()
            return self._expr(node, scope, name_hint)
        finally:
            self._depth -= 1

    def _expr(self, node: ts.Node, scope: Scope, name_hint: str) -> Value:
        t = node.type
        ctx = scope.ctx
        if t == "identifier" or t == "shorthand_property_identifier":
            name = self.text(node)
            v = scope.lookup(name)
            if v is not None:
                if scope.ctx.in_condition and v.taint:
                    self._credential_check(v, scope.ctx)
                return v
            role = _ROLE_NAMES.get(name, "")
            if role:
                return Value(role=role, shown=name)
            if name == "undefined":
                return Value()
            return Value(qn=name)
        if t in ("string",):
            return Value(stringy=True, literal=self._string_value(node))
        if t in _LITERALS:
            if t == "this":
                return Value(role="this")
            return Value()
        if t == "template_string":
            parts: list[Taint] = []
            state, acc = "", ""
            lead_tainted = True
            for i, c in enumerate(node.named_children):
                if c.type == "template_substitution":
                    for cc in c.named_children:
                        sv = self.expr(cc, scope)
                        if i == 0 and len(c.named_children) == 1:
                            lead_tainted = bool(sv.taint)
                        state, acc, harmless = self._origin_step(state, acc, cc, sv)
                        piece = sv.taint if i == 0 else strip_query_part(strip_url_path(sv.taint))
                        parts.append(clean(piece, frozenset({"redirect"})) if harmless else piece)
                elif c.type == "string_fragment":
                    state, acc, _ = self._origin_step(state, acc, c, Value())
            taint = union(*parts)
            if taint:
                kinds = _STRING_CLEAN
                first = node.named_children[0] if node.named_children else None
                if first is not None and first.type == "string_fragment" and _FIXED_TARGET.match(self.text(first)):
                    kinds = kinds | _FIXED_TARGET_CLEAN
                elif not lead_tainted and self._configured_base(node):
                    kinds = kinds | frozenset({"ssrf"})
                taint = clean(extend(taint, self.step(node, "interpolated into a template literal")), kinds)
            out = Value(taint, stringy=True)
            out.origin = state if state in ("scheme", "host", "fixed", "origin") else ""
            return out
        if t in _TRANSPARENT:
            inner = node.named_children
            v = Value()
            for c in inner:
                if c.type not in ("type_annotation", "type_identifier", "predefined_type", "generic_type", "object_type", "union_type", "array_type"):
                    v = self.expr(c, scope, name_hint)
                    break
            return v
        if t == "member_expression":
            obj = node.child_by_field_name("object")
            prop = node.child_by_field_name("property")
            ov = self.expr(obj, scope)
            mv = self.member(ov, self.text(prop) if prop is not None else "", node, scope)
            if mv.taint and ctx.checked and self._is_checked(self.text(node), ctx):
                mv = self._copy(mv, clean(mv.taint, ALL_KINDS))
            elif mv.taint and ctx.pinned and self.text(node) in ctx.pinned:
                mv = self._copy(mv, clean(mv.taint, _URL_CLEAN))
            return mv
        if t == "subscript_expression":
            obj = node.child_by_field_name("object")
            idx = node.child_by_field_name("index")
            ov = self.expr(obj, scope)
            iv = self.expr(idx, scope)
            key = self._string_value(idx) if idx is not None else None
            if key is not None:
                if ov.role in ("req", "ctx", "reqpart", "session", "user", "state", "locals", "applocals"):
                    return self.member(ov, key, node, scope)
                return Value(ov.fields.get(key, ov.taint))
            if ov.role == "reqpart" and ov.taint:
                return Value(ov.taint, role="reqpart")
            del iv
            if idx is not None and idx.type == "number" and self.text(idx) in ("0", "1") and any(lb.key == "process.argv" for lb in ov.taint):
                return Value()  # the node binary and the script path
            if idx is not None and idx.type == "number" and self.text(idx) in ov.fields:
                return Value(ov.fields[self.text(idx)])  # `req.url.split('?')[0]`
            return Value(ov.taint)
        if t == "call_expression":
            return self.call(node, scope, name_hint)
        if t == "new_expression":
            return self.new(node, scope, name_hint)
        if t == "binary_expression":
            op = node.child_by_field_name("operator")
            opt = self.text(op) if op is not None else ""
            lv = self.expr(node.child_by_field_name("left"), scope)
            rv = self.expr(node.child_by_field_name("right"), scope)
            if opt == "+":
                left = node.child_by_field_name("left")
                right = node.child_by_field_name("right")
                state, acc, _ = self._origin_step("", "", left, lv)
                state, acc, harmless = self._origin_step(state, acc, right, rv)
                right_taint = strip_query_part(strip_url_path(rv.taint))
                taint = union(lv.taint, clean(right_taint, frozenset({"redirect"})) if harmless and right_taint else right_taint)
                stringy = lv.stringy or rv.stringy
                if taint:
                    taint = extend(taint, self.step(node, "concatenated"))
                    if stringy:
                        kinds = _STRING_CLEAN
                        prefix = self._string_value(left) if left is not None and not lv.taint else None
                        if prefix is not None and _FIXED_TARGET.match(prefix):
                            kinds = kinds | _FIXED_TARGET_CLEAN
                        taint = clean(taint, kinds)
                out = Value(taint, stringy=stringy)
                out.origin = state if state in ("scheme", "host", "fixed", "origin") else ""
                return out
            if opt in ("===", "!==", "==", "!=") and ctx.in_condition and "userid" in (lv.role, rv.role):
                # `note.ownerId !== req.user.id`: an ownership check, i.e. authorization.
                ctx.checks_role = True
                ctx.evidence = "checks ownership against the current user"
                return Value()
            if opt in ("||", "&&", "??"):
                out = Value(union(lv.taint, rv.taint), role=lv.role or rv.role)
                out.fields = lv.fields or rv.fields
                out.is_obj = lv.is_obj or rv.is_obj
                return out
            return Value()
        if t == "ternary_expression":
            cond = node.child_by_field_name("condition")
            ctx.in_condition += 1
            self.expr(cond, scope)
            ctx.in_condition -= 1
            a = self.expr(node.child_by_field_name("consequence"), scope)
            b = self.expr(node.child_by_field_name("alternative"), scope)
            return Value(union(a.taint, b.taint), stringy=a.stringy or b.stringy, is_obj=a.is_obj or b.is_obj)
        if t == "unary_expression":
            op = node.child_by_field_name("operator")
            arg = node.child_by_field_name("argument")
            if op is not None and self.text(op) == "typeof" and ctx.in_condition:
                av = self.expr(arg, scope)
                if av.taint:
                    ctx.validates = True  # a type check on request data is custom validation
                    if arg is not None and arg.type == "identifier":
                        self._clean_args([arg], scope)
                return Value()
            if op is not None and self.text(op) == "!" and ctx.in_condition == 0:
                ctx.in_condition += 1
                self.expr(arg, scope)
                ctx.in_condition -= 1
            else:
                self.expr(arg, scope)
            return Value()
        if t == "update_expression":
            return Value()
        if t == "assignment_expression":
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            hint = self.text(left) if left is not None else ""
            v = self.expr(right, scope, name_hint=hint)
            if left is not None:
                if left.type in ("identifier", "object_pattern", "array_pattern"):
                    self.bind(left, v, scope, declare=False, node=node)
                else:
                    self.assign_target(left, v, scope, node)
            return v
        if t == "augmented_assignment_expression":
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            lv = self.expr(left, scope)
            rv = self.expr(right, scope)
            merged = Value(union(lv.taint, rv.taint), stringy=lv.stringy or rv.stringy)
            if left is not None and left.type == "identifier":
                scope.assign(self.text(left), merged)
            return merged
        if t == "object":
            return self.object_literal(node, scope)
        if t == "array":
            vals = [self.expr(c, scope) for c in node.named_children]
            if any(v.role == "userid" for v in vals):
                self._owner_scoped(node, scope.ctx)  # db.query('... AND owner_id = $2', [id, req.user.id])
            # (Joined, items after the first are appended: `[path, query].join('?')`.)
            return Value(union(*(v.taint if i == 0 else strip_query_part(v.taint) for i, v in enumerate(vals))))
        if t in FUNCTION_TYPES:
            key = self.function(node, scope, name_hint or f"@{node.start_point[0] + 1}:{node.start_point[1] + 1}")
            return Value(func=key)
        if t in ("class", "class_expression"):
            return self.class_decl(node, scope, name_hint)
        if t == "sequence_expression":
            v = Value()
            for c in node.named_children:
                v = self.expr(c, scope)
            return v
        if t in ("jsx_element", "jsx_self_closing_element", "jsx_fragment"):
            return Value()
        # Unknown expression kind: evaluate children for their side effects.
        for c in node.named_children:
            self.expr(c, scope)
        return Value()

    def _resolver_hints(self, fn: ts.Node, name: str) -> dict[int, Value]:
        """GraphQL resolvers `(parent, args, context, info)`: `args` is client input (typed
        scalars, so not a NoSQL-operator or prototype-pollution source)."""
        label = Label("src", "args", frozenset({"nosql", "proto"}), (self.step(fn, f"GraphQL arguments of resolver `{name}`"),))
        return {1: Value((label,), role="reqpart")}

    def object_literal(self, node: ts.Node, scope: Scope, resolvers: bool = False) -> Value:
        """An object literal: its fields' taint and functions (GraphQL resolver maps too)."""
        out = Value(is_obj=True)
        if node.named_child_count == 2:  # { provide: APP_GUARD, useClass: ... }
            nest.global_provider(self, node, scope)
        parts: list[Taint] = []
        for c in node.named_children:
            if c.type == "pair":
                key = c.child_by_field_name("key")
                val = c.child_by_field_name("value")
                kname = (self._string_value(key) or self.text(key)) if key is not None else ""
                if val is not None and val.type == "object" and kname in _GRAPHQL_ROOTS:
                    v = self.object_literal(val, scope, resolvers=True)
                elif resolvers and val is not None and val.type in FUNCTION_TYPES:
                    v = Value(func=self.function(val, scope, kname, self._resolver_hints(val, kname)))
                else:
                    v = self.expr(val, scope, name_hint=kname)
                if v.role == "userid":
                    self._owner_scoped(node, scope.ctx)
                out.fields[kname] = v.taint
                if v.func:
                    out.fieldfuncs[kname] = v.func
                elif v.recv is not None and v.recv[0] == "inst":
                    out.fieldfuncs[kname] = v.recv[1]
                parts.append(v.taint)
            elif c.type == "shorthand_property_identifier":
                name = self.text(c)
                v = self.expr(c, scope)
                if v.role == "userid":
                    self._owner_scoped(node, scope.ctx)
                out.fields[name] = v.taint
                if v.func:
                    out.fieldfuncs[name] = v.func
                elif v.recv is not None and v.recv[0] == "inst":
                    out.fieldfuncs[name] = v.recv[1]
                parts.append(v.taint)
            elif c.type == "spread_element":
                parts.append(self.expr(c, scope).taint)
                out.open_fields = True
            elif c.type == "method_definition":
                mname_node = c.child_by_field_name("name")
                mname = self.text(mname_node) if mname_node is not None else "@m"
                out.fieldfuncs[mname] = self.function(c, scope, mname, self._resolver_hints(c, mname) if resolvers else None)
        out.taint = union(*parts)
        return out

    # ---------------------------------------------------------------- assignment targets
    def assign_target(self, left: ts.Node, v: Value, scope: Scope, node: ts.Node) -> None:
        """Assignment to a member or subscript: exports, Koa `ctx.body`, `obj[a][b] = v`."""
        ctx = scope.ctx
        if left.type == "member_expression":
            path = self._member_path(left)
            obj_node = left.child_by_field_name("object")
            prop_node = left.child_by_field_name("property")
            prop = self.text(prop_node) if prop_node is not None else ""
            if path[:2] == ["module", "exports"] or path[:1] == ["exports"]:
                if v.instance and scope.ctx is self.top:
                    # `exports.admin = express.Router()`: an exported router other modules add
                    # routes to (`const { admin } = require('./routers')`).
                    name = ".".join(path)
                    self.instances[name] = Instance(v.instance, node.start_point[0] + 1, node.start_point[1] + 1, v.route_path or "", self._line_text(node))
                    v.recv = ("inst", name, "")
                    v.instance = ""
                exports.commonjs_export(self, path, v, node)
                return
            ov = self.expr(obj_node, scope)
            if ov.role == "req" and prop in _CURRENT_USER:
                ctx.loads_user = True
            if ov.role in STORE_ROLES and (ov.role != "req" or prop not in REQ_OWN):
                # res.locals.file = req.body.file, ctx.state.cmd = ctx.request.body.cmd: data the
                # next middleware or the handler reads back (resolved by the linker).
                self._store_write(ctx, f"{STORE_ROLES[ov.role]}.{prop}", v.taint, node, self.text(left))
                if ov.role not in ("state", "req"):
                    return
            if ov.role == "ctx" and prop == "body" and v.taint and v.stringy:
                self.sink("xss", v.taint, node, scope, "ctx.body")
            right = node.child_by_field_name("right")
            if ov.role == "ctx" and prop == "status" and right is not None and self.text(right) in ("401", "403"):
                ctx.ends_request = True
            ov.fields[prop] = union(ov.fields.get(prop, ()), v.taint)
            if v.taint:
                ov.taint = union(ov.taint, extend(v.taint, self.step(node, f"stored in `.{prop}`")))
            if v.func:
                ov.fieldfuncs[prop] = v.func
            if path and path[0] == "this" and ctx.class_name and len(path) == 2 and v.instance:
                self._class_instance(ctx.class_name, prop, v, node)  # this.router = express.Router()
                return
            if path and path[0] == "this" and ctx.class_name and len(path) == 2 and v.cls is not None:
                # this.x = new Service(): remembered for this.x.method() in other methods.
                self.class_fields.setdefault(ctx.class_name, {})[prop] = v
        elif left.type == "subscript_expression":
            obj = left.child_by_field_name("object")
            idx = left.child_by_field_name("index")
            self.expr(idx, scope)  # walked for its side effects (reads, calls)
            if obj is not None and obj.type == "subscript_expression":
                # `obj[a][b] = v` pollutes `Object.prototype` when `a` is `'__proto__'` (or, one
                # level deeper, `a`/`b` are `constructor`/`prototype`); the last key only names
                # a property of whatever object the chain reached, so its taint is left out.
                key_taints: list[Taint] = []
                cur: ts.Node | None = obj
                for _ in range(8):
                    if cur is None or cur.type not in ("subscript_expression", "member_expression"):
                        break
                    if cur.type == "subscript_expression":
                        key_taints.append(self.expr(cur.child_by_field_name("index"), scope).taint)
                    cur = cur.child_by_field_name("object")
                keys = union(*key_taints)
                base = obj.child_by_field_name("object")
                if keys and not (base is not None and base.type == "identifier" and self.expr(base, scope).role == "nullproto"):
                    # (A null-prototype base, `Object.create(null)`, has no `__proto__` to climb:
                    # `base['__proto__']` is an own entry, never `Object.prototype`.)
                    self.sink("protokey", extend(keys, self.step(left, "used as a property name")), node, scope, "obj[key][key] =")
            ov = self.expr(obj, scope)
            ov.taint = union(ov.taint, v.taint)

    def _store_write(self, ctx: _Ctx, name: str, taint: Taint, node: ts.Node, shown: str) -> None:
        """Record what function `ctx` stores under `name` (request data and call results; its
        own parameters and values clean for every sink kind are left out)."""
        kept = tuple(lb for lb in taint if lb.origin != "param" and not lb.cleaned >= ALL_KINDS)
        if kept:
            ctx.stores[name] = union(ctx.stores.get(name, ()), extend(kept, self.step(node, f"stored in `{shown}`")))

    def _assign_to_store(self, target: Value, sources: list[Value], node: ts.Node, ctx: _Ctx) -> None:
        """`Object.assign(res.locals, { cmd: req.body.cmd })` stores each field;
        `Object.assign(res.locals, req.body)` stores the whole object under every key (`.*`)."""
        store = STORE_ROLES[target.role]
        for v in sources:
            if v.fields:
                for key, taint in v.fields.items():
                    self._store_write(ctx, f"{store}.{key}", taint, node, f"{store}.{key}")
            elif v.taint:
                self._store_write(ctx, f"{store}.*", v.taint, node, store)

    @staticmethod
    def _is_callee(node: ts.Node) -> bool:
        """`req.accepts` in `req.accepts('html')`: a method, not a stored value."""
        parent = node.parent
        if parent is None or parent.type != "call_expression":
            return False
        fn = parent.child_by_field_name("function")
        return fn is not None and fn.start_byte == node.start_byte and fn.end_byte == node.end_byte

    def _store_read(self, role: str, prop: str, node: ts.Node, ctx: _Ctx) -> Taint:
        """`res.locals.cmd` read in function `ctx`: a symbolic label the linker replaces by what
        the middleware before it stored under that key (`taint/stores.py`)."""
        if not prop:
            return ()
        name = f"{STORE_ROLES[role]}.{prop}"
        shown = self.text(node) if node.type in ("member_expression", "subscript_expression") else name
        if "\n" in shown or len(shown) > 80:
            shown = name
        return (Label("store", f"{ctx.key}|{name}", frozenset(), (self.step(node, f"{STORE_READ}`{shown}`"),)),)

    def sink(self, kind: str, taint: Taint, node: ts.Node, scope: Scope, callee: str, receiver: str = "") -> None:
        """Record a sink event for the labels not already sanitised for this kind."""
        live = tuple(lb for lb in taint if kind not in lb.cleaned)
        if live:
            scope.ctx.sinks.append(SinkEvent(kind, live, self.step(node, f"reaches `{callee}`"), callee, receiver))

    @staticmethod
    def _db_receiver(rv: Value) -> str:
        """What a query method's receiver is: `mongo` or `other` when its package is known
        (`mongoose.model(...)`, `new Sequelize(...).define(...)`, a NestJS `Model<T>` or
        `Repository<T>` injected by type, `db.collection('users')`), `import:<spec>|<member>`
        for a value imported from a project module (the linker judges that module), or ``."""
        if rv.db:
            return rv.db
        packages: list[tuple[str, str]] = []
        if rv.qn:
            head = rv.qn.split("(", 1)[0]
            if head.startswith("@"):
                scope_name, _, rest = head.partition("/")
                packages.append((f"{scope_name}/{rest.split('.', 1)[0]}", rv.qn))
            packages.append((head.split(".", 1)[0], rv.qn))
        if rv.cls is not None and rv.cls[0] == "import":
            packages.append((package_name(rv.cls[1]), rv.cls[2]))
        if rv.imp is not None and not rv.imp[0].startswith((".", "/")):
            packages.append((package_name(rv.imp[0]), rv.imp[1]))
        for pkg, name in packages:
            family = db_family(pkg, name)
            if family:
                return family
        if rv.imp is not None and rv.imp[0].startswith((".", "/")):
            return f"import:{rv.imp[0]}|{rv.imp[1]}"
        if rv.cls is not None and rv.cls[0] == "import" and rv.cls[1].startswith((".", "/")):
            return f"import:{rv.cls[1]}|{rv.cls[2]}"
        return ""

    # ---------------------------------------------------------------- calls
    def _callee(self, node: ts.Node, scope: Scope) -> tuple[Value, Value | None, str]:
        """(callee value, receiver value for method calls, method name)."""
        fn = node.child_by_field_name("function")
        if fn is None:
            return Value(), None, ""
        if fn.type == "member_expression":
            obj = fn.child_by_field_name("object")
            prop = fn.child_by_field_name("property")
            method = self.text(prop) if prop is not None else ""
            rv = self.expr(obj, scope)
            return self.member(rv, method, fn, scope), rv, method
        if fn.type == "import":
            return Value(qn="import"), None, ""
        return self.expr(fn, scope), None, ""

    def _args(self, node: ts.Node) -> list[ts.Node]:
        args = node.child_by_field_name("arguments")
        if args is None or args.type != "arguments":
            return []
        return [c for c in args.named_children if c.type != "comment"]

    def call(self, node: ts.Node, scope: Scope, name_hint: str) -> Value:
        """A call: imports, route registrations, sinks, sanitizers, validators and project calls."""
        out = self._call(node, scope, name_hint)
        fn = node.child_by_field_name("function")
        prop = fn.child_by_field_name("property") if fn is not None and fn.type == "member_expression" else None
        if prop is not None and self.text(prop) == "collection" and self._args(node) and not out.role and out.recv is None:
            out.db = "mongo"  # `db.collection('users')`: a MongoDB collection, whatever `db` is
        return out

    def _call(self, node: ts.Node, scope: Scope, name_hint: str) -> Value:
        ctx = scope.ctx
        args_node = node.child_by_field_name("arguments")
        if args_node is not None and args_node.type == "template_string":
            self.expr(node.child_by_field_name("function"), scope)
            return Value()  # tagged template (sql`...`): the tag handles escaping
        fn_node = node.child_by_field_name("function")
        if fn_node is not None and fn_node.type == "subscript_expression":
            computed = registrations.computed_registration(self, node, fn_node, self._args(node), scope)
            if computed is not None:
                return computed
        fv, rv, method = self._callee(node, scope)
        if rv is not None and rv.recv is None and rv.imp is not None and rv.imp[0].startswith((".", "/")) and method in _IMPORTED_ROUTER_METHODS:
            # `const { admin } = require('./routers'); admin.delete('/users/:id', h)`: a router
            # created in another module; the linker keeps the registration only if the import
            # resolves to an app or router instance there.
            imported = Value(qn=rv.qn, imp=rv.imp, recv=("import", rv.imp[0], rv.imp[1] or "default"))
            if registrations.is_registration(self, method, self._args(node), imported.recv):
                rv = imported
        elif rv is not None and rv.recv is None and method in _IMPORTED_ROUTER_METHODS and ctx.class_name in self.class_bases:
            rv = registrations.inherited_router(self, node, fn_node, method, rv, ctx.class_name)
        arg_nodes = self._args(node)
        # require()/import() of a literal module.
        if fn_node is not None and (fn_node.type == "import" or (fn_node.type == "identifier" and self.text(fn_node) == "require" and scope.lookup("require") is None)):
            spec = self._string_value(arg_nodes[0]) if arg_nodes else None
            if spec is None:
                self.unresolved.append(node.start_point[0] + 1)
                for a in arg_nodes:
                    av = self.expr(a, scope)
                    # A CLI loading the module its operator names is normal: request data only.
                    labels = tuple(lb for lb in av.taint if not lb.key.startswith("process.argv"))
                    self.sink("code", labels, node, scope, "require" if fn_node.type != "import" else "import()")
                return Value()
            self.imports.append(Import(spec, arg_nodes[0].start_point[0] + 1, dynamic=fn_node.type == "import"))
            return Value(qn=local_framework_qn(spec, name_hint, normalize_module(spec)), imp=(spec, ""))
        qn = fv.qn
        recv_role = rv.role if rv is not None else ""
        # Route registrations need the handler parameters bound before their bodies are walked.
        is_route = rv is not None and rv.recv is not None and (
            (rv.route_path is not None and method in HTTP_METHODS and bool(arg_nodes)) or registrations.is_registration(self, method, arg_nodes, rv.recv)
        )
        hints: dict[int, dict[int, Value]] = {}
        if is_route and method != "register":  # a Fastify plugin receives the instance, not (req, reply)
            assert rv is not None and rv.recv is not None
            for i in range(len(arg_nodes)):
                hints[i] = registrations.handler_hints(self, rv)
        elif method in ("then", "map", "forEach", "filter", "flatMap", "reduce", "some", "every", "find") and rv is not None:
            if rv.taint or rv.role:
                pos = 1 if method == "reduce" else 0
                hints = {i: {pos: Value(rv.taint, role=rv.role if rv.role == "reqpart" else "")} for i in range(len(arg_nodes))}
        elif method == "on" and arg_nodes and self._string_value(arg_nodes[0]) == "message":
            label = Label("src", "websocket message", frozenset(), (self.step(node, "websocket message"),))
            hints = {1: {0: Value((label,))}}
        elif method == "on" and rv is not None and rv.role == "req" and arg_nodes and self._string_value(arg_nodes[0]) == "data":
            # Raw `http` servers: `req.on('data', chunk => body += chunk)` reads the request body.
            label = Label("src", "request body", frozenset({"nosql", "proto"}), (self.step(node, "request body chunk"),))
            ctx.reads.add("body")
            hints = {1: {0: Value((label,))}}
        args: list[Value] = []
        for i, a in enumerate(arg_nodes):
            if a.type in FUNCTION_TYPES:
                key = self.function(a, scope, f"@{a.start_point[0] + 1}:{a.start_point[1] + 1}", hints.get(i))
                args.append(Value(func=key))
            else:
                args.append(self.expr(a, scope))
        arg_taint = [a.taint for a in args]
        if qn == "Object.create" and arg_nodes and arg_nodes[0].type == "null":
            return Value(role="nullproto")
        if qn == "util.promisify" and args and args[0].qn:
            # `execAsync = util.promisify(child_process.exec)`: the same sink, awaited.
            return Value(qn=args[0].qn)

        if is_route:
            assert rv is not None and rv.recv is not None
            registrations.record(self, rv, method, arg_nodes, args, node, scope)
            if method == "route":
                out = Value(recv=rv.recv)
                out.route_path = self._string_value(arg_nodes[0]) if arg_nodes else None
                return out
            chained = Value(recv=rv.recv, role="app")
            chained.route_path = rv.route_path
            return chained
        if rv is not None and rv.recv is not None and method in ("routes", "middleware"):
            return Value(recv=rv.recv)
        if rv is not None and rv.imp is not None and method in ("routes", "middleware") and not arg_nodes and rv.imp[0].startswith((".", "/")):
            # `api.use('/users', users.routes())` with `users` an imported Koa router: mount it.
            return Value(qn=rv.qn, imp=rv.imp)

        # Response methods.
        if recv_role in ("res", "ctx", "reply", "reply-html", "res-text"):
            if recv_role == "reply" and method in ("type", "header") and any("html" in (self._string_value(a) or "") for a in arg_nodes):
                ctx.html_reply = True  # `reply.type('text/html'); return html`: the return is the body
                return Value(role="reply-html")  # reply.type('text/html').send(x): now an HTML sink
            if method == "writeHead" and arg_nodes and self.text(arg_nodes[0]) in ("401", "403"):
                ctx.ends_request = True
                ctx.forbidden = ctx.forbidden or self.text(arg_nodes[0]) == "403"
            ctype = self._content_type(method, arg_nodes)
            if recv_role in ("res", "res-text") and ctype is not None:
                # res.type('json'|'text/plain'|...) before send(): not rendered as HTML.
                role = "res" if "html" in ctype else "res-text"
                obj = fn_node.child_by_field_name("object") if fn_node is not None else None
                if obj is not None and obj.type == "identifier":
                    scope.assign(self.text(obj), Value(role=role))  # res.set(...); res.send(...)
                return Value(role=role)
            if method in ("status", "sendStatus", "code", "writeHead") and arg_nodes:
                code = self.text(arg_nodes[0])
                if code in ("401", "403"):
                    ctx.ends_request = True
                    ctx.forbidden = ctx.forbidden or code == "403"
            if method in ("send", "json", "end", "redirect", "sendStatus", "render", "write", "throw"):
                if method == "throw" and arg_nodes and self.text(arg_nodes[0]) in ("401", "403"):
                    ctx.ends_request = True
                if method == "redirect" and len(ctx.params) >= 3:
                    # A middleware (req, res, next) that redirects (to a login page) instead of
                    # calling next() ends the request: with an auth check, that is a guard.
                    ctx.ends_request = True
            if method in ("setHeader", "set", "header") and arg_nodes:
                hname = (self._string_value(arg_nodes[0]) or "").lower()
                if hname in SECURITY_HEADERS:
                    ctx.headers += 1
                if hname == "location" and len(args) > 1 and not self._created_status(fn_node):
                    self.sink("redirect", args[1].taint, node, scope, f"res.{method}('Location')")
            if method in ("writeHead", "set", "header", "setHeaders") and arg_nodes and arg_nodes[-1].type == "object" and args[-1].fields:
                # `res.writeHead(302, { Location: next })`, `res.set({ Location: next })`: the same
                # header set through an object (not on a 201/202, whose Location browsers ignore).
                created = method == "writeHead" and self.text(arg_nodes[0]) in ("201", "202") or self._created_status(fn_node)
                for hkey, htaint in args[-1].fields.items():
                    if hkey.lower() == "location" and htaint and not created:
                        self.sink("redirect", htaint, node, scope, f"res.{method}({{ Location }})")
            res_spec = RES_SINKS.get(method)
            if method == "location" and self._created_status(fn_node):
                res_spec = None
            if res_spec is not None and not (recv_role in ("reply", "res-text") and res_spec.kind == "xss"):
                if method in ("sendFile", "download") and any(
                    i < len(arg_nodes) and arg_nodes[i].type == "object" and self._object_has_key(arg_nodes[i], "root") for i in (1, 2)
                ):
                    # `res.download(file, { root })`, `res.download(file, name, { root })`: `send`
                    # resolves the path under root and refuses `..`.
                    res_spec = None
                if res_spec is not None:
                    positions = range(len(args)) if res_spec.args == (-1,) else res_spec.args
                    for p in positions:
                        if p < len(args) and args[p].taint and not (res_spec.kind == "xss" and args[p].is_obj):
                            self.sink(res_spec.kind, args[p].taint, node, scope, f"{'res' if recv_role != 'ctx' else 'ctx'}.{method}")
            if method in _RES_CHAIN:
                return Value(role=recv_role)
            return Value()
        if recv_role == "req" and method in ("get", "header", "param", "cookies"):
            base = rv.shown if rv is not None and rv.shown and rv.shown != "req" else ""
            shown = f"{base}.{method}()" if base else ""
            label = Label("src", f"req.{method}()", frozenset({"nosql", "proto"}), (self.step(node, f"request data `{shown or 'req.' + method + '()'}`"),), shown)
            ctx.reads.add("headers" if method in ("get", "header") else "params")
            out = Value((label,), role="reqpart")
            header = (self._string_value(arg_nodes[0]) or "").lower() if method in ("get", "header") and arg_nodes else ""
            if header in ("host", "x-forwarded-host"):
                out = Value((Label("src", f"req.headers.{header}", label.cleaned, label.steps, label.shown),), role="reqpart")
            if header in _CREDENTIAL_FIELDS:
                # `req.get('authorization')`: checked here or later through a variable.
                out = Value((Label("src", f"req.headers.{header}", label.cleaned, label.steps, f"{base}.{method}('{header}')" if base else ""),), role="reqpart")
                if ctx.in_condition:
                    self._credential_check(out, ctx)
            return out
        if recv_role == "req" and method in ("isAuthenticated", "isUnauthenticated"):
            ctx.checks_auth = ctx.strong_auth = True
            ctx.evidence = ctx.evidence or f"calls `req.{method}()`"
            return Value()
        if recv_role == "reqpart" and method in ("get",):  # ctx.cookies.get('x')
            return Value(rv.taint if rv is not None else (), role="reqpart")

        if method in ("useGlobalGuards", "useGlobalPipes") and arg_nodes:
            nest.global_guards(self, arg_nodes, scope, node, pipes=method == "useGlobalPipes")
            return Value()
        # `next(err)` ends the chain with an error.
        if fn_node is not None and fn_node.type == "identifier" and self.text(fn_node) == "next" and arg_nodes:
            ctx.ends_request = True
        elif fn_node is not None and fn_node.type == "identifier" and not arg_nodes and len(ctx.params) >= 3 and self.text(fn_node) == ctx.params[2]:
            ctx.calls_next = True  # passes the request on: middleware, not an endpoint

        # Validation (express-validator, Joi, zod, yup, validator.js) and allow-lists.
        if qn.startswith(("express-validator.validationResult", "express-validator.matchedData")):
            ctx.validates = True
            return Value()
        if method in VALIDATING_METHODS and rv is not None and rv.qn not in ("JSON", "path", "url", "Date", "qs", "querystring", "URL") and not rv.qn.startswith(("JSON.", "path.", "url.")) and rv.role == "":
            if any(a.taint for a in args):
                ctx.validates = True
                self._clean_args(arg_nodes, scope)  # `schema.validate(req.body)` vouches for req.body
                return Value(clean(union(*arg_taint), ALL_KINDS))
        if any(a.taint for a in args) and (qn.endswith(".compile()") or qn.startswith("class-validator.") or method in ("isValid", "isValidSync", "validateOrReject")):
            # ajv `validate = ajv.compile(schema); validate(req.body)`, yup `isValid`, class-validator.
            ctx.validates = True
            self._clean_args(arg_nodes, scope)
            return Value()
        if qn.startswith(("validator.is", "validator.matches")):
            self._clean_args(arg_nodes, scope)
            ctx.validates = True
            return Value()
        if method == "test" and fn_node is not None:
            obj = fn_node.child_by_field_name("object")
            if obj is not None and obj.type == "regex":
                pat = obj.child_by_field_name("pattern")
                ptext = self.text(pat) if pat is not None else ""
                if ptext.startswith("^") and ptext.endswith("$"):
                    self._clean_args(arg_nodes, scope)
                return Value()
        if method in ("includes", "has", "indexOf") and rv is not None and not rv.taint and rv.role == "" and len(arg_nodes) == 1 and ctx.in_condition:
            if args and args[0].taint and not any(lb.key.rsplit(".", 1)[-1].lower() in _CREDENTIAL_FIELDS for lb in args[0].taint):
                ctx.validates = True  # `if (!ALLOWED.includes(req.body.kind)) return 400`: an allow-list
            self._clean_args(arg_nodes, scope)
            return Value()

        # Authentication / rate limiting / CSRF evidence inside custom middleware.
        if qn in ("jsonwebtoken.verify", "jose.jwtVerify") or method in ("verifyIdToken", "verifyAccessToken"):
            ctx.checks_auth = ctx.strong_auth = True
            ctx.evidence = ctx.evidence or f"calls `{qn or method}`"
        if method == "consume" and rv is not None:
            ctx.rate_limit = True
        if "csrf" in method.lower() or "csrf" in qn.lower():
            ctx.csrf = True
        if method in _ROLE_MARKERS and ctx.in_condition:
            ctx.checks_role = True
            ctx.evidence = ctx.evidence or f"calls `{method}()`"
        elif _PERMISSION_CALL.match(method) and ctx.in_condition:
            # Counts only with a 403 answer: `if (hasAccess(req)) return res.redirect('/')`
            # sends signed-in visitors away from a sign-in form; it guards nothing.
            ctx.permission_call = True
            ctx.evidence = ctx.evidence or f"calls `{method}()`"

        # Sinks by qualified name.
        base_qn = qn
        spec_m = MODULE_SINKS.get(base_qn)
        if spec_m is not None and not (base_qn in ("setTimeout", "setInterval") and arg_nodes and arg_nodes[0].type in FUNCTION_TYPES):
            positions = range(len(args)) if spec_m.args == (-1,) else spec_m.args
            for p in positions:
                if p < len(args) and args[p].taint:
                    if spec_m.kind == "proto" and args[p].stringy and base_qn not in ("lodash.set", "lodash.setWith", "set-value", "dot-prop.set", "dot-prop.setProperty"):
                        continue
                    if spec_m.kind == "xxe" and not (len(arg_nodes) > 1 and arg_nodes[1].type == "object" and self._object_flag(arg_nodes[1], "noent")):
                        continue
                    self.sink(spec_m.kind, args[p].taint, node, scope, base_qn)
            if base_qn.startswith(("child_process.spawn", "child_process.execFile")) and len(arg_nodes) > 2 and self._shell_on(arg_nodes[2]):
                for p in (1,):
                    if args[p].taint:
                        self.sink("command", args[p].taint, node, scope, base_qn + " (shell)")
            elif base_qn.startswith(("child_process.spawn", "child_process.execFile")) and len(arg_nodes) > 1 and args[1].taint and self._shell_command_args(arg_nodes[0], arg_nodes[1]):
                # `spawn('sh', ['-c', cmd])`: the argument after `-c` is a whole shell command.
                self.sink("command", args[1].taint, node, scope, base_qn + " (shell -c)")
        elif method in METHOD_SINKS and rv is not None and rv.role not in ("req", "reqpart", "res", "ctx") and not rv.qn.startswith(("crypto", "lodash", "_")) and rv.qn not in ("Array", "Object", "JSON"):
            spec_s = METHOD_SINKS[method]
            recv_node = fn_node.child_by_field_name("object") if fn_node is not None else None
            recv_text = self.text(recv_node) if recv_node is not None else ""
            receiver = self._db_receiver(rv) if spec_s.kind == "nosql" else ""
            if receiver == "other":
                pass  # a SQL ORM's `findOne({ key: value })` binds `value`: no query operators
            elif receiver == "mongo" or self._sink_receiver_ok(method, recv_text, rv):
                sqlish = any(w in recv_text.lower() for w in (*_SQLISH, *_SQL_RECEIVERS))
                for p in spec_s.args:
                    if p < len(args) and args[p].taint:
                        if method in NOSQL_NEEDS_OBJECT and not (arg_nodes[p].type == "object" or args[p].is_obj or args[p].role == "reqpart"):
                            continue
                        if method in ("query", "raw") and not sqlish and not args[p].stringy:
                            # `searchIndex.query(term)`, `lunr.query(q)`, `graphql.query(...)`: a bare
                            # value handed to something not named like a database is not SQL text;
                            # a string built around it (`'SELECT ' + x`) still is.
                            continue
                        self.sink(spec_s.kind, args[p].taint, node, scope, f"{recv_text.split(chr(10))[0][:40]}.{method}", receiver)
                    if method in NOSQL_NEEDS_OBJECT and p < len(arg_nodes) and arg_nodes[p].type == "object":
                        self._where_clause(arg_nodes[p], node, scope, f"{recv_text.split(chr(10))[0][:40]}.{method}", receiver)

        if qn == "Object.assign" and len(args) > 1 and args[0].role in STORE_ROLES and args[0].role != "req":
            self._assign_to_store(args[0], args[1:], node, ctx)
        # Sanitizers and propagators.
        if qn in CLEAN_ALL or qn in ("Number.parseInt", "Number.parseFloat", "Number.isInteger", "Number.isFinite"):
            return Value()
        kinds = SANITIZERS.get(qn) or (SANITIZERS.get(qn[:-8]) if qn.endswith(".default") else None)
        if kinds is not None:
            t = union(*arg_taint)
            return Value(clean(extend(t, self.step(node, f"passed through `{qn}`")), kinds), stringy=True)
        if method == "toString" and rv is not None:
            return Value(clean(rv.taint, frozenset({"nosql", "proto"})), stringy=True)
        if qn == "url.format" and args and args[0].fields:
            # `url.format({ protocol: req.protocol, host: req.get('host'), pathname: req.originalUrl })`
            # (the usual "full URL of this request"): the host is the request's own, and url.format
            # puts a `/` before any pathname, so nothing else can move the target.
            host = args[0].fields.get("host") or args[0].fields.get("hostname") or ()
            if host and all(lb.key in _HOST_KEYS for lb in host):
                out = Value(clean(union(*args[0].fields.values()), frozenset({"redirect"})), stringy=True)
                out.origin = "fixed" if any(k in args[0].fields for k in ("pathname", "path", "search", "query", "hash")) else "host"
                return out
        if qn == "url.parse" and args and args[0].taint:
            return self._url_object(args, node, legacy=True)
        if qn in _PATH_JOINS and len(arg_nodes) > 1 and (self._string_value(arg_nodes[0]) or "")[:1] == "/" and not args[0].taint and any(arg_taint):
            # `path.posix.join('/', x)` normalises to exactly one leading `/` (but `/\\evil`
            # is still possible): a URL path, harmless only after a constant origin.
            return Value(mark_url_path(extend(strip_url_path(union(*arg_taint)), self.step(node, f"passed through `{qn}`"))))
        if qn in PROPAGATORS or (qn.startswith("path.") and qn != "path.basename"):
            t = strip_url_rest(union(*arg_taint))
            if qn == "path.basename":
                t = clean(t, frozenset({"path"}))
            return Value(extend(t, self.step(node, f"passed through `{qn}`")) if t else (), is_obj=qn in ("JSON.parse", "qs.parse", "querystring.parse"))
        if method == "startsWith" and ctx.in_condition and rv is not None and rv.taint and args and fn_node is not None:
            self._pinned_prefix(fn_node, arg_nodes[0], args[0], scope)
        if rv is not None and method in _STRING_METHODS_CLEAN and rv.cls is None and rv.imp is None and rv.role != "this":
            return Value()

        if qn in ERROR_HANDLER_SETUP:
            # `Sentry.setupExpressErrorHandler(app)`: the package adds the app's error handler.
            for given, given_node in zip(args, arg_nodes, strict=False):
                if given.recv is not None:
                    self._order += 1
                    g_line, g_col = given_node.start_point[0] + 1, given_node.start_point[1] + 1
                    ref = MwRef("value", qn=qn, category="error_handler", line=g_line, col=g_col, text=self.text(node).split("\n", 1)[0][:80])
                    self.routes.append(RouteReg(given.recv, "use", None, (ref,), node.start_point[0] + 1, node.start_point[1] + 1, self._order))
        kind_i = instance_kind(f"{qn}()" if qn else "") or ("express-router" if relative_router(qn) else "")
        if kind_i:
            out = Value(qn=f"{qn}()")
            out.instance = kind_i
            if kind_i in ("koa-router", "fastify") and args and args[0].is_obj:
                out.route_path = self._object_string_field(arg_nodes[0], "prefix")
            return out
        if ctx.in_condition and (fv.func or fv.imp is not None) and _VALIDATOR_NAME.match(method or (self.text(fn_node) if fn_node is not None else "")):
            # `if (!isSafeFilename(name)) return res.status(400)`: a project validator.
            ctx.validates = True
            self._clean_args(arg_nodes, scope)
        # Calls to project functions (local or imported): resolved by the linker.
        callee: tuple[str, str, str] | None = None
        if fv.func:
            callee = ("local", "", fv.func)
        elif rv is not None and rv.role == "this" and ctx.class_name:
            callee = ("local", "", f"{ctx.class_name}.{method}")
        elif rv is not None and rv.cls is not None:
            kind, spec, base = rv.cls
            callee = (kind, spec, f"{base}.{method}")
        elif fv.imp is not None:
            spec, member = fv.imp
            callee = ("import", spec, member or "default")
        if callee is not None and callee[0] == "import" and not callee[1].startswith((".", "/")) and not any(a.taint or a.role or a.recv for a in args):
            callee = None  # a package call with nothing of ours flowing in: not worth a summary lookup
        if callee is not None:
            arg_recv = tuple(a.recv for a in args)
            index = len(ctx.calls)
            arg_fields = tuple(
                tuple(sorted(a.fields.items())) if a.is_obj and not a.open_fields and a.fields and a.taint else None for a in args
            )
            if not any(f is not None for f in arg_fields):
                arg_fields = ()
            consts = registrations.arg_consts(self, arg_nodes, args, scope)  # route-registering helpers
            ctx.calls.append(
                CallEvent(index, callee, tuple(arg_taint), self.step(node, f"calls `{self.text(fn_node) if fn_node is not None else '?'}`"), arg_recv, arg_fields=arg_fields, arg_consts=consts)
            )
            if any(a.taint or a.role for a in args):
                self._request_calls.add(f"{ctx.key}|{index}")
            out = Value((Label("ret", f"{ctx.key}|{index}"),))
            out.qn = f"{qn}()" if qn else ""
            if _app_variable(name_hint) and callee[0] in ("import", "local") and (callee[0] == "local" or callee[1].startswith((".", "/"))):
                # `const app = createApp()`: registrations on it join the app the factory
                # returns (resolved by the linker; nothing when it returns no app).
                out.recv = ("ret", callee[1], callee[2])
            return out
        # `[].concat(req.query.tags)`, `'a'.concat(x)`: the arguments' taint joins the result.
        if method == "concat" and rv is not None and not rv.taint and any(arg_taint):
            return Value(extend(union(*arg_taint), self.step(node, "passed through `concat`")))
        # `ids.map(() => '?')`: SQL placeholders, one per element; the elements never reach them.
        if method in ("map", "fill") and arg_nodes and self._constant_callback(arg_nodes[0], method):
            return Value(stringy=False)
        # Methods on tainted values (string/array methods) keep the taint.
        if rv is not None and rv.taint:
            t = union(rv.taint, *arg_taint) if method in ("concat", "replace", "replaceAll", "join", "padStart", "padEnd") else rv.taint
            t = strip_url_rest(strip_url_path(t))
            if method == "split" and arg_nodes and self._string_value(arg_nodes[0]) == "?":
                # `req.url.split('?')[1]`, `const [, query] = ...`: the query string (item 0 is
                # the path, constrained by the route; `parts.join('?')` starts with it again).
                parts = Value(t, stringy=rv.stringy)
                parts.fields["1"] = mark_query_part(t)
                return parts
            if method == "replace" and len(arg_nodes) == 2 and arg_nodes[0].type == "regex" and self._string_value(arg_nodes[1]) in ("/", ""):
                pat = arg_nodes[0].child_by_field_name("pattern")
                if pat is not None and self.text(pat).replace("\\/", "/") in _SLASH_COLLAPSE:
                    return Value(clean(rv.taint, frozenset({"redirect"})), stringy=True)
            return Value(t, stringy=rv.stringy, qn=f"{qn}()" if qn else "")
        if rv is not None and rv.role in ("reqpart",):
            return Value(rv.taint, role="reqpart")
        return Value(qn=f"{qn}()" if qn else "")

    def new(self, node: ts.Node, scope: Scope, name_hint: str) -> Value:
        """A `new` expression: app/router constructors, `RegExp`/`Function` sinks, class instances."""
        ctor = node.child_by_field_name("constructor")
        cv = self.expr(ctor, scope)
        arg_nodes = self._args(node)
        args = [self.expr(a, scope) for a in arg_nodes]
        qn = cv.qn
        spec = MODULE_SINKS.get(qn)
        if spec is not None and spec.kind in ("regex", "code"):
            positions = range(len(args)) if spec.args == (-1,) else spec.args
            for p in positions:
                if p < len(args) and args[p].taint:
                    self.sink(spec.kind, args[p].taint, node, scope, f"new {qn}")
            return Value()
        if qn == "URL":
            return self._url_object(args, node)
        if qn in ("URLSearchParams", "url.URLSearchParams") and args and args[0].taint:
            # `new URLSearchParams(query).get('next')`: the parameters are the input's text, the
            # leading `?` gone.  The object itself turns into a form-encoded string (`/`, `:`,
            # `<` percent-encoded: `./callback?${params}`), harmless until a method reads from it.
            parsed = extend(strip_url_rest(args[0].taint), self.step(node, "parsed as query parameters"))
            return Value(mark_url_rest(parsed, _URL_CLEAN | {"xss"}))
        self._http_error(qn or (self.text(ctor) if ctor is not None else ""), scope.ctx)
        out = Value(qn=f"{qn}()" if qn else "")
        kind_i = instance_kind(out.qn)
        if kind_i:
            out.instance = kind_i
            if arg_nodes and arg_nodes[0].type == "object":
                out.route_path = self._object_string_field(arg_nodes[0], "prefix")
            return out
        if cv.func:
            out.cls = ("local", "", cv.func)
        elif cv.imp is not None:
            out.cls = ("import", cv.imp[0], cv.imp[1] or "default")
        return out

    def _pinned_prefix(self, fn_node: ts.Node, prefix_node: ts.Node, prefix: Value, scope: Scope) -> None:
        """`if (!next.startsWith(siteUrl)) return ...` / `if (next.startsWith('/account/'))`: an
        allow-list check on where a URL starts.  It pins the target when the prefix is the
        server's own configured value (not request data, not a parameter) or a literal that fixes
        the host (`https://shop.example.org/`, with the slash) or the first path segment
        (`/account`).  `'/'` (`//evil.example` starts with it too) and an origin without its
        slash (`https://shop.example.org.evil.example` passes) pin nothing.  Like the other
        allow-list checks here, the value counts as checked from the condition on."""
        if any(lb.origin != "ret" or lb.key in self._request_calls for lb in prefix.taint):
            return  # request data or a parameter: the caller could pass anything
        # (A call's result, `urlUtils.getSiteUrl()`, is the server's own value: a helper that
        # returned request data would have to be given the request, which this one is not.)
        literal = self._string_value(prefix_node) if prefix_node.type in ("string", "template_string") else prefix.literal
        if literal is not None and not _FIXED_TARGET.match(literal):
            return
        if literal is None and prefix_node.type not in ("identifier", "member_expression", "call_expression"):
            return
        target = fn_node.child_by_field_name("object")
        while target is not None and target.type == "parenthesized_expression" and target.named_children:
            target = target.named_children[0]
        if target is None:
            return
        check = fn_node.parent
        if check is None:
            return
        if target.type == "identifier":
            v = scope.lookup(self.text(target))
            if v is not None and v.taint:
                checked = self._copy(v, clean(v.taint, _URL_CLEAN))
                scope.assign(self.text(target), checked)
                scope.ctx.pin_log.append((scope, self.text(target), v, checked, check))
        elif target.type in ("member_expression", "subscript_expression"):
            self._pin_text(scope, self.text(target), True)
            scope.ctx.pin_log.append((scope, self.text(target), None, None, check))

    @staticmethod
    def _pin_text(scope: Scope, text: str, on: bool) -> None:
        """Mark (or unmark) an expression as checked against a pinned prefix."""
        c: Scope | None = scope
        while c is not None:
            if on:
                c.ctx.pinned.add(text)
            else:
                c.ctx.pinned.discard(text)
            c = c.parent if c.parent is not None and c.parent.ctx is not c.ctx else None

    def _pins_when(self, node: ts.Node | None, outcome: bool, checks: frozenset[tuple[int, int]], name: str, depth: int = 0) -> bool:
        """Whether the condition `node` evaluating to `outcome` proves that one of the prefix
        checks `checks` (by byte range) held, or that the checked value `name` is empty.
        `a && b` true proves both sides, `a || b` true only what *both* sides prove
        (`next.startsWith(SITE) || next.startsWith('/')` lets `//evil.example` through the
        second), `!` swaps the outcome; false is the mirror image.  A falsy target (`if (next &&
        !next.startsWith(SITE)) return ...` falls through with `next` empty) goes nowhere."""
        if node is None or depth > 32:
            return False
        if node.type == "call_expression" and (node.start_byte, node.end_byte) in checks:
            return outcome
        if node.type in ("identifier", "member_expression") and self.text(node) == name:
            return not outcome
        if node.type == "parenthesized_expression":
            inner = [c for c in node.named_children if c.type != "comment"]
            return len(inner) == 1 and self._pins_when(inner[0], outcome, checks, name, depth + 1)
        if node.type == "unary_expression":
            op = node.child_by_field_name("operator")
            arg = node.child_by_field_name("argument")
            return op is not None and op.type == "!" and self._pins_when(arg, not outcome, checks, name, depth + 1)
        if node.type == "binary_expression":
            op = node.child_by_field_name("operator")
            if op is None or op.type not in ("&&", "||"):
                return False
            sides = (node.child_by_field_name("left"), node.child_by_field_name("right"))
            if (op.type == "&&") == outcome:  # true `&&`, false `||`: each side's own outcome is known
                return any(self._pins_when(side, outcome, checks, name, depth + 1) for side in sides)
            return all(self._pins_when(side, outcome, checks, name, depth + 1) for side in sides)
        return False

    def _exits(self, node: ts.Node | None, depth: int = 0) -> bool:
        """Whether a branch always leaves the function (`return`, `throw`), so the code after
        the `if` runs only when the condition took the other way."""
        if node is None or depth > 8:
            return False
        if node.type in ("return_statement", "throw_statement"):
            return True
        if node.type == "else_clause":
            return any(self._exits(c, depth + 1) for c in node.named_children[-1:])
        if node.type == "statement_block":
            kids = [c for c in node.named_children if c.type != "comment"]
            return bool(kids) and self._exits(kids[-1], depth + 1)
        if node.type == "if_statement":
            return self._exits(node.child_by_field_name("consequence"), depth + 1) and self._exits(node.child_by_field_name("alternative"), depth + 1)
        return False

    def _if_with_pins(self, node: ts.Node, cond: ts.Node | None, log: list[tuple[Scope, str, Value | None, Value | None, ts.Node]]) -> None:
        """An `if` whose condition checks where a URL starts: the value is pinned only where the
        condition proves the check held, i.e. in the branch it guards (`if (x.startsWith(p))
        {...}`) or after a branch that leaves on failure (`if (!x.startsWith(p)) return ...`);
        under `||` only when every side pins it (see `_pins_when`).  A branch that rebinds the
        variable (`if (!x.startsWith(p)) x = '/'`) is merged with the other path after the `if`."""
        consequence = node.child_by_field_name("consequence")
        alternative = node.child_by_field_name("alternative")
        # One entry per checked variable or expression: the value before its first check, the
        # checked value, and where the condition pins it (then-branch, else-branch).
        grouped: dict[tuple[int, str], tuple[Scope, str, Value | None, Value | None, set[tuple[int, int]]]] = {}
        for sc, name, old, checked, check in log:
            entry = grouped.setdefault((id(sc), name), (sc, name, old, checked, set()))
            entry[4].add((check.start_byte, check.end_byte))
        pins = [
            (sc, name, old, checked, self._pins_when(cond, True, frozenset(spans), name), self._pins_when(cond, False, frozenset(spans), name))
            for sc, name, old, checked, spans in grouped.values()
        ]

        def state(in_consequence: bool) -> None:
            for sc, name, old, checked, on_then, on_else in pins:
                holds = on_then if in_consequence else on_else
                if checked is None or old is None:
                    self._pin_text(sc, name, holds)
                else:
                    sc.assign(name, checked if holds else old)

        def finals() -> list[Value | None]:
            return [sc.lookup(name) if checked is not None else None for sc, name, _o, checked, _t, _e in pins]

        scope = pins[0][0]
        state(True)
        if consequence is not None:
            self.stmt(consequence, scope)
        after_then = finals()
        state(False)
        if alternative is not None:
            self.stmt(alternative, scope)
        after_else = finals()
        paths = [after for after, branch, present in ((after_then, consequence, True), (after_else, alternative, alternative is not None)) if not (present and self._exits(branch))]
        for i, (sc, name, _old, checked, on_then, on_else) in enumerate(pins):
            if checked is None:
                # An expression text: pinned after the `if` only when every branch that does not
                # leave pins it.
                then_ok = on_then or (consequence is not None and self._exits(consequence))
                else_ok = on_else or (alternative is not None and self._exits(alternative))
                self._pin_text(sc, name, then_ok and else_ok)
                continue
            values = [v for v in (p[i] for p in paths) if v is not None]
            if values:  # (none: both branches leave, nothing runs after the `if`)
                sc.assign(name, self._copy(values[0], union(*(v.taint for v in values))))

    def _url_object(self, args: list[Value], node: ts.Node, legacy: bool = False) -> Value:
        """A parsed URL (`new URL(input, base)`, `url.parse(input)`): `href`, `host`, `origin`
        carry the input's taint; `search` and `hash` are empty or start with `?`/`#`, so they
        cannot choose a redirect's host.  The WHATWG `pathname` of the request's own target
        (`new URL(req.originalUrl, base)`) starts with `/` (`URL_PATH`); other inputs can be
        absolute URLs of any scheme, whose pathname may start with anything, and the legacy
        `url.parse('@evil.example').pathname` keeps whatever the input had."""
        given = args[:1] if legacy else args[:2]  # url.parse(x, parseQuery, slashesDenoteHost)
        taint = union(*(a.taint for a in given))
        if not taint:
            return Value()
        taint = extend(taint, self.step(node, "parsed as a URL"))
        out = Value(taint)
        out.open_fields = True
        query = mark_query_part(taint)
        for part in _URL_SAFE_PARTS:
            out.fields[part] = mark_url_rest(query, _URL_CLEAN)
        # What the query string says: not constrained by a route's path (`QUERY_PART`), and
        # `searchParams.get('next')` / `url.parse(x, true).query.next` lose the `?`.
        out.fields["searchParams"] = query
        out.fields["query"] = query
        if not legacy and args[0].taint and all(lb.key in _PATH_KEYS for lb in args[0].taint) and not any(a.taint for a in args[1:2]):
            out.fields["pathname"] = mark_url_path(taint)
        return out

    def _stored_check(self, value: ts.Node, depth: int = 0) -> bool:
        """`const allowed = ALLOWED.includes(v)`, `const ok = isString && FUNCS.includes(v)`: an
        allow-list check kept in a variable for a later `if (ok)`; judged like the condition
        itself (the value counts as checked from here on, as after `if (ALLOWED.includes(v))`)."""
        while value.type == "parenthesized_expression" and value.named_children and depth < 8:
            value = value.named_children[0]
            depth += 1
        if value.type == "call_expression":
            fn = value.child_by_field_name("function")
            prop = fn.child_by_field_name("property") if fn is not None and fn.type == "member_expression" else None
            return prop is not None and self.text(prop) in ("includes", "has")
        if value.type == "binary_expression" and depth < 8:
            op = value.child_by_field_name("operator")
            if op is None or self.text(op) != "&&":
                return False
            return any(side is not None and self._stored_check(side, depth + 1) for side in (value.child_by_field_name("left"), value.child_by_field_name("right")))
        return False

    def _constant_callback(self, arg: ts.Node, method: str) -> bool:
        """`() => '?'` given to `map` (or a literal given to `fill`): every element becomes the
        same constant, so nothing of the array's content survives."""
        if method == "fill":
            return arg.type in ("string", "number", "true", "false", "null")
        if arg.type != "arrow_function":
            return False
        params = arg.child_by_field_name("parameters") or arg.child_by_field_name("parameter")
        if params is not None and params.named_children and params.type != "identifier":
            return False
        if params is not None and params.type == "identifier":
            return False
        body = arg.child_by_field_name("body")
        while body is not None and body.type == "parenthesized_expression" and body.named_children:
            body = body.named_children[0]
        if body is None:
            return False
        if body.type == "template_string":
            return not any(c.type == "template_substitution" for c in body.named_children)
        return body.type in ("string", "number", "true", "false", "null")

    def _created_status(self, fn_node: ts.Node | None) -> bool:
        """`res.status(201).location(url)`, `res.code(201).header('Location', url)`: the
        Location of a 201 Created/202 Accepted names the new resource; browsers follow
        Location only on 3xx answers, so it is no redirect."""
        cur = fn_node.child_by_field_name("object") if fn_node is not None and fn_node.type == "member_expression" else None
        for _ in range(8):
            if cur is None or cur.type != "call_expression":
                return False
            callee = cur.child_by_field_name("function")
            if callee is None or callee.type != "member_expression":
                return False
            prop = callee.child_by_field_name("property")
            args = cur.child_by_field_name("arguments")
            first = args.named_children[0] if args is not None and args.named_children else None
            if prop is not None and self.text(prop) in ("status", "code") and first is not None:
                return self.text(first) in ("201", "202")
            cur = callee.child_by_field_name("object")
        return False

    def _configured_base(self, node: ts.Node) -> bool:
        """`${env.WORKER_URL}/api/${path}`: a template opening with a value the request does not
        reach, then a literal path (`/api/`, not `/` or `//`).  A server-side request needs an
        absolute URL, so that leading value is the configured origin and the request chooses
        only the path on that server: not SSRF (for redirects the base may be empty, so only
        `ssrf` is cleaned).  The caller checks that the leading value is untainted."""
        kids = node.named_children
        if len(kids) < 3 or kids[0].type != "template_substitution" or kids[1].type != "string_fragment":
            return False
        return bool(_BASE_PATH.match(self.text(kids[1])))

    def _origin_step(self, state: str, acc: str, node: ts.Node | None, v: Value) -> tuple[str, str, bool]:
        """One more piece of a URL being concatenated: (new state, literal text so far, whether
        this piece is harmless for a redirect).  States as in `Value.origin`, plus `` (only
        literal text so far) and `none` (the target is not pinned)."""
        lit = self._string_value(node) if node is not None and node.type in ("string", "string_fragment") else None
        if node is not None and node.type == "string_fragment":
            lit = self.text(node)
        if lit is None and not v.taint and v.literal is not None:
            lit = v.literal  # `const SITE = 'https://shop.example.org'`
        if state == "fixed":
            return "fixed", acc, True
        if state == "origin":
            # A constant origin so far: a path, query or fragment keeps its host.
            if lit is not None:
                acc += lit
                if lit[:1] in ("/", "?", "#"):
                    return "fixed", acc, False
                return ("origin" if _CONSTANT_ORIGIN.match(acc) else "none"), acc, False
            if v.taint and (only_url_path(v.taint) or all(lb.key in _PATH_KEYS for lb in v.taint)):
                return "fixed", acc, True
            return "none", acc, False
        if state == "":
            if lit is None and not v.taint and node is not None and self.text(node).endswith(".protocol"):
                lit = "http"  # `req.protocol`, `ctx.protocol`: a scheme name
            if lit is None:
                return (v.origin or "none") if not acc else "none", acc, False
            acc += lit
            if _FIXED_TARGET.match(acc):
                return "fixed", acc, False
            if _SCHEME_ONLY.match(acc):
                return "scheme", acc, False
            if _CONSTANT_ORIGIN.match(acc):
                return "origin", acc, False
            return ("" if _SCHEME_PREFIX.match(acc) else "none"), acc, False
        if state == "scheme":
            if lit is None and v.taint and all(lb.key in _HOST_KEYS for lb in v.taint):
                return "host", acc, True
            return "none", acc, False
        if state == "host":
            if lit is not None:
                return ("fixed" if lit[:1] in ("/", "?", "#") else "none"), acc, False
            if v.taint and (all(lb.key in _PATH_KEYS for lb in v.taint) or only_url_path(v.taint)):
                return "fixed", acc, True
        return "none", acc, False

    @staticmethod
    def _http_error(name: str, ctx: _Ctx) -> None:
        """`new errors.UnauthorizedError(...)` / `new ForbiddenException()`: answering 401/403.

        Frameworks and error libraries (http-errors, @hapi/boom-style classes, NestJS
        exceptions, in-house `errors.NoPermissionError`) turn these into the status code, so
        creating one in a condition is the same evidence as `res.status(401)`."""
        last = name.rsplit(".", 1)[-1]
        if _UNAUTHENTICATED_ERROR.search(last):
            ctx.ends_request = True
            if ctx.in_condition or len(ctx.params) >= 3:
                ctx.checks_auth = True
                ctx.evidence = ctx.evidence or f"answers `{last}`"
        elif _FORBIDDEN_ERROR.search(last):
            ctx.ends_request = True
            ctx.forbidden = True
            ctx.checks_role = True
            ctx.evidence = ctx.evidence or f"answers `{last}`"

    def _where_clause(self, obj: ts.Node, call: ts.Node, scope: Scope, callee: str, receiver: str = "") -> None:
        """`{ $where: '...' + input }` runs JavaScript in MongoDB: even a string is injection."""
        for c in obj.named_children:
            if c.type != "pair":
                continue
            key = c.child_by_field_name("key")
            if key is None or (self._string_value(key) or self.text(key)) != "$where":
                continue
            v = self.expr(c.child_by_field_name("value"), scope)
            if v.taint:
                labels = tuple(Label(lb.origin, lb.key, lb.cleaned - {"nosql"}, lb.steps, lb.shown) for lb in v.taint if not (lb.cleaned >= ALL_KINDS))
                self.sink("nosql", labels, call, scope, f"{callee} $where", receiver)

    def _shell_command_args(self, program: ts.Node, argv: ts.Node) -> bool:
        """A shell run with a command string: `('sh', ['-c', x])`, `('cmd.exe', ['/c', x])`."""
        name = (self._string_value(program) or "").rsplit("/", 1)[-1].lower()
        if name not in _SHELLS or argv.type != "array":
            return False
        return any(self._string_value(e) in _SHELL_COMMAND_FLAGS for e in argv.named_children)

    def _shell_on(self, options: ts.Node) -> bool:
        """`{ shell: true }` or `{ shell: '/bin/bash' }` (not `false`, not absent)."""
        if options.type != "object":
            return False
        for c in options.named_children:
            if c.type == "pair":
                key = c.child_by_field_name("key")
                val = c.child_by_field_name("value")
                if key is not None and val is not None and self.text(key) == "shell":
                    return val.type not in ("false", "null", "undefined")
        return False

    def _content_type(self, method: str, arg_nodes: list[ts.Node]) -> str | None:
        """The literal content type a `res.type(...)`/`res.set('Content-Type', ...)` call sets."""
        if method in ("type", "contentType") and arg_nodes:
            value = self._string_value(arg_nodes[0])
            return value.lower() if value is not None else None
        if method in ("set", "header", "setHeader") and len(arg_nodes) > 1 and (self._string_value(arg_nodes[0]) or "").lower() == "content-type":
            value = self._string_value(arg_nodes[1])
            return value.lower() if value is not None else None
        if method in ("writeHead", "set") and arg_nodes and arg_nodes[-1].type == "object":
            # `res.writeHead(404, { 'Content-Type': 'text/plain' })`, `res.set({ ... })`.
            for pair in arg_nodes[-1].named_children:
                key = pair.child_by_field_name("key") if pair.type == "pair" else None
                if key is None:
                    continue
                name = self._string_value(key) if key.type == "string" else self.text(key)
                if (name or "").lower() == "content-type":
                    value = self._string_value(pair.child_by_field_name("value"))
                    return value.lower() if value is not None else None
        return None

    def _object_flag(self, obj: ts.Node, name: str) -> bool:
        """`{ name: true }` in an object literal."""
        for c in obj.named_children:
            if c.type == "pair":
                key = c.child_by_field_name("key")
                val = c.child_by_field_name("value")
                if key is not None and val is not None and (self._string_value(key) or self.text(key)) == name and val.type == "true":
                    return True
        return False

    def _object_string_field(self, obj: ts.Node, name: str) -> str | None:
        for c in obj.named_children:
            if c.type == "pair":
                key = c.child_by_field_name("key")
                if key is not None and (self._string_value(key) or self.text(key)) == name:
                    return self._string_value(c.child_by_field_name("value"))
        return None

    def _sink_receiver_ok(self, method: str, recv_text: str, rv: Value) -> bool:
        low = recv_text.lower()
        if method in ("query", "raw", "execute", "whereRaw", "havingRaw", "orderByRaw", "joinRaw"):
            if method == "execute":
                return any(s in low for s in _SQLISH)
            return True
        if method.startswith("$"):
            return True
        # NoSQL: Mongoose models (capitalised), collections, `*Model`, db handles.
        last = recv_text.rsplit(".", 1)[-1].strip()
        return bool(last[:1].isupper() or "collection" in low or low.endswith("model") or rv.cls is not None or last in ("db", "users", "notes"))

    @staticmethod
    def _is_checked(text: str, ctx: _Ctx) -> bool:
        """`req.body.name` is validated when `req.body` (or itself) was checked."""
        if text in ctx.checked:
            return True
        return any(text.startswith((c + ".", c + "[")) for c in ctx.checked)

    def _clean_args(self, arg_nodes: list[ts.Node], scope: Scope) -> None:
        """A value checked by a validator/allow-list is treated as validated from here on."""
        for a in arg_nodes:
            if a.type == "identifier":
                v = scope.lookup(self.text(a))
                if v is not None and v.taint:
                    scope.assign(self.text(a), self._copy(v, clean(v.taint, ALL_KINDS)))
            elif a.type in ("member_expression", "subscript_expression"):
                c: Scope | None = scope
                while c is not None:
                    c.ctx.checked.add(self.text(a))
                    c = c.parent if c.parent is not None and c.parent.ctx is not c.ctx else None

    def _params(self, node: ts.Node) -> list[ts.Node]:
        single = node.child_by_field_name("parameter")
        if single is not None:
            return [single]
        params = node.child_by_field_name("parameters")
        if params is None:
            return []
        return [c for c in params.named_children if c.type not in ("comment",)]

    def function(self, node: ts.Node, scope: Scope, name: str, hints: dict[int, Value] | None = None, class_name: str = "") -> str:
        """Analyse a function as its own unit and store its summary; returns its key."""
        key = self._unique_key(name, node)
        params = self._params(node)
        names: list[str] = []
        for p in params:
            pat = p.child_by_field_name("pattern") if p.type in ("required_parameter", "optional_parameter") else p
            if pat is None:
                pat = p
            if pat.type == "assignment_pattern":
                left = pat.child_by_field_name("left")
                pat = left if left is not None else pat
            names.append(self.text(pat) if pat.type == "identifier" else "")
        # `Function.length`, which Express reads to tell error handlers (4) from the rest: the
        # parameters before the first one with a default value or a rest parameter.
        arity = next((i for i, p in enumerate(params) if _defaulted(p)), len(params))
        ctx = _Ctx(key, name, node.start_point[0] + 1, tuple(names), class_name=class_name or scope.ctx.class_name)
        inner = Scope(scope, ctx)
        self.functions[key] = FuncFacts(key, name, ctx.line, ctx.params)  # placeholder: recursion-safe
        for i, p in enumerate(params):
            pat = p.child_by_field_name("pattern") if p.type in ("required_parameter", "optional_parameter") else p
            if pat is None:
                pat = p
            v = Value((Label("param", f"{key}|{i}"),), recv=("param", key, str(i)))
            hint = hints.get(i) if hints else None
            if hint is not None:
                if hint.role:
                    v = Value(hint.taint, role=hint.role, shown=names[i] if hint.role in ("req", "ctx") else hint.shown)
                else:
                    v = Value(union(hint.taint, v.taint), recv=v.recv)
            elif names[i] in _ROLE_NAMES:
                v = Value(role=_ROLE_NAMES[names[i]], shown=names[i])
            deco = nest.param_decorator(self, p)
            if deco:
                v = nest.nest_param(self, deco, p)
            self.bind(pat, v, inner, declare=True, node=p, what="parameter")
        body = node.child_by_field_name("body")
        if body is not None:
            if body.type == "statement_block":
                for c in body.named_children:
                    self.stmt(c, inner)
            else:
                v = self.expr(body, inner)
                ctx.returns = union(ctx.returns, v.taint)
                if v.func:
                    ctx.returns_function = v.func
                if v.qn and classify_qn(v.qn):
                    ctx.returns_middleware = v.qn
                if v.recv is not None and v.recv[0] == "inst":
                    ctx.returns_instance = v.recv[1]
        parent = scope.ctx
        if len(names) < 2 and len(parent.params) >= 2:
            # A callback inside a middleware (`passport.authenticate(...)(req, res, () => {...})`,
            # `db.get(id, (err, row) => {...})`): its checks and 401/403 answers are the
            # middleware's own, as the closure shares its `req`/`res`/`next`.
            parent.checks_auth = parent.checks_auth or ctx.checks_auth
            parent.strong_auth = parent.strong_auth or ctx.strong_auth
            parent.checks_role = parent.checks_role or ctx.checks_role
            parent.permission_call = parent.permission_call or ctx.permission_call
            parent.forbidden = parent.forbidden or ctx.forbidden
            parent.ends_request = parent.ends_request or ctx.ends_request
            parent.evidence = parent.evidence or ctx.evidence
        guard = None
        if len(names) >= 2 or ctx.headers:
            # `req.user = users[req.params.id]; if (req.user) next(); else next(err)` loads a
            # record for the route (Express's `load`/`app.param` pattern): not authentication.
            loader = ctx.loads_user and not ctx.strong_auth and bool(ctx.reads & {"params", "query", "body"})
            authn = ctx.checks_auth and ctx.ends_request and not loader
            authz = (ctx.checks_role and ctx.ends_request) or (ctx.permission_call and ctx.forbidden) or ctx.owner_scoped
            if ctx.owner_scoped and not (ctx.checks_role and ctx.ends_request):
                ctx.evidence = ctx.evidence or "queries only the current user's records"
            if authn or authz or ctx.validates or ctx.rate_limit or ctx.csrf or ctx.headers:
                guard = GuardInfo(authn, authz, ctx.validates, ctx.rate_limit, ctx.csrf and ctx.ends_request, ctx.headers, ctx.evidence)
        self.functions[key] = FuncFacts(
            key,
            name,
            ctx.line,
            ctx.params,
            tuple(ctx.sinks),
            tuple(ctx.calls),
            ctx.returns,
            guard,
            ctx.returns_function,
            tuple(sorted(ctx.reads)),
            ctx.validates,
            arity == 4,
            scope.ctx.key,
            node.end_point[0] + 1,
            ctx.returns_middleware,
            ctx.returns_instance,
            ctx.calls_next,
            tuple(sorted(ctx.stores.items())),
        )
        return key

    def _constructor_fields(self, cname: str, ctor: ts.Node, scope: Scope) -> None:
        """TypeScript parameter properties: `constructor(private readonly users: UsersService)`."""
        for p in self._params(ctor):
            if p.type not in ("required_parameter", "optional_parameter"):
                continue
            if not any(c.type == "accessibility_modifier" or self.text(c) == "readonly" for c in p.children):
                continue
            pat = p.child_by_field_name("pattern")
            typ = p.child_by_field_name("type")
            if pat is None or typ is None:
                continue
            tname = next((self.text(c) for c in typ.named_children if c.type in ("type_identifier", "generic_type")), "")
            tname = tname.split("<", 1)[0]
            if not tname:
                continue
            tv = scope.lookup(tname)
            cls: tuple[str, str, str] | None = None
            if tv is not None and tv.imp is not None:
                cls = ("import", tv.imp[0], tv.imp[1] or "default")
            elif tv is not None and tv.func:
                cls = ("local", "", tv.func)
            if cls is not None:
                self.class_fields.setdefault(cname, {})[self.text(pat)] = Value(cls=cls)

    def _compiled_class(self, node: ts.Node, cname: str) -> nest.CompiledClass | None:
        """The `__decorate(...)` decorators of class `cname` in compiled output (read once per file)."""
        if b"__decorate" not in self.source:
            return None
        if self._compiled is None:
            root = node
            while root.parent is not None:
                root = root.parent
            self._compiled = nest.compiled_decorators(self, root)
        return self._compiled.get(cname)

    def class_decl(self, node: ts.Node, scope: Scope, name_hint: str = "") -> Value:
        """Analyse a class's methods (and NestJS controller routes)."""
        name_node = node.child_by_field_name("name")
        cname = self.text(name_node) if name_node is not None else (name_hint or f"@class{node.start_point[0] + 1}")
        body = node.child_by_field_name("body")
        class_decos = decorators_before(node, self.text)
        compiled = self._compiled_class(node, cname) if not class_decos else None
        if compiled is not None:
            class_decos = compiled.class_decos
        controller = next((d for d in class_decos if d[0] == "Controller"), None)
        base_class = registrations.class_base(self, node, scope)
        if base_class is not None:
            self.class_bases[cname] = base_class
        for dname, dargs, _dnode in class_decos:
            if dname == "Module":  # @Module({ providers: [{ provide: APP_GUARD, useClass: ... }] })
                for a in dargs:
                    self.expr(a, scope)
        prefix = ""
        if controller is not None and controller[1]:
            prefix = self._string_value(controller[1][0]) or self._object_string_field(controller[1][0], "path") or ""
        if body is not None:
            for m in body.named_children:
                if m.type == "method_definition" and m.child_by_field_name("name") is not None and self.text(m.child_by_field_name("name")) == "constructor":  # type: ignore[arg-type]
                    self._constructor_fields(cname, m, scope)
            for m in body.named_children:
                if m.type == "method_definition":
                    mname_node = m.child_by_field_name("name")
                    mname = self.text(mname_node) if mname_node is not None else "@m"
                    hints = nest.compiled_param_hints(self, compiled.params[mname]) if compiled is not None and mname in compiled.params else None
                    key = self.function(m, scope, f"{cname}.{mname}", hints, class_name=cname)
                    if controller is not None:
                        method_decos = compiled.methods.get(mname, []) if compiled is not None else None
                        nest.nest_route(self, cname, prefix, class_decos, m, key, scope, method_decos)
                elif m.type in ("field_definition", "public_field_definition"):
                    # `list = async (req, res) => {...}`: an arrow-function field, the usual way
                    # TypeScript controllers keep `this` when passed as `router.get('/', c.list)`.
                    fname_node = m.child_by_field_name("property") or m.child_by_field_name("name")
                    fval = m.child_by_field_name("value")
                    if fname_node is not None and fval is not None and fval.type in FUNCTION_TYPES:
                        self.function(fval, scope, f"{cname}.{self.text(fname_node)}", class_name=cname)
                    elif fname_node is not None and fval is not None and fval.type in ("call_expression", "new_expression"):
                        fv = self.expr(fval, scope)
                        if fv.instance:  # `router = Router()`: a router owned by the class
                            self._class_instance(cname, self.text(fname_node), fv, m)
        v = Value(func=cname)
        base = self.class_bases.get(cname)
        if cname not in self.functions or base is not None:
            self.functions[cname] = FuncFacts(cname, cname, node.start_point[0] + 1, (), extends=base)
        if name_node is not None:
            scope.vars[cname] = v
        return v

    # ---------------------------------------------------------------- modules
