"""What a route's handler does with the request, read from its code at rule time.

The route rules need two answers the per-file facts do not carry: which request inputs a
handler reads (a login-like route whose handler reads no body, query or credential header
offers nothing to guess), and whether a handler's delete call is keyed by the signed-in
principal (`storage.deleteToken(req.remote_user.name, key)` touches only the caller's own
records, so no role check is missing).  Only the few routes a rule is about to report are
read: their files are parsed again with tree-sitter (never executed, never matched with
regexes), a bounded number per scan.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import tree_sitter as ts

from nodeward.analysis.ir import FuncFacts
from nodeward.analysis.taint.values import FUNCTION_TYPES
from nodeward.sast.parse import language_for, parse

__all__ = ["HandlerCode", "RequestUse", "is_credential_input"]

FuncRef = tuple[str, str]

MAX_FILES = 64
"""Files re-parsed per scan at most (each holds a route a rule is about to report)."""
MAX_BYTES = 1_000_000
MAX_NODES = 20_000
"""Nodes visited per function at most: a generated megafunction stays cheap."""

_PARTS = frozenset({"body", "query", "params", "headers", "cookies", "signedCookies", "files", "file", "rawBody", "raw"})
_PRINCIPALS = frozenset({"user", "remote_user", "remoteUser", "currentUser", "auth", "principal", "identity", "member", "account"})
"""Request properties that authentication middleware fills with the signed-in principal
(passport's `req.user`, express-jwt's `req.auth`, verdaccio's `req.remote_user`, ...)."""
_SESSION_PRINCIPALS = frozenset({"user", "userId", "user_id", "uid", "member", "account", "passport"})
_DESTROY = re.compile(r"^(?:delete|remove|destroy|revoke|unlink|drop|purge|erase|del)(?:[A-Z_]\w*)?$|^(?:\w+)(?:Delete|Remove|Destroy|Revoke)\w*$")
"""Calls that delete records: `deleteOne`, `removeToken`, `destroy`, `revokeSession`, `tokenDelete`."""
_SIGNATURE_CALLS = re.compile(r"^(?:createHmac|timingSafeEqual|constructEvent|constructEventAsync|verifyWebhook)$|^(?:verify|validate|check)\w*(?:Signature|Webhook|Hmac)\w*$")
"""Calls that authenticate a webhook's sender by a signature over the request."""
_SIGN_IN_CALLS = frozenset({"login", "logIn"})
_SESSION_SIGN_IN = re.compile(
    r"^(?:user|member|account|principal|admin|customer|staff)(?:_?id)?$|^(?:auth|authenticated|isAuthenticated|loggedIn|isLoggedIn|logged_in|authorized|unlocked|passport)$", re.I
)
"""Session keys that, set, say who is signed in (`req.session.userId`, `ctx.session.memberId`,
`req.session.authenticated = true`)."""
_SECRET_FIELD = re.compile(r"pass|pwd|secret|token|code|otp|totp|pin|key|credential|answer|signature|nonce|ticket|assertion|saml|hash", re.I)
"""Request fields that prove who the sender is (`password`, `passcode`, `otpCode`, `token`)."""
_CHECK_CALL = re.compile(r"^(?:compare|compareSync|verify\w*|check\w*|validate\w*|authenticate\w*|timingSafeEqual|signIn\w*)$|(?:Password|Passcode|Code|Otp|Token|Credentials?)$", re.I)
"""Calls that check what was sent (`bcrypt.compare`, `argon2.verify`, `checkPassword`)."""
_ACTOR_KEYS = re.compile(r"context|actor|audit|meta|options|by$|By$", re.I)
"""Object keys under which the principal is the one acting (an audit trail), not the owner
of the records a query selects: `destroy({ id, context: { user: req.user.id } })`."""
_URL_PROPS = frozenset({"path", "url", "originalUrl", "baseUrl", "routerPath", "routeOptions", "routeConfig"})
_NEST_PARTS = {"Body": "body", "Query": "query", "Param": "params", "UploadedFile": "files", "UploadedFiles": "files"}


def is_credential_input(inputs: frozenset[str]) -> bool:
    """Whether a request input could carry a secret a person types: the body, the query
    string, an upload, or a header other than `Cookie` (a cookie holds what the server
    issued, not a password)."""
    for i in inputs:
        if i in ("body", "query", "files", "file", "rawBody", "raw", "params", "headers:*"):
            return True
        if i.startswith("headers:") and i not in ("headers:cookie", "headers:user-agent", "headers:origin", "headers:referer", "headers:host"):
            return True
    return False


@dataclass(frozen=True, slots=True)
class RequestUse:
    """What one handler reads from the request and does with the principal."""

    inputs: frozenset[str]
    """`body`, `query`, `params`, `cookies`, `files`, `headers:<name>` (`headers:*` when the
    whole header object is used)."""
    escapes: bool
    """The request object is handed whole to other code (what that reads is unknown)."""
    deletes_own: bool
    """A delete/remove/revoke call takes the signed-in principal's identity as its key."""
    signs_in: bool = False
    """Establishes who the caller is: `req.login(user)`, `req.session.userId = ...`,
    `req.session.regenerate(...)` (the route's purpose is to authenticate)."""
    verifies_signature: bool = False
    """Checks a signature of the request (`crypto.createHmac` + `timingSafeEqual`, Stripe's
    `webhooks.constructEvent`, `verifyWebhookSignature`): a webhook authenticating its sender."""
    reads_url: bool = False
    """Reads the request's path (`req.path`, `req.originalUrl`, `ctx.path`): a guard that may
    let some paths through (`if (PUBLIC.includes(req.path)) return next()`)."""
    fields: frozenset[str] | None = None
    """Body and query fields read (`req.body.email`, `const { email } = req.body`, `dto.email`
    of an `@Body()` parameter), or None when the body or query is used whole."""
    cookie_state: bool = False
    """Uses what the browser's cookies carry or sets one: reads the session or the signed-in
    principal (`req.session`, `req.sessionID`, `req.user`, `ctx.state.user`, also destructured)
    or a cookie, or sets a cookie or a session (`res.cookie(...)`, a sign-in, `req.logout()`).
    What a cross-site request forged with the victim's cookies can change, and all it can."""
    sets_request_state: bool = False
    """Writes a property of the request or of `res.locals`/`ctx.state` (`req.userId = ...`):
    what later middleware and handlers read under a name of the app's choosing."""


class _Names:
    """Local names bound to the request, its principal, or the principal's fields."""

    def __init__(self) -> None:
        self.req: set[str] = set()
        self.ctx: set[str] = set()
        """Koa's context: `ctx.request.body` is the request body, `ctx.body` the response's."""
        self.res: set[str] = set()
        self.principal: set[str] = set()
        self.principal_field: set[str] = set()
        self.parts: dict[str, str] = {}
        self.fields: set[str] = set()
        self.reads_url = False
        self.cookie = False
        """The session, its id or a cookie bag destructured from the request (`{ session } = req`)."""
        self.whole = False
        """The body or query object itself is handed on (its fields are not all known)."""


class HandlerCode:
    """Reads handlers' source for the route rules (a bounded number of files per scan)."""

    def __init__(self, root: Path, func: Callable[[FuncRef], FuncFacts | None], resolve: Callable[[str, str], str | None] | None = None) -> None:
        self.root = root
        self.func = func
        self.resolve = resolve
        """(specifier, importing file) -> project file, to follow a handler into its services."""
        self._trees: dict[str, tuple[ts.Node, bytes] | None] = {}
        self._uses: dict[FuncRef, RequestUse | None] = {}
        self._index: dict[str, tuple[dict[str, ts.Node], dict[str, ts.Node]]] = {}
        self._import_maps: dict[str, dict[str, tuple[str, str]]] = {}
        self._path_strings: dict[FuncRef, set[str]] = {}

    # ------------------------------------------------------------ parsing
    def _tree(self, path: str) -> tuple[ts.Node, bytes] | None:
        if path in self._trees:
            return self._trees[path]
        got: tuple[ts.Node, bytes] | None = None
        lang = language_for(path)
        if lang is not None and len(self._trees) < MAX_FILES:
            try:
                file = (self.root / path).resolve()
                file.relative_to(self.root.resolve())  # never read outside the scan root
                data = file.read_bytes() if file.is_file() and file.stat().st_size <= MAX_BYTES else None
            except (OSError, ValueError):
                data = None
            if data is not None:
                got = (parse(data, lang).root_node, data)
        self._trees[path] = got
        return got

    def _function(self, ref: FuncRef) -> tuple[ts.Node, ts.Node, bytes] | None:
        """(function node, file root, source) of a function the facts know, found by its lines."""
        fn = self.func(ref)
        tree = self._tree(ref[0])
        if fn is None or tree is None:
            return None
        root, data = tree
        first, last = fn.line - 1, max(fn.line, fn.end_line) - 1
        col = -1
        if ref[1].startswith("@") and ":" in ref[1]:  # anonymous functions are keyed `@line:col`
            at = ref[1][1:].split(":", 1)
            col = int(at[1]) - 1 if at[1].isdigit() else -1
        stack = [root]
        candidates: list[ts.Node] = []
        for _ in range(MAX_NODES):
            if not stack:
                break
            node = stack.pop()
            if node.type in FUNCTION_TYPES and node.start_point[0] == first and (col < 0 or node.start_point[1] == col):
                candidates.append(node)
            stack.extend(c for c in node.named_children if c.start_point[0] <= first <= c.end_point[0])
        best = next((c for c in candidates if c.end_point[0] == last), candidates[0] if candidates else None)
        return (best, root, data) if best is not None else None

    # ------------------------------------------------------------ analysis
    def use(self, ref: FuncRef | None, framework: str = "express") -> RequestUse | None:
        """What the handler `ref` reads and deletes, or None when its code cannot be read."""
        if ref is None:
            return None
        if ref not in self._uses:
            found = self._function(ref)
            self._uses[ref] = _analyse(found[0], found[1], found[2], ref[1], framework) if found is not None else None
        return self._uses[ref]


    def mentions_path(self, ref: FuncRef, route_path: str) -> bool:
        """Whether a guard that reads the request path names `route_path` or a prefix of it
        in a string, in its own code or in its file's top-level declarations
        (`const OPEN = ['/login']`): the guard may let that route through.  True when the
        code cannot be read."""
        found_fn = self._function(ref)
        if found_fn is None:
            return True
        fn, root, data = found_fn
        if ref not in self._path_strings:
            nodes = list(_walk(fn))
            for stmt in root.named_children[:20_000]:
                if stmt.type in ("lexical_declaration", "variable_declaration"):
                    nodes.extend(_walk(stmt))
            found: set[str] = set()
            for n in nodes:
                text = _string(n, data) if n.type == "string" else None
                if text is not None and text.startswith("/"):
                    found.add(text)
            self._path_strings[ref] = found
        route = route_path.rstrip("/") or "/"
        for lit in self._path_strings[ref]:
            base = lit.rstrip("/*") or "/"
            if (base == "/" and lit.endswith("*")) or route == base or (base != "/" and (route.startswith(base + "/") or route.endswith(base))):
                return True
        return False

    # ------------------------------------------------------------ token authentication
    def token_authenticated(self, ref: FuncRef | None) -> bool:
        """Whether the authentication middleware `ref` (or the factory that builds it) signs
        the caller in from a token the request carries, never from the session cookie:
        `passport.authenticate(['bearer', 'jwt'], { session: false })`.  Passport replaces
        `req.user` with what those strategies find, so a session restored from the cookie
        authorizes nothing there, and a cross-site form cannot attach the token (no CSRF)."""
        found = self._function(ref) if ref is not None else None
        if found is None:
            return False
        fn, _root, data = found
        token = False
        for n in _walk(fn):
            if n.type == "member_expression" and _text(n.child_by_field_name("property"), data) in ("session", "cookies", "signedCookies"):
                return False  # reads the session or cookies itself
            if n.type != "call_expression":
                continue
            callee = n.child_by_field_name("function")
            if callee is None or callee.type != "member_expression" or _text(callee.child_by_field_name("property"), data) != "authenticate":
                continue
            arg_list = n.child_by_field_name("arguments")
            args = [a for a in (arg_list.named_children if arg_list is not None else []) if a.type != "comment"]
            if len(args) < 2 or args[1].type != "object":
                return False
            first = args[0]
            names = [_string(i, data) for i in (first.named_children if first.type == "array" else [first])]
            if not names or any(x is None or _COOKIE_STRATEGY.search(x) for x in names):
                return False
            if not any(_pair(p, data) == ("session", "false") for p in args[1].named_children):
                return False
            token = True
        return token

    # ------------------------------------------------------------ unless()
    def unless_excludes(self, path: str, line: int, route_path: str) -> bool:
        """Whether the middleware registered at `path:line` with express-unless / koa-jwt's
        `.unless({ path: [...] })` skips `route_path` (`expressjwt(...).unless({ path:
        ['/auth/login'] })`: the sign-in is the one route it does not guard).  True when the
        exclusions cannot be read: the guard may not apply."""
        tree = self._tree(path)
        if tree is None:
            return True
        root, data = tree
        stack = [root]
        for _ in range(MAX_FILE_NODES):
            if not stack:
                break
            n = stack.pop()
            if n.type == "call_expression" and n.start_point[0] <= line - 1 <= n.end_point[0]:
                callee = n.child_by_field_name("function")
                if callee is not None and callee.type == "member_expression" and _text(callee.child_by_field_name("property"), data) == "unless":
                    args = n.child_by_field_name("arguments")
                    first = args.named_children[0] if args is not None and args.named_children else None
                    patterns = _unless_patterns(first, data)
                    return patterns is None or any(_path_matches(p, route_path) for p in patterns)
            stack.extend(c for c in n.named_children if c.start_point[0] <= line - 1 <= c.end_point[0])
        return True

    # ------------------------------------------------------------ lock-outs
    def lockout(self, ref: FuncRef | None) -> str:
        """Where the handler `ref`, or a function it calls (up to `MAX_HOPS` calls away, through
        imports and injected services), answers 429 Too Many Requests: `AuthService.authenticate
        (src/auth.service.ts:12)`, or ''.  A sign-in that locks an account out after failures."""
        found = self._function(ref) if ref is not None else None
        if ref is None or found is None:
            return ""
        queue: list[tuple[str, ts.Node, int]] = [(ref[0], found[0], 0)]
        seen: set[tuple[str, int]] = set()
        while queue and len(seen) < 64:
            path, fn, depth = queue.pop(0)
            if (path, fn.start_byte) in seen:
                continue
            seen.add((path, fn.start_byte))
            tree = self._tree(path)
            if tree is None:
                continue
            root, data = tree
            if _answers_429(fn, data):
                return f"{_function_label(fn, data)} ({path}:{fn.start_point[0] + 1})"
            if depth < MAX_HOPS:
                queue.extend((p, n, depth + 1) for p, n in self._callees(path, fn, root, data))
        return ""

    def _callees(self, path: str, fn: ts.Node, root: ts.Node, data: bytes) -> list[tuple[str, ts.Node]]:
        """Functions `fn` calls that can be found: `this.m()`, `this.service.m()` (an injected
        class), `module.m()` and `m()` (imported)."""
        out: list[tuple[str, ts.Node]] = []
        imports: dict[str, tuple[str, str]] | None = None
        cls = _enclosing_class(fn)
        fields: dict[str, str] | None = None
        for n in _walk(fn):
            if n.type != "call_expression" or len(out) >= 32:
                continue
            callee = n.child_by_field_name("function")
            if callee is None:
                continue
            if imports is None:
                if path not in self._import_maps:
                    self._import_maps[path] = _imports(root, data)
                imports = self._import_maps[path]
            if callee.type == "member_expression":
                obj = callee.child_by_field_name("object")
                method = _text(callee.child_by_field_name("property"), data)
                if obj is None:
                    continue
                if obj.type == "this" and cls is not None:
                    target = _method(cls, method, data)
                    if target is not None:
                        out.append((path, target))
                elif obj.type == "member_expression" and _text(obj.child_by_field_name("object"), data) == "this" and cls is not None:
                    if fields is None:
                        fields = _field_types(cls, root, data)
                    type_name = fields.get(_text(obj.child_by_field_name("property"), data), "")
                    local, _, member = type_name.partition(".")
                    found = self._imported(path, imports, local, method, cls_member=member)
                    if found is not None:
                        out.append(found)
                elif obj.type == "identifier":
                    found = self._imported(path, imports, _text(obj, data), method)
                    if found is not None:
                        out.append(found)
            elif callee.type == "identifier":
                found = self._imported(path, imports, _text(callee, data), "")
                if found is not None:
                    out.append(found)
        return out

    def _imported(self, path: str, imports: dict[str, tuple[str, str]], local: str, name: str, cls_member: str | None = None) -> tuple[str, ts.Node] | None:
        """The function `name` of the module bound to `local`; with `cls_member`, the method
        `name` of the class imported as `local` (`cls_member` names it inside a namespace
        import: `auth_service_1.AuthService`)."""
        if self.resolve is None or local not in imports:
            return None
        spec, member = imports[local]
        target = self.resolve(spec, path)
        tree = self._tree(target) if target is not None else None
        if target is None or tree is None:
            return None
        functions, classes = self._indexed(target, tree[0], tree[1])
        if cls_member is not None:
            cls = classes.get(cls_member or (member if member not in ("*", "default") else local))
            method = _method(cls, name, tree[1]) if cls is not None else None
            return (target, method) if method is not None else None
        node = functions.get(name or (member if member not in ("*", "default") else local))
        return (target, node) if node is not None else None

    def _indexed(self, path: str, root: ts.Node, data: bytes) -> tuple[dict[str, ts.Node], dict[str, ts.Node]]:
        if path not in self._index:
            self._index[path] = _file_index(root, data)
        return self._index[path]


_COOKIE_STRATEGY = re.compile(r"session|cookie|remember", re.I)
"""passport strategies that read the cookie (`session`, `passport-cookie`, `remember-me`)."""


def _pair(node: ts.Node, data: bytes) -> tuple[str, str] | None:
    """(key, value text) of an object literal's `key: value` pair."""
    if node.type != "pair":
        return None
    key, value = node.child_by_field_name("key"), node.child_by_field_name("value")
    if key is None or value is None:
        return None
    name = _string(key, data) if key.type == "string" else _text(key, data)
    return (name or "", _text(value, data))


def _function_label(fn: ts.Node, data: bytes) -> str:
    name = fn.child_by_field_name("name")
    label = _text(name, data) if name is not None else "a function"
    cls = _enclosing_class(fn)
    return f"{_class_name(cls, data)}.{label}" if cls is not None and _class_name(cls, data) else label


def _text(node: ts.Node | None, data: bytes) -> str:
    return data[node.start_byte : node.end_byte].decode("utf-8", "replace") if node is not None else ""


def _string(node: ts.Node | None, data: bytes) -> str | None:
    if node is None or node.type not in ("string", "template_string"):
        return None
    if node.type == "template_string" and any(c.type == "template_substitution" for c in node.named_children):
        return None
    return _text(node, data)[1:-1]


def _param_names(params: ts.Node | None, data: bytes) -> list[tuple[str, ts.Node]]:
    """(name, parameter node) per parameter, '' for a pattern."""
    out: list[tuple[str, ts.Node]] = []
    if params is None:
        return out
    if params.type == "identifier":  # `req => ...`
        return [(_text(params, data), params)]
    for p in params.named_children:
        if p.type in ("comment", "decorator"):
            continue
        target = p
        if p.type in ("required_parameter", "optional_parameter"):
            target = p.child_by_field_name("pattern") or p
        if target.type == "assignment_pattern":
            target = target.child_by_field_name("left") or target
        out.append((_text(target, data) if target.type == "identifier" else "", p))
    return out


def _decorator_name(node: ts.Node, data: bytes) -> tuple[str, list[ts.Node]]:
    for c in node.named_children:
        if c.type == "call_expression":
            fn = c.child_by_field_name("function")
            args = c.child_by_field_name("arguments")
            return _text(fn, data).rsplit(".", 1)[-1], [a for a in (args.named_children if args is not None else []) if a.type != "comment"]
        if c.type in ("identifier", "member_expression"):
            return _text(c, data).rsplit(".", 1)[-1], []
    return "", []


def _compiled_params(root: ts.Node, data: bytes, key: str) -> dict[int, tuple[str, list[ts.Node]]]:
    """`__decorate([Post('x'), __param(0, Body())], C.prototype, "m", null)` -> {0: ('Body', [])}
    for the method `C.m` of compiled NestJS."""
    cname, _, mname = key.rpartition(".")
    out: dict[int, tuple[str, list[ts.Node]]] = {}
    if not cname:
        return out
    for stmt in root.named_children[:20_000]:
        expr = stmt.named_children[0] if stmt.type == "expression_statement" and stmt.named_children else None
        if expr is None or expr.type != "call_expression" or not _text(expr.child_by_field_name("function"), data).rstrip(")").endswith("__decorate"):
            continue
        args_node = expr.child_by_field_name("arguments")
        args = [a for a in (args_node.named_children if args_node is not None else []) if a.type != "comment"]
        if len(args) < 3 or args[0].type != "array" or _text(args[1], data) != f"{cname}.prototype" or _string(args[2], data) != mname:
            continue
        for el in args[0].named_children:
            if el.type != "call_expression" or not _text(el.child_by_field_name("function"), data).endswith("__param"):
                continue
            pa = el.child_by_field_name("arguments")
            parts = [a for a in (pa.named_children if pa is not None else []) if a.type != "comment"]
            if len(parts) == 2 and parts[0].type == "number" and parts[1].type == "call_expression":
                fn = parts[1].child_by_field_name("function")
                inner = parts[1].child_by_field_name("arguments")
                # `(0, common_1.Body)('email')` in CommonJS output: the name without the comma-call's parenthesis.
                out[int(_text(parts[0], data))] = (_text(fn, data).rstrip(")").rsplit(".", 1)[-1], [a for a in (inner.named_children if inner is not None else []) if a.type != "comment"])
    return out


def _bind_param(names: _Names, name: str, deco: str, args: list[ts.Node], data: bytes, inputs: set[str]) -> None:
    """A NestJS parameter decorator: `@Body() dto`, `@Req() req`, `@CurrentUser() user`."""
    if deco in ("Req", "Request"):
        names.req.add(name)
    elif deco in ("Res", "Response"):
        names.res.add(name)
    elif deco in _NEST_PARTS:
        inputs.add(_NEST_PARTS[deco])
        field = _string(args[0], data) if args else None
        if field and deco in ("Body", "Query"):
            names.fields.add(field)  # `@Body('email') email`: that field alone
        else:
            names.parts[name] = _NEST_PARTS[deco]
    elif deco == "Headers":
        header = _string(args[0], data) if args else None
        inputs.add(f"headers:{header.lower()}" if header else "headers:*")
    elif "user" in deco.lower() or deco in ("Principal", "Identity", "Account", "Member"):
        names.principal.add(name)


def _analyse(fn: ts.Node, root: ts.Node, data: bytes, key: str, framework: str) -> RequestUse:
    names = _Names()
    inputs: set[str] = set()
    params = _param_names(fn.child_by_field_name("parameters") or fn.child_by_field_name("parameter"), data)
    compiled = _compiled_params(root, data, key) if framework == "nest" else {}
    for i, (name, pnode) in enumerate(params):
        decos = [_decorator_name(d, data) for d in pnode.children if d.type == "decorator"]
        if i in compiled:
            decos.append(compiled[i])
        if framework == "nest":
            for deco, args in decos:
                _bind_param(names, name, deco, args, data, inputs)
        elif i == 0 and name:
            (names.ctx if framework == "koa" else names.req).add(name)
        elif i == 0:
            _request_pattern(pnode, names, data)  # `({ session: { uid }, body }, res) => ...`
        elif i == 1 and name:
            names.res.add(name)
    body = fn.child_by_field_name("body")
    nodes = list(_walk(body)) if body is not None else []
    for _ in range(3):  # aliases of aliases: `const { remote_user } = req; const { name } = remote_user`
        before = (len(names.req), len(names.principal), len(names.principal_field))
        for n in nodes:
            if n.type == "variable_declarator":
                _declare(n, names, data, inputs)
        if (len(names.req), len(names.principal), len(names.principal_field)) == before:
            break
    escapes = deletes_own = signs_in = verifies = checks_secret = cookie_state = sets_state = False
    for n in nodes:
        if n.type == "shorthand_property_identifier" and names.parts.get(_text(n, data)) in ("body", "query"):
            names.whole = True  # `{ body }` handed on
        if n.type == "identifier" and _text(n, data) in names.req | names.ctx:
            parent = n.parent
            if parent is not None and parent.type in ("arguments", "spread_element", "return_statement", "array", "assignment_expression", "pair"):
                escapes = True
        elif n.type in ("member_expression", "subscript_expression", "call_expression", "identifier"):
            kind = _kind(n, names, data)
            parent = n.parent
            continued = parent is not None and parent.type in ("member_expression", "subscript_expression") and parent.child_by_field_name("object") == n
            cookie_state = cookie_state or kind in ("session", "principal", "principal_field", "part:cookies", "headers:cookie")
            if kind in ("part:body", "part:query"):
                _note_field(n, parent, continued, names, data)
            if n.type == "identifier":
                continue
            if kind.startswith("part:") and not continued:
                part = kind[5:]
                inputs.add("headers:*" if part == "headers" else part)
            elif kind.startswith("headers:"):
                inputs.add(kind)
            if n.type == "call_expression":
                deletes_own = deletes_own or _deletes_by_principal(n, names, data)
                callee = n.child_by_field_name("function")
                method = _text(callee.child_by_field_name("property") if callee is not None and callee.type == "member_expression" else callee, data)
                verifies = verifies or bool(_SIGNATURE_CALLS.match(method))
                checks_secret = checks_secret or bool(_CHECK_CALL.search(method))
                if callee is not None and callee.type == "member_expression":
                    on = _kind(callee.child_by_field_name("object"), names, data)
                    signs_in = signs_in or (on in ("req", "ctx") and method in _SIGN_IN_CALLS) or (on == "session" and method == "regenerate")
                    cookie_state = cookie_state or (on == "res" and method in ("cookie", "clearCookie")) or (on == "part:cookies" and method == "set")
                    cookie_state = cookie_state or (on in ("req", "ctx") and method in _SESSION_CALLS)
        elif n.type == "assignment_expression":
            left = n.child_by_field_name("left")
            if left is not None and left.type == "member_expression":
                on = _kind(left.child_by_field_name("object"), names, data)
                prop = _text(left.child_by_field_name("property"), data)
                right = _unwrap(n.child_by_field_name("right"))
                cleared = right is None or right.type in ("null", "undefined", "false") or _text(right, data) == "undefined"
                sets_state = sets_state or on in ("req", "ctx", "state")
                signs_in = signs_in or (on == "session" and not cleared and bool(_SESSION_SIGN_IN.match(prop)))
    # Signing someone in takes what they sent (a password, a code, a link's token) and checks
    # it; a handler refreshing the session copy of a profile it edited (`req.session.user =
    # updated` after reading `displayName`) does neither.
    fields = None if names.whole or escapes else frozenset(names.fields)
    secret_sent = fields is None or any(_SECRET_FIELD.search(f) for f in fields) or any(i.startswith("headers:") and i != "headers:cookie" for i in inputs)
    signs_in = signs_in and is_credential_input(frozenset(inputs)) and (secret_sent or checks_secret)
    cookie_state = cookie_state or signs_in or names.cookie or bool(inputs & _COOKIE_INPUTS)
    return RequestUse(frozenset(inputs), escapes, deletes_own, signs_in, verifies, names.reads_url, fields, cookie_state, sets_state)


def _note_field(n: ts.Node, parent: ts.Node | None, continued: bool, names: _Names, data: bytes) -> None:
    """Record the body/query field `n` reads, or that it uses the whole object."""
    if n.type == "member_expression":
        obj = n.child_by_field_name("object")
        if _kind(obj, names, data) in ("part:body", "part:query"):
            names.fields.add(_text(n.child_by_field_name("property"), data))  # `req.body.email`
        elif _is_part_root(n, names, data) and not continued:
            _whole_unless_aliased(n, parent, names)
        return
    if n.type == "subscript_expression":
        index = _string(n.child_by_field_name("index"), data)
        if index is None and _is_part_root(n.child_by_field_name("object"), names, data):
            names.whole = True  # `req.body[key]`: any field
        elif index is not None:
            names.fields.add(index)
        return
    if n.type == "identifier" and not continued:
        _whole_unless_aliased(n, parent, names)


def _is_part_root(node: ts.Node | None, names: _Names, data: bytes) -> bool:
    """`req.body`, `ctx.request.query`, or a local alias of one: the object, not a field."""
    node = _unwrap(node)
    if node is None:
        return False
    if node.type == "identifier":
        return _text(node, data) in names.parts
    if node.type == "member_expression":
        return _kind(node.child_by_field_name("object"), names, data) in ("req", "ctx") and _text(node.child_by_field_name("property"), data) in ("body", "query")
    return False


def _whole_unless_aliased(n: ts.Node, parent: ts.Node | None, names: _Names) -> None:
    """The body/query object itself: fine as a declaration's name or value (an alias or a
    destructuring, followed separately), anything else hands all its fields on."""
    if parent is not None and parent.type == "variable_declarator":
        return
    names.whole = True


def _walk(node: ts.Node) -> Iterator[ts.Node]:
    """Descendants in document order, not entering nested functions' parameters twice, bounded."""
    stack = [node]
    seen = 0
    while stack and seen < MAX_NODES:
        n = stack.pop()
        seen += 1
        yield n
        stack.extend(reversed(n.named_children))


def _unwrap(node: ts.Node | None) -> ts.Node | None:
    while node is not None and node.type in ("await_expression", "parenthesized_expression", "non_null_expression", "as_expression", "satisfies_expression"):
        node = node.named_children[0] if node.named_children else None
    return node


def _kind(node: ts.Node | None, names: _Names, data: bytes) -> str:
    """What an expression is: `req`, `state`, `session`, `principal`, `principal_field`,
    `part:<name>`, `headers:<name>`, or ''."""
    node = _unwrap(node)
    if node is None:
        return ""
    t = node.type
    if t == "identifier":
        name = _text(node, data)
        if name in names.req:
            return "req"
        if name in names.ctx:
            return "ctx"
        if name in names.res:
            return "res"
        if name in names.principal:
            return "principal"
        if name in names.principal_field:
            return "principal_field"
        if name in names.parts:
            return "part:" + names.parts[name]
        return ""
    if t in ("member_expression", "subscript_expression"):
        obj = node.child_by_field_name("object")
        if t == "member_expression":
            prop: str | None = _text(node.child_by_field_name("property"), data)
        else:
            prop = _string(node.child_by_field_name("index"), data)
        base = _kind(obj, names, data)
        if not base:
            return ""
        if base in ("req", "ctx") and prop in _URL_PROPS:
            names.reads_url = True
        if base == "req":
            if prop in _PRINCIPALS:
                return "principal"
            if prop in ("request", "req"):
                return "req"
            if prop in _SESSION_KEYS:
                return "session"
            if prop in ("state", "locals"):
                return "state"
            if prop in _PARTS:
                return "part:" + ("cookies" if prop == "signedCookies" else prop)
            return ""
        if base == "ctx":
            if prop in ("request", "req"):
                return "req"
            if prop in _SESSION_KEYS:
                return "session"
            if prop == "state":
                return "state"
            if prop in ("query", "params", "headers", "cookies", "files"):
                return "part:" + prop
            return ""
        if base == "res":
            return "state" if prop == "locals" else ""
        if base == "state":
            return "principal" if prop in _PRINCIPALS else ""
        if base == "session":
            if prop in ("userId", "user_id", "uid"):
                return "principal_field"
            return "principal" if prop in _SESSION_PRINCIPALS else ""
        if base in ("principal", "principal_field"):
            return "principal_field"
        if base == "part:headers":
            return f"headers:{prop.lower()}" if prop else "part:headers"
        if base.startswith(("part:", "headers:")):
            return base
        return ""
    if t == "call_expression":
        callee = node.child_by_field_name("function")
        if callee is not None and callee.type == "member_expression":
            method = _text(callee.child_by_field_name("property"), data)
            obj_kind = _kind(callee.child_by_field_name("object"), names, data)
            args = node.child_by_field_name("arguments")
            first = args.named_children[0] if args is not None and args.named_children else None
            if obj_kind in ("req", "ctx") and method in ("get", "header"):
                header = _string(first, data)
                return f"headers:{header.lower()}" if header else "part:headers"
            if obj_kind == "part:cookies" and method == "get":
                return "part:cookies"
            if obj_kind in ("principal", "principal_field") and method in ("toString", "toHexString", "valueOf", "trim", "toLowerCase"):
                return "principal_field"
        return ""
    if t == "template_string":
        kinds = {_kind(c.named_children[0] if c.named_children else None, names, data) for c in node.named_children if c.type == "template_substitution"}
        return "principal_field" if kinds & {"principal", "principal_field"} else ""
    return ""


_SESSION_KEYS = frozenset({"session", "sessionID", "sessionId"})
_SESSION_CALLS = frozenset({"login", "logIn", "logout", "logOut"})
"""passport's calls that start or end the cookie's session."""
_COOKIE_INPUTS = frozenset({"cookies", "signedCookies", "headers:cookie"})
_COOKIE_KEYS = _SESSION_KEYS | {"cookies", "signedCookies"}


def _request_pattern(param: ts.Node, names: _Names, data: bytes) -> None:
    """A handler's first parameter destructured: `({ session, user, body }, res)`."""
    pattern = param.child_by_field_name("pattern") if param.type in ("required_parameter", "optional_parameter") else param
    if pattern is not None and pattern.type == "assignment_pattern":
        pattern = pattern.child_by_field_name("left")
    if pattern is None or pattern.type != "object_pattern":
        return
    for c in pattern.named_children:
        if c.type == "shorthand_property_identifier_pattern":
            key = _text(c, data)
        elif c.type == "pair_pattern":
            key = _text(c.child_by_field_name("key"), data)
        elif c.type == "object_assignment_pattern":
            key = _text(c.child_by_field_name("left"), data)
        else:
            continue
        if key in _COOKIE_KEYS or key in _PRINCIPALS:
            names.cookie = True


def _declare(decl: ts.Node, names: _Names, data: bytes, inputs: set[str]) -> None:
    """`const user = req.user`, `const { name } = req.remote_user`, `const { body } = req`."""
    target = decl.child_by_field_name("name")
    kind = _kind(decl.child_by_field_name("value"), names, data)
    if target is None or not kind:
        return
    if target.type == "identifier":
        name = _text(target, data)
        if kind in ("req", "ctx"):
            (names.req if kind == "req" else names.ctx).add(name)
        elif kind == "principal":
            names.principal.add(name)
        elif kind == "principal_field":
            names.principal_field.add(name)
        elif kind.startswith("part:"):
            names.parts[name] = kind[5:]
            inputs.add("headers:*" if kind == "part:headers" else kind[5:])
        return
    if target.type != "object_pattern":
        return
    for c in target.named_children:
        if c.type == "shorthand_property_identifier_pattern":
            key = local = _text(c, data)
        elif c.type == "pair_pattern":
            key = _text(c.child_by_field_name("key"), data)
            value = c.child_by_field_name("value")
            if value is not None and value.type == "assignment_pattern":
                value = value.child_by_field_name("left")
            if value is not None and value.type == "object_pattern" and kind == "req" and key in _PARTS:
                inputs.add("headers:*" if key == "headers" else key)  # `const { params: { id } } = req`
                if key in ("body", "query"):
                    _pattern_fields(value, names, data)
                continue
            local = _text(value, data) if value is not None and value.type == "identifier" else ""
        elif c.type == "object_assignment_pattern":
            left = c.child_by_field_name("left")
            key = local = _text(left, data) if left is not None else ""
        else:
            if c.type == "rest_pattern" and kind in ("part:body", "part:query"):
                names.whole = True  # `const { a, ...rest } = req.body`
            continue
        if kind in ("req", "ctx") and key in _COOKIE_KEYS:
            names.cookie = True  # `const { session } = req`, `const { signedCookies: { cart } } = req`
        if not local:
            continue
        if kind == "req":
            if key in _PRINCIPALS:
                names.principal.add(local)
            elif key in ("request", "req"):
                names.req.add(local)
            elif key in _PARTS:
                part = "cookies" if key == "signedCookies" else key
                names.parts[local] = part
                inputs.add("headers:*" if part == "headers" else part)
        elif kind == "ctx":
            if key in ("request", "req"):
                names.req.add(local)
            elif key in ("query", "params", "headers", "cookies", "files"):
                names.parts[local] = key
                inputs.add("headers:*" if key == "headers" else key)
        elif kind == "state" and key in _PRINCIPALS:
            names.principal.add(local)
        elif kind in ("principal", "principal_field"):
            names.principal_field.add(local)
        elif kind == "part:headers":
            inputs.add(f"headers:{key.lower()}")
        elif kind in ("part:body", "part:query"):
            names.fields.add(key.strip("'\""))


def _pattern_fields(pattern: ts.Node, names: _Names, data: bytes) -> None:
    """`{ email, password: pw, ...rest }` destructured from a body: its keys are fields read."""
    for c in pattern.named_children:
        if c.type == "shorthand_property_identifier_pattern":
            names.fields.add(_text(c, data))
        elif c.type == "pair_pattern":
            names.fields.add(_text(c.child_by_field_name("key"), data).strip("'\""))
        elif c.type == "object_assignment_pattern":
            names.fields.add(_text(c.child_by_field_name("left"), data))
        elif c.type == "rest_pattern":
            names.whole = True


def _deletes_by_principal(call: ts.Node, names: _Names, data: bytes) -> bool:
    """`storage.deleteToken(user.name, key)`, `Note.deleteMany({ owner: req.user.id })`: a
    delete whose key (a positional argument before any the request chooses, or a filter
    field not under an audit key such as `context`) is the signed-in principal."""
    callee = call.child_by_field_name("function")
    if callee is None:
        return False
    name = _text(callee.child_by_field_name("property") if callee.type == "member_expression" else callee, data)
    if not _DESTROY.match(name):
        return False
    args = call.child_by_field_name("arguments")
    for a in args.named_children if args is not None else ():
        if _keyed_by_principal(a, names, data, 0):
            return True
        if _kind(a, names, data).startswith("part:"):
            # `deleteUser(req.params.id, req.user.id)`: the request names the record first; the
            # principal after it is the acting user (an audit trail), not the scope.
            return False
    return False


def _keyed_by_principal(node: ts.Node, names: _Names, data: bytes, depth: int) -> bool:
    if depth > 4:
        return False
    if _kind(node, names, data) in ("principal", "principal_field"):
        return True
    if node.type == "object":
        for c in node.named_children:
            if c.type == "pair":
                key = _text(c.child_by_field_name("key"), data).strip("'\"")
                value = c.child_by_field_name("value")
                if value is not None and not _ACTOR_KEYS.search(key) and _keyed_by_principal(value, names, data, depth + 1):
                    return True
            elif c.type == "shorthand_property_identifier" and _text(c, data) in names.principal_field | names.principal:
                return True
    if node.type == "array":
        return any(_keyed_by_principal(c, names, data, depth + 1) for c in node.named_children)
    return False


# ---------------------------------------------------------------- lock-outs behind a handler
_TOO_MANY = re.compile(r"TooManyRequests|TOO_MANY_REQUESTS|ThrottlerException|RateLimitExceeded|LockedOut", re.I)
MAX_HOPS = 3
"""Calls followed from a handler to find the 429 a service answers (controller -> service ->
the service's own helper)."""
MAX_FILE_NODES = 400_000


def _answers_429(fn: ts.Node, data: bytes) -> bool:
    """`res.status(429)`, `new HttpException(msg, 429)`, `err.status = 429`,
    `HttpStatus.TOO_MANY_REQUESTS`, `new TooManyRequestsException()`."""
    for n in _walk(fn):
        if n.type == "number" and _text(n, data) == "429":
            parent = n.parent
            if parent is not None and parent.type in ("arguments", "assignment_expression", "pair"):
                return True
        elif n.type in ("identifier", "property_identifier") and _TOO_MANY.search(_text(n, data)):
            return True
    return False


def _enclosing_class(node: ts.Node) -> ts.Node | None:
    cur = node.parent
    while cur is not None:
        if cur.type in ("class_declaration", "class", "abstract_class_declaration"):
            return cur
        cur = cur.parent
    return None


def _class_name(cls: ts.Node, data: bytes) -> str:
    name = cls.child_by_field_name("name")
    return _text(name, data) if name is not None else ""


def _method(cls: ts.Node, name: str, data: bytes) -> ts.Node | None:
    body = cls.child_by_field_name("body")
    for m in body.named_children if body is not None else []:
        if m.type == "method_definition" and _text(m.child_by_field_name("name"), data) == name:
            return m
    return None


def _field_types(cls: ts.Node, root: ts.Node, data: bytes) -> dict[str, str]:
    """Injected services of a class: field -> class name, from TypeScript parameter properties
    (`constructor(private readonly auth: AuthService)`) or, in `tsc` output, from the
    constructor's `this.auth = auth` and the class's `design:paramtypes` metadata."""
    out: dict[str, str] = {}
    ctor = _method(cls, "constructor", data)
    if ctor is None:
        return out
    plist = ctor.child_by_field_name("parameters")
    params = [p for p in (plist.named_children if plist is not None else []) if p.type != "comment"]
    names: list[str] = []
    for p in params:
        pattern = p.child_by_field_name("pattern") if p.type in ("required_parameter", "optional_parameter") else p
        pname = _text(pattern, data) if pattern is not None and pattern.type == "identifier" else ""
        names.append(pname)
        ann = p.child_by_field_name("type") if p.type in ("required_parameter", "optional_parameter") else None
        if ann is not None and pname:
            out[pname] = _text(ann, data).lstrip(":").strip()
    if out:
        return out
    body = ctor.child_by_field_name("body")
    assigned: dict[str, str] = {}
    for stmt in body.named_children if body is not None else []:
        expr = stmt.named_children[0] if stmt.type == "expression_statement" and stmt.named_children else None
        if expr is not None and expr.type == "assignment_expression":
            left, right = expr.child_by_field_name("left"), expr.child_by_field_name("right")
            if left is not None and left.type == "member_expression" and _text(left.child_by_field_name("object"), data) == "this" and right is not None and right.type == "identifier":
                assigned[_text(right, data)] = _text(left.child_by_field_name("property"), data)
    cname = _class_name(cls, data)
    for stmt in root.named_children[:20_000]:
        text = _text(stmt, data)
        if "design:paramtypes" not in text or cname not in text or "__decorate" not in text:
            continue
        for n in _walk(stmt):
            if n.type == "call_expression" and _text(n.child_by_field_name("function"), data).endswith("__metadata"):
                args = n.child_by_field_name("arguments")
                items = [a for a in (args.named_children if args is not None else []) if a.type != "comment"]
                if len(items) == 2 and _string(items[0], data) == "design:paramtypes" and items[1].type == "array":
                    if n.parent is not None and n.parent.type == "array" and n.parent.parent is not None:
                        call = n.parent.parent.parent
                        call_args = call.child_by_field_name("arguments") if call is not None else None
                        if call_args is None or len(call_args.named_children) != 2:
                            continue  # a method's metadata, not the class's
                    types = [_text(t, data) for t in items[1].named_children]
                    for i, pname in enumerate(names):
                        if pname in assigned and i < len(types):
                            out[assigned[pname]] = types[i]
                    return out
    return out


def _imports(root: ts.Node, data: bytes) -> dict[str, tuple[str, str]]:
    """Local name -> (specifier, imported member or `*`), from `import` and `require()`."""
    out: dict[str, tuple[str, str]] = {}
    for stmt in root.named_children[:20_000]:
        if stmt.type == "import_statement":
            spec = _string(stmt.child_by_field_name("source"), data)
            clause = next((c for c in stmt.named_children if c.type == "import_clause"), None)
            if spec is None or clause is None:
                continue
            for c in clause.named_children:
                if c.type == "identifier":
                    out[_text(c, data)] = (spec, "default")
                elif c.type == "namespace_import":
                    ident = next((i for i in c.named_children if i.type == "identifier"), None)
                    if ident is not None:
                        out[_text(ident, data)] = (spec, "*")
                elif c.type == "named_imports":
                    for s in c.named_children:
                        if s.type == "import_specifier":
                            name, alias = s.child_by_field_name("name"), s.child_by_field_name("alias")
                            out[_text(alias or name, data)] = (spec, _text(name, data))
        elif stmt.type in ("lexical_declaration", "variable_declaration"):
            for d in stmt.named_children:
                value = d.child_by_field_name("value") if d.type == "variable_declarator" else None
                if value is None or value.type != "call_expression" or _text(value.child_by_field_name("function"), data) != "require":
                    continue
                args = value.child_by_field_name("arguments")
                spec = _string(args.named_children[0], data) if args is not None and args.named_children else None
                target = d.child_by_field_name("name")
                if spec is None or target is None:
                    continue
                if target.type == "identifier":
                    out[_text(target, data)] = (spec, "*")
                elif target.type == "object_pattern":
                    for c in target.named_children:
                        if c.type == "shorthand_property_identifier_pattern":
                            out[_text(c, data)] = (spec, _text(c, data))
    return out


def _file_index(root: ts.Node, data: bytes) -> tuple[dict[str, ts.Node], dict[str, ts.Node]]:
    """(functions, classes) of a file by name, from one bounded walk: declarations,
    `const name = () => {}`, `exports.name = function`, `{ name() {} }`, class methods; the
    first of a name wins."""
    functions: dict[str, ts.Node] = {}
    classes: dict[str, ts.Node] = {}
    stack = [root]
    for _ in range(MAX_FILE_NODES):
        if not stack:
            break
        n = stack.pop()
        if n.type in ("class_declaration", "class", "abstract_class_declaration"):
            classes.setdefault(_class_name(n, data), n)
        elif n.type in ("function_declaration", "generator_function_declaration", "method_definition"):
            functions.setdefault(_text(n.child_by_field_name("name"), data), n)
        elif n.type in ("variable_declarator", "pair", "assignment_expression"):
            key = n.child_by_field_name("name") or n.child_by_field_name("key") or n.child_by_field_name("left")
            value = n.child_by_field_name("value") or n.child_by_field_name("right")
            if key is not None and value is not None and value.type in FUNCTION_TYPES:
                functions.setdefault(_text(key, data).rsplit(".", 1)[-1], value)
        stack.extend(reversed(n.named_children))
    return functions, classes


def _unless_patterns(options: ts.Node | None, data: bytes) -> list[tuple[str, str]] | None:
    """`{ path: ['/login', /^\\/public/, { url: '/x', methods: ['POST'] }] }` ->
    [('str', '/login'), ('re', '^\\/public'), ('str', '/x')]; None when not literal."""
    if options is None or options.type != "object":
        return None
    out: list[tuple[str, str]] = []
    for pair in options.named_children:
        if pair.type != "pair" or _text(pair.child_by_field_name("key"), data).strip("'\"") not in ("path", "url"):
            continue
        value = pair.child_by_field_name("value")
        items = value.named_children if value is not None and value.type == "array" else [value]
        for item in items:
            if item is not None and item.type == "object":
                url = next((c.child_by_field_name("value") for c in item.named_children if c.type == "pair" and _text(c.child_by_field_name("key"), data).strip("'\"") == "url"), None)
                item = url
            text = _string(item, data)
            if text is not None:
                out.append(("str", text))
            elif item is not None and item.type == "regex":
                out.append(("re", _text(item.child_by_field_name("pattern"), data)))
            else:
                return None
    return out


def _path_matches(pattern: tuple[str, str], route_path: str) -> bool:
    kind, text = pattern
    if kind == "str":
        return text.rstrip("/") == route_path.rstrip("/")
    try:
        return re.search(text, route_path) is not None
    except re.error:
        return True
