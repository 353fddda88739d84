"""The route table: apps and routers linked across files, with each route's middleware chain.

Nodes are app/router instances (`("inst", file, name)`), parameters of
functions that receive an app (`("param", file, function, index)`: `module.exports
= (app) => {...}` and Fastify plugins) and NestJS controllers.  Registrations
attach to nodes; a call that passes an app to such a function merges the
function's registrations in at the call's position; `use('/p', router)` mounts a
child node under a prefix.  Walking from each app in registration order gives
every route its full path and the ordered chain of global, router-level and
route-level middleware, each classified.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from nodeward.analysis.frameworks import HTTP_METHODS
from nodeward.analysis.ir import CallEvent, FileFacts, FuncFacts, MwRef, RouteReg
from nodeward.analysis.middleware import PROTECTIONS, classify_qn
from nodeward.analysis.route_helpers import ClassRoutes, instantiate, is_template, stamp

__all__ = ["AppInfo", "AppModel", "Middleware", "Route", "build_app_model"]

MAX_MOUNT_DEPTH = 16

Node = tuple[str, ...]
FuncRef = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Middleware:
    """One middleware of a route's chain, with what it protects and where it is registered."""
    name: str
    categories: tuple[str, ...]
    """Any of authentication, authorization, validation, rate_limit, csrf, helmet, session,
    body_parser, cors, static, error_handler; empty when nothing is known about it."""
    path: str
    line: int
    scope: str
    """global (app level), router (mounting router's level) or route (the route's own arguments) or handler."""
    evidence: str = ""
    option: str = ""
    ref: FuncRef | None = None
    """The project function that runs (for request data it stores in `res.locals`/`ctx.state`)."""
    factory: FuncRef | None = None
    """The project function that built this middleware (`needsPermission('x')` returning
    `passport.authenticate(...)`), when the middleware is what it returns."""


@dataclass(frozen=True, slots=True)
class Route:
    """One HTTP route: method, full path, handler, ordered middleware and the protections found."""
    method: str
    path: str
    file: str
    line: int
    handler: str
    handler_ref: FuncRef | None
    middleware: tuple[Middleware, ...]
    protections: Mapping[str, Middleware | None]
    framework: str
    app: str
    """`file:line` of the app (or router when never mounted) the route hangs off."""
    mounted: bool = True
    reg_file: str = ""
    """Where the route is registered (`router.post(...)`), for findings about the route."""
    reg_line: int = 0
    reg_col: int = 0
    snippet: str = ""


@dataclass(frozen=True, slots=True)
class AppInfo:
    """Per-app facts the configuration rules judge (global middleware, error handler, x-powered-by)."""
    kind: str
    path: str
    line: int
    col: int
    snippet: str
    global_middleware: tuple[Middleware, ...]
    has_error_handler: bool
    powered_by_disabled: bool
    body_limits: tuple[Middleware, ...]
    mounted: bool = False
    """The app is mounted into another app (`parent.use('/admin', adminApp)`): requests reach it
    through the parent's middleware, so headers the parent sets are already on its responses."""
    listens: bool = False
    """The app serves requests itself: `app.listen(...)` (also inside a project function it is
    passed to) or `http.createServer(app)`.  A root of an app tree."""
    escapes: bool = False
    """The app's value leaves the code that builds it (returned by a factory, exported, passed to
    a project function): other project code decides where it is served or mounted."""
    empty: bool = False
    """Nothing is registered on the app (no middleware, route or mount): it answers every request
    with Express's built-in 404."""
    name: str = ""
    """The variable the app is bound to where it is created."""
    server_arg: bool = False
    """The app is handed to `http(s).createServer(app)` (a server it may share with an upgrade
    server: WebSocket, LiveQuery), rather than (or besides) calling `listen` itself."""


@dataclass
class AppModel:
    """Every route and app of a project."""
    routes: list[Route] = field(default_factory=list)
    apps: list[AppInfo] = field(default_factory=list)
    listen_sites: list[tuple[str, bool]] = field(default_factory=list)
    """Where the project starts a server, with whether the call is tied to an app of the model:
    `listen(...)` on an app or on a function parameter (tied when an app is seen passed to it),
    `http(s).createServer(app)`, and (added by the linker, untied) a `.listen(...)` or
    `createServer(...)` in a module that loads an app.  When there is none outside test files,
    the project's apps are built for embedding into someone else's server."""


_NAME_HINTS = (
    (re.compile(r"csrf|xsrf", re.I), "csrf"),
    (re.compile(r"rate.?limit|limiter|throttl|brute|slow.?down", re.I), "rate_limit"),
    (re.compile(r"valid|schema|sanitiz", re.I), "validation"),
    (re.compile(r"role|admin|permission|authori[sz]|acl|policy|can[A-Z]|isOwner|ability", re.I), "authorization"),
    # `can('unpublish')`, `allow('publish')`, `permit('admin')`: a permission-check factory
    # called with the action it allows (CASL, verdaccio-style `allow(auth)` builders).
    (re.compile(r"^(?:\w+\.)*(?:can|allow|permit|authorize)\(\s*['\"`]"), "authorization"),
    (re.compile(r"auth|login|logged|jwt|session|token|passport|verify", re.I), "authentication"),
)


def _guard_categories(fn: FuncFacts) -> tuple[str, ...]:
    """The protections a function's own body provides (see `GuardInfo`)."""
    g = fn.guard
    if g is None:
        return ()
    return tuple(cat for cat, on in (("authentication", g.authentication), ("authorization", g.authorization), ("validation", g.validation), ("rate_limit", g.rate_limit), ("csrf", g.csrf)) if on)


def _framework(kind: str) -> str:
    return kind.split("-", 1)[0] if kind else "express"


class _Builder:
    def __init__(
        self,
        facts: Mapping[str, FileFacts],
        resolve_import: Callable[[str, str], str | None],
        resolve_callee: Callable[[str, tuple[str, str, str]], FuncRef | None],
        resolve_handler: Callable[[str, tuple[str, str, str]], FuncRef | None] | None = None,
    ) -> None:
        self.facts = facts
        self.resolve_import = resolve_import
        self.resolve_callee = resolve_callee
        self.resolve_handler = resolve_handler or resolve_callee
        """Like `resolve_callee`, but may walk a skipped file: only for a route's handler and
        middleware, so indexing app-passing calls never spends the on-demand budget."""
        self.entries: dict[Node, list[tuple[tuple[int, int, int], str, RouteReg]]] = {}
        self.aliases: dict[Node, list[tuple[Node, int]]] = {}
        """param node -> [(target node, call line)]"""
        self.mounted: set[Node] = set()
        self.passed_to: dict[Node, list[tuple[Node, int]]] = {}
        """app/router node -> [(param node of a function it is passed to, call line)]"""
        self._resolved: dict[Node, list[tuple[tuple[int, int, int], str, RouteReg]]] = {}
        self.wrapped: dict[tuple[str, int, int], list[Node]] = {}
        """(file, line, col) of a call -> the apps/routers passed to it (`vhost(host, subApp)`)."""
        self.server_args: dict[Node, str] = {}
        """Apps handed to `http(s).createServer(...)` (they serve requests) -> file of the call."""
        self.handed: set[Node] = set()
        """Apps passed to project functions (resolved or not)."""
        self.listen_sites: list[tuple[Node, str]] = []
        """Receivers of `listen(...)` calls, with the file of the call."""
        self.bindings: dict[tuple[Node, Node, int], tuple[str, CallEvent]] = {}
        """(app/router, param node of a helper, call line) -> (file, call): what the call passes
        to the helper's other parameters (`register(router, 'post', '/x', handler)`)."""
        self.classes = ClassRoutes(facts, self.resolve_handler)
        self._class_cache: dict[Node, list[tuple[tuple[int, int, int], str, RouteReg]]] = {}

    # ------------------------------------------------------------ nodes
    def node_for(self, path: str, recv: tuple[str, str, str]) -> Node | None:
        """The graph node a registration's receiver stands for, or None."""
        kind, a, b = recv
        if kind == "inst":
            return ("inst", path, a)
        if kind == "param":
            return ("param", path, a, b)
        if kind == "nest":
            return ("nest", path, a)
        if kind == "import":
            # Registrations on an imported binding count only when it is an app or router.
            node = self.import_node(path, a, b or "default")
            return node if node is not None and node[0] == "inst" else None
        if kind == "ret":
            # `const app = createApp()`: the app/router the factory creates and returns.
            target = self.resolve_callee(path, ("import", a, b) if a else ("local", "", b))
            if target is None or target[0] == "?":
                return None
            tf = self.facts.get(target[0])
            fn = tf.functions.get(target[1]) if tf is not None else None
            if fn is not None and tf is not None and fn.returns_instance in tf.instances:
                return ("inst", target[0], fn.returns_instance)
            return None
        return None

    def import_node(self, path: str, spec: str, member: str, depth: int = 0) -> Node | None:
        """The app/router (or function) an imported binding resolves to, following re-exports."""
        target = self.resolve_import(spec, path)
        if target is None or depth > 8:
            return None
        ff = self.facts.get(target)
        if ff is None:
            return None
        name = member.split(".", 1)[0] or "default"
        exp = ff.exports.get(name)
        if exp is None:
            return None
        if exp.kind == "reexport":
            return self.import_node(target, exp.a, exp.b, depth + 1)
        if exp.a in ff.instances:
            return ("inst", target, exp.a)
        rest = member.split(".", 1)[1] if "." in member else ""
        if rest and f"{exp.a}.{rest}" in ff.instances:
            return ("inst", target, f"{exp.a}.{rest}")  # new UserRoutes().router
        if exp.a in ff.functions:
            return ("func", target, exp.a)
        return None

    def collect(self) -> None:
        """Index every registration by node, and every call that passes an app to a function.

        A project function an app is passed to (`start(app)`, `mountPlugins(app)`) is walked on
        demand when the workers skipped it (it may hold nothing else of interest but
        `app.listen(port)`); the files so walked are indexed in a further round."""
        done: dict[str, FileFacts] = {}
        for _round in range(4):
            todo = [(p, ff) for p, ff in list(self.facts.items()) if done.get(p) is not ff]
            if not todo:
                break
            for path, ff in todo:
                done[path] = ff
                self._collect_file(path, ff)

    def _collect_file(self, path: str, ff: FileFacts) -> None:
        for reg in ff.routes:
            node = self.node_for(path, reg.recv)
            if node is None:
                continue
            if reg.method == "listen":
                self.listen_sites.append((node, path))
            # Registrations on a factory's returned app come after the factory's own.
            line = reg.line + (1 << 30 if reg.recv[0] == "ret" else 0)
            self.entries.setdefault(node, []).append(((line, 0, reg.order), path, reg))
        for fn in ff.functions.values():
            for call in fn.calls:
                if not any(call.arg_recv):
                    continue
                passed = [n for n in (self.node_for(path, r) for r in call.arg_recv if r is not None) if n is not None and n[0] == "inst"]
                if passed:
                    self.wrapped.setdefault((path, call.step.line, call.step.col), []).extend(passed)
                    if _is_server_constructor(call.callee):
                        for n in passed:
                            self.server_args.setdefault(n, path)
                    if call.callee[0] == "local" or call.callee[1].startswith((".", "/")):
                        self.handed.update(passed)
                target = self.resolve_callee(path, call.callee)
                if target is None or target[0] == "?":
                    target = self.resolve_handler(path, call.callee) if passed else None
                if target is None or target[0] == "?":
                    continue
                for i, r in enumerate(call.arg_recv):
                    if r is None:
                        continue
                    src = self.node_for(path, r)
                    if src is None:
                        continue
                    param_node = ("param", target[0], target[1], str(i))
                    self.aliases.setdefault(param_node, []).append((src, call.step.line))
                    self.passed_to.setdefault(src, []).append((param_node, call.step.line))
                    if call.arg_consts:
                        self.bindings[(src, param_node, call.step.line)] = (path, call)
        for fn in ff.functions.values():
            for call in fn.calls:
                if call.arg_consts and not any(call.arg_recv):
                    for rfile, (key, rpath, reg) in self.classes.function_call(path, call, self.resolve_callee):
                        node = self.node_for(rfile, reg.recv)
                        if node is not None:
                            known = self.entries.setdefault(node, [])
                            if (key, rpath, reg) not in known:  # one registration, however many calls lead to it
                                known.append((key, rpath, reg))

    def escapes(self, node: Node) -> bool:
        """Whether an app's value leaves the code that builds it: exported, returned by a
        factory, passed to a project function (`start(app)`, `mountAll(app)`)."""
        if node in self.passed_to or node in self.handed:
            return True
        ff = self.facts.get(node[1])
        if ff is None or node[0] != "inst":
            return False
        name = node[2]
        if any(exp.kind == "local" and (exp.a == name or exp.a.startswith(name + ".")) for exp in ff.exports.values()):
            return True
        return any(fn.returns_instance == name for fn in ff.functions.values())

    def resolved_entries(self, node: Node, depth: int = 0) -> list[tuple[tuple[int, int, int], str, RouteReg]]:
        """A node's registrations plus those of functions it was passed to, in order."""
        cached = self._resolved.get(node)
        if cached is not None:
            return cached
        out = list(self.entries.get(node, ()))
        out.extend(self.class_entries(node))
        if depth <= MAX_MOUNT_DEPTH:
            for param_node, call_line in self.passed_to.get(node, ()):
                bound = self.bindings.get((node, param_node, call_line))
                for key, path, reg in self.resolved_entries(param_node, depth + 1):
                    if bound is not None and is_template(reg):
                        # A helper's registration filled in with what this call passes.
                        cfile, call = bound
                        got = instantiate(reg, stamp(call.arg_consts, cfile), path, cfile, self.classes.returns)
                        if got is None:
                            continue
                        reg, supplied = got
                        if supplied:
                            reg = replace(reg, line=call.step.line, col=call.step.col, snippet=call.step.snippet or reg.snippet)
                            path = cfile
                    out.append(((call_line, key[0], key[2]), path, reg))
        out.sort(key=lambda e: e[0])
        if depth == 0:
            self._resolved[node] = out
        return out

    def class_entries(self, node: Node) -> list[tuple[tuple[int, int, int], str, RouteReg]]:
        """Registrations a class-owned router gets through the class's helper methods
        (`this.route({...})` in a constructor, a base class's `route` doing the registering);
        for an inherited router (`("this", file, class)`), also the constructors' own."""
        cached = self._class_cache.get(node)
        if cached is not None:
            return cached
        out: list[tuple[tuple[int, int, int], str, RouteReg]] = []
        if node[0] == "this":
            out = self.classes.entries(node[1], node[2], True)
        elif node[0] == "inst" and "." in node[2]:
            ff = self.facts.get(node[1])
            cls = node[2].split(".", 1)[0]
            if ff is not None and cls in ff.functions and any(c.arg_consts for fn in ff.functions.values() if fn.key.startswith(cls + ".") for c in fn.calls):
                out = [e for e in self.classes.entries(node[1], cls, False) if e[2].recv == ("inst", node[2], "")]
        self._class_cache[node] = out
        return out

    def expand_classes(self) -> None:
        """Expand every class-owned router's helper calls up front, so the helpers they fill in
        are known (`ClassRoutes.expanded`) before any router is walked."""
        for path, ff in list(self.facts.items()):
            for name, fn in list(ff.functions.items()):
                if fn.extends is not None:
                    self.class_entries(("this", path, name))
            for name in list(ff.instances):
                if "." in name:
                    self.class_entries(("inst", path, name))

    def class_router(self, path: str, ref: MwRef) -> Node | None:
        """`new FeatureController(config).router` where the router is inherited (a base class
        creates `this.app = Router()`, a getter returns it): that instance's router node."""
        if ref.kind not in ("local", "import") or "." not in ref.name:
            return None
        cls, _, fld = ref.name.rpartition(".")
        if "." in cls:
            return None
        if ref.kind == "local":
            ff = self.facts.get(path)
            target: FuncRef | None = (path, cls) if ff is not None and cls in ff.functions else None
        else:
            target = self.resolve_handler(path, ("import", ref.spec, cls))
        if target is None or target[0] == "?" or target[0] not in self.facts:
            return None
        chain = self.classes.chain(target[0], target[1])
        if len(chain) < 2 or not self.classes.router_field(chain, fld):
            return None
        return ("this", target[0], target[1])

    # ------------------------------------------------------------ classification
    def function_of(self, path: str, ref: MwRef) -> FuncFacts | None:
        """The function facts behind a middleware reference (factories yield the function they return)."""
        found = self.located_function(path, ref)
        return found[1] if found is not None else None

    def _error_handler_arg(self, path: str, ref: MwRef) -> bool:
        """An `(err, req, res, next)` function: its facts when resolved (`Function.length` 4,
        as Express counts: a defaulted fourth parameter makes a handler), else its parameters."""
        fn = self.function_of(path, ref) if ref.kind in ("local", "import", "inline") else None
        if fn is not None:
            return fn.error_handler
        return ref.nparams == 4

    def located_function(self, path: str, ref: MwRef) -> tuple[FuncRef, FuncFacts] | None:
        """`function_of` with the (file, key) of the function found."""
        path = ref.file or path
        ff = self.facts.get(path)
        if ff is None:
            return None
        if ref.kind in ("inline", "local"):
            fn = ff.functions.get(ref.name)
            if fn is None:
                return None
            return (path, fn.key), fn
        if ref.kind == "import":
            target = self.resolve_handler(path, ("import", ref.spec, ref.name or "default"))
        elif ref.kind == "call" and ref.name:
            target = self.resolve_handler(path, ("import", ref.spec, ref.name) if ref.spec else ("local", "", ref.name))
        else:
            return None
        if target is None or target[0] == "?":
            return None
        tf = self.facts.get(target[0])
        fn = tf.functions.get(target[1]) if tf is not None else None
        if fn is not None and ref.kind == "call" and fn.returns_function and tf is not None:
            inner = tf.functions.get(fn.returns_function)
            if inner is not None:
                return (target[0], inner.key), inner
        return ((target[0], fn.key), fn) if fn is not None else None

    def classify(self, path: str, ref: MwRef, scope: str) -> list[Middleware]:
        """What a middleware protects: package tables first, then its body, then its name."""
        path = ref.file or path
        name = ref.shown or ref.text
        if ref.category:
            return [Middleware(name, (ref.category,), path, ref.line, scope, f"`{ref.qn or ref.text}`", ref.option)]
        found = self.located_function(path, ref)
        fref, fn = found if found is not None else (None, None)
        if fn is not None and fn.returns_middleware and ref.kind == "call":
            # `limit(10)` where `limit = (max) => rateLimit({ max })`: the package it builds.
            cat = classify_qn(fn.returns_middleware)
            # `return passport.authenticate(...)(req, res, () => { if (!hasPermission(...)) ... })`:
            # the package authenticates, the function's own checks authorize.
            cats = (cat, *(c for c in _guard_categories(fn) if c != cat))
            return [Middleware(name, cats, path, ref.line, scope, f"returns `{fn.returns_middleware}`", factory=fref)]
        if fn is not None:
            g = fn.guard
            if g is not None:
                fname = fn.name if not fn.name.startswith("@") else ref.text
                where = f"{fname} ({g.evidence})" if g.evidence else fname
                cats = tuple(cat for cat, on in (("authentication", g.authentication), ("authorization", g.authorization), ("validation", g.validation), ("rate_limit", g.rate_limit), ("csrf", g.csrf), ("helmet", g.security_headers >= 2)) if on)
                if cats:
                    return [Middleware(name, cats, path, ref.line, scope, f"custom middleware {where}", ref=fref)]
            return [Middleware(name, ("error_handler",) if fn.error_handler else (), path, ref.line, scope, "", ref=fref)]
        if ref.kind in ("import", "call", "value") and ref.text:
            for rx, cat in _NAME_HINTS:
                if rx.search(ref.text):
                    return [Middleware(name, (cat,), path, ref.line, scope, f"by name `{ref.text}` (body not analysed)")]
        return [Middleware(name, ("error_handler",) if ref.nparams == 4 else (), path, ref.line, scope, "")]

    # ------------------------------------------------------------ traversal
    def child_node(self, path: str, ref: MwRef) -> Node | None:
        """The router a `use()` argument mounts, or None when it is plain middleware."""
        path = ref.file or path
        if ref.kind == "inst" and ref.recv is not None:
            return self.node_for(path, ref.recv)
        if ref.kind == "import":
            node = self.import_node(path, ref.spec, ref.name or "default")
            if node is not None and node[0] == "inst":
                return node
        if ref.kind == "local" and path in self.facts and ref.name in self.facts[path].instances:
            return ("inst", path, ref.name)  # a class-owned router of this file
        inherited = self.class_router(path, ref)
        if inherited is not None:
            return inherited
        if ref.kind == "call" and ref.name and not ref.category:
            # A router factory: `app.use('/users', makeUsers(db))` mounts the router it returns.
            # Resolved like a handler (may read a file the workers skipped): a factory is often
            # reached through an index file that only re-exports it (`module.exports = require('./app')`).
            target = self.resolve_handler(path, ("import", ref.spec, ref.name) if ref.spec else ("local", "", ref.name))
            if target is not None and target[0] != "?":
                tf = self.facts.get(target[0])
                fn = tf.functions.get(target[1]) if tf is not None else None
                if fn is not None and fn.returns_instance and tf is not None and fn.returns_instance in tf.instances:
                    return ("inst", target[0], fn.returns_instance)
        if ref.kind == "call" and not ref.category:
            # A mount helper: `app.use(vhost('api.example.com', apiApp))`, `app.use(mount('/x', sub))`
            # (a package or project function handed the sub-app): requests reach `apiApp`
            # through it, below everything `app` registered before.
            for node in self.wrapped.get((path, ref.line, ref.col), ()):
                inst = self.facts[node[1]].instances.get(node[2]) if node[1] in self.facts else None
                if inst is not None and inst.kind in ("express-app", "express-router"):
                    return node
        return None

    def walk(self, node: Node, prefix: str, chain: list[tuple[str, Middleware]], model: AppModel, app: str, framework: str, stack: tuple[Node, ...], mounted: bool) -> list[tuple[str, Middleware]]:
        """Emit the node's routes; returns the middleware it added at its own level."""
        if node in stack or len(stack) > MAX_MOUNT_DEPTH:
            return []
        local: list[tuple[str, Middleware]] = []
        mounted_here: set[tuple[Node, str]] = set()
        """(child, prefix) mounts already walked from this node: one registration reached through
        several calls of a project helper is one mount."""
        scope = "global" if not stack else "router"
        if node[0] == "inst" and stack:
            inst = self.facts[node[1]].instances.get(node[2])
            if inst is not None and inst.prefix:
                prefix = _join(prefix, inst.prefix)
        for _key, path, reg in self.resolved_entries(node):
            method = reg.method
            if method in ("disable", "set", "enable"):
                continue
            if reg.recv[0] in ("inst", "thisfield") and (path, reg.func) in self.classes.expanded and any(part != "method" for part, _slot in reg.template):
                # A helper's own registration on its router (`post(path, h) { this.app.post(path, h) }`):
                # its calls with constant arguments are the routes (`route_helpers.py`), the
                # definition with a parameter for a path is none.  (A helper no call of the
                # project fills in, an extension point, keeps its `{path}` route.)
                continue
            if method == "param":
                for name in (reg.path or "").split(","):
                    local.extend((_PARAM + name, mw) for ref in reg.args for mw in self.classify(path, ref, scope))
                continue
            sub = reg.path or ""
            exact = False
            if method == "all" and reg.args and all(self._is_middleware(path, a, _is_wildcard(sub)) for a in reg.args):
                # app.all('/admin/*', guard), route('/x/:id').all(guard): path-scoped middleware for
                # the routes registered after it, not an endpoint of its own.
                method, sub, exact = "use", _wildcard_prefix(sub), not _is_wildcard(sub)
            if method in ("use", "register"):
                mws: list[tuple[str, Middleware]] = []
                reg_prefix = _join(prefix, sub) + _EXACT if exact else prefix + sub
                for ref in reg.args:
                    if ref.kind == "value" and ref.name == "prefix":
                        reg_prefix = prefix + ref.option
                for ref in reg.args:
                    child = self.child_node(path, ref)
                    if child is not None and child[0] == "param" and child in self.aliases:
                        child = self._passed_app(child, _key[0])
                    if method == "register" and child is None:
                        fn_node = self._plugin_node(path, ref)
                        if fn_node is not None:
                            child = fn_node
                    if child is not None:
                        self.mounted.add(child)
                        if (child, reg_prefix) not in mounted_here:
                            mounted_here.add((child, reg_prefix))
                            self.walk(child, reg_prefix, chain + local + mws, model, app, framework, (*stack, node), True)
                        continue
                    if ref.kind == "value" and ref.name == "prefix":
                        continue
                    mws.extend((reg_prefix, mw) for mw in self.classify(path, ref, scope))
                local.extend(mws)
                continue
            if method not in HTTP_METHODS:
                continue
            full = _join(prefix, sub)
            # The same middleware reached twice (an app aliased through a helper's parameter) runs once.
            applicable = list(dict.fromkeys(mw for p, mw in chain + local if _applies(p, full)))
            if any(a.kind == "value" and a.name == "public" for a in reg.args):
                # NestJS `@Public()`: the global auth guard lets this route through.
                applicable = [mw for mw in applicable if "authentication" not in mw.categories]
            route_mws: list[Middleware] = []
            last = len(reg.args) - 1
            if last >= 1 and self._error_handler_arg(path, reg.args[last]):
                # `router.post('/x', auth, handler, errorHandler)`: a trailing `(err, req, res,
                # next)` handles the route's errors; the handler is the argument before it.
                last -= 1
            for i, ref in enumerate(reg.args):
                if i != last:
                    route_mws.extend(self.classify(path, ref, "route"))
            handler_ref = reg.args[last] if reg.args else None
            hfn = self.function_of(path, handler_ref) if handler_ref is not None else None
            handler_mws: list[Middleware] = []
            if hfn is not None and hfn.guard is not None:
                g = hfn.guard
                cats = tuple(cat for cat, on in (("authentication", g.authentication), ("authorization", g.authorization), ("validation", g.validation), ("rate_limit", g.rate_limit), ("csrf", g.csrf)) if on)
                if cats:
                    handler_mws.append(Middleware("handler", cats, path, hfn.line, "handler", f"checked in the handler ({g.evidence or ', '.join(cats)})"))
            elif hfn is not None and hfn.validates:
                handler_mws.append(Middleware("handler", ("validation",), path, hfn.line, "handler", "validated in the handler"))
            all_mws = tuple(applicable + route_mws)
            protections: dict[str, Middleware | None] = {}
            for cat in PROTECTIONS:
                protections[cat] = next((m for m in (*all_mws, *handler_mws) if cat in m.categories), None)
            hline = handler_ref.line if handler_ref is not None else reg.line
            if hfn is not None:
                hline = hfn.line
            hkey: FuncRef | None = None
            hpath = (handler_ref.file if handler_ref is not None else "") or path
            if hfn is not None:
                hkey = (hpath, hfn.key) if handler_ref is not None and handler_ref.kind in ("inline", "local") else self._ref_of(path, handler_ref)
            model.routes.append(
                Route(
                    method.upper() if method != "del" else "DELETE",
                    full,
                    hpath if handler_ref is None or handler_ref.kind in ("inline", "local") else (hkey[0] if hkey else path),
                    hline,
                    handler_ref.text if handler_ref is not None else "",
                    hkey,
                    all_mws,
                    protections,
                    framework,
                    app,
                    mounted,
                    path,
                    reg.line,
                    reg.col,
                    reg.snippet,
                )
            )
        return local

    def _passed_app(self, param: Node, call_line: int) -> Node:
        """The app a mount helper's parameter stands for at one call: `mountAt(app, '/hooks',
        hooksApp)` with `function mountAt(parent, path, child) { parent.use(path, child); }`
        mounts `hooksApp` below `app` (the helper's registrations are merged at the call's line).
        With several callers and none at that line, the parameter stays as it is."""
        targets = self.aliases.get(param, [])
        same = [t for t, line in targets if line == call_line and t[0] == "inst"]
        if len(same) == 1:
            return same[0]
        if len(targets) == 1 and targets[0][0][0] == "inst":
            return targets[0][0]
        return param

    def _is_middleware(self, path: str, ref: MwRef, wildcard: bool) -> bool:
        """Whether an `all()` argument passes the request on (a function that calls `next()`,
        a known protection package) rather than answering it as an endpoint
        (`app.all('/graphql', graphqlHTTP(...))`, `async (req, res, next) => {...}` that only
        uses `next(err)`).  Unknown package calls under a wildcard path count as middleware."""
        fn = self.function_of(path, ref)
        if fn is not None:
            return len(fn.params) >= 3 and fn.calls_next
        if ref.kind in ("inline", "local"):
            return ref.nparams >= 3
        return bool(ref.category) or (wildcard and ref.kind in ("call", "value", "import"))

    def _is_error_fn(self, path: str, ref: MwRef) -> bool:
        fn = self.function_of(path, ref)
        return fn is not None and fn.error_handler

    def _ref_of(self, path: str, ref: MwRef | None) -> FuncRef | None:
        if ref is None:
            return None
        path = ref.file or path
        if ref.kind == "import":
            t = self.resolve_handler(path, ("import", ref.spec, ref.name or "default"))
            return t if t is not None and t[0] != "?" else None
        return None

    def _plugin_node(self, path: str, ref: MwRef) -> Node | None:
        path = ref.file or path
        if ref.kind in ("inline", "local"):
            return ("param", path, ref.name, "0")
        if ref.kind == "import":
            t = self.resolve_callee(path, ("import", ref.spec, ref.name or "default"))
            if t is not None and t[0] != "?":
                return ("param", t[0], t[1], "0")
        return None


_SERVER_MODULES = frozenset({"http", "https", "http2", "spdy", "node:http", "node:https", "node:http2"})


def _is_server_constructor(callee: tuple[str, str, str]) -> bool:
    """`http.createServer(app)`, `https.createServer(options, app)`, `http2.createSecureServer(...)`."""
    kind, spec, member = callee
    return kind == "import" and spec in _SERVER_MODULES and member in ("createServer", "createSecureServer")


def _listen_linked(b: _Builder, node: Node) -> bool:
    """Whether a `listen(...)` receiver that is not an app itself reaches one: a parameter some
    app is passed to (`start(rootApp) { rootApp.listen(port) }` called with an app)."""
    return bool(b.aliases.get(node))


def _join(prefix: str, sub: str) -> str:
    if not prefix:
        return sub or "/"
    if not sub or sub == "/":
        return prefix if prefix.startswith("/") else "/" + prefix
    return prefix.rstrip("/") + "/" + sub.lstrip("/")


_PARAM = "\x01"
"""Prefix of an `app.param(name, fn)` callback's path: it applies to routes with `:name`."""
_EXACT = "\x00"
"""Suffix of a middleware path that applies to that exact path only (`route(p).all(mw)`)."""
_WILDCARDS = ("/*", "/*splat", "/{*splat}", "(.*)", "/(.*)", "*")


def _is_wildcard(sub: str) -> bool:
    return sub.endswith(_WILDCARDS)


def _wildcard_prefix(sub: str) -> str:
    """`/admin/*` -> `/admin`; `*` -> `` (every path)."""
    for w in _WILDCARDS:
        if sub.endswith(w):
            return sub[: -len(w)]
    return sub


def _variants(pattern: str) -> list[str]:
    """Express 5 optional groups expanded: `/user/:id{/:op}` -> `/user/:id`, `/user/:id/:op`."""
    out = [pattern]
    for _ in range(4):  # at most 4 optional groups, 16 variants
        nxt: list[str] = []
        for p in out:
            start = p.find("{")
            end = p.find("}", start + 1)
            if start < 0 or end < 0:
                nxt.append(p)
                continue
            nxt.extend((p[:start] + p[end + 1 :], p[:start] + p[start + 1 : end] + p[end + 1 :]))
        out = nxt
    return out


def _path_matches(pattern: str, route_path: str) -> bool:
    """Whether a route path can be matched by an `all()`/`route()` pattern: `:param` segments
    match any segment (the route's own parameters too), `*rest` the remaining ones."""
    rsegs = route_path.strip("/").split("/")
    for variant in _variants(pattern):
        psegs = variant.strip("/").split("/")
        for i, ps in enumerate(psegs):
            if ps.startswith("*"):
                return True
            if i >= len(rsegs) or not (ps == rsegs[i] or ":" in ps):
                break
        else:
            if len(psegs) == len(rsegs):
                return True
    return False


def _applies(mw_prefix: str, route_path: str) -> bool:
    if mw_prefix.startswith(_PARAM):
        name = mw_prefix[1:]
        return any(seg == ":" + name or seg.startswith((":" + name + "(", ":" + name + "-", ":" + name + ".")) or ("-:" + name) in seg for seg in route_path.split("/"))
    if mw_prefix.endswith(_EXACT):
        return _path_matches(mw_prefix[:-1], route_path)
    if not mw_prefix or mw_prefix == "/":
        return True
    return route_path == mw_prefix or route_path.startswith(mw_prefix.rstrip("/") + "/")


def build_app_model(
    facts: Mapping[str, FileFacts],
    resolve_import: Callable[[str, str], str | None],
    resolve_callee: Callable[[str, tuple[str, str, str]], FuncRef | None],
    resolve_handler: Callable[[str, tuple[str, str, str]], FuncRef | None] | None = None,
) -> AppModel:
    """Every route of every app, and per-app facts (helmet, error handler, x-powered-by)."""
    b = _Builder(facts, resolve_import, resolve_callee, resolve_handler)
    b.collect()
    b.expand_classes()
    model = AppModel()
    roots: list[tuple[Node, str, str]] = []
    for path, ff in sorted(facts.items()):
        for name, inst in sorted(ff.instances.items(), key=lambda kv: kv[1].line):
            if inst.kind in ("express-app", "koa-app", "fastify"):
                roots.append((("inst", path, name), inst.kind, inst.prefix))
    app_nodes: list[Node] = []
    for node, kind, prefix in roots:
        path, name = node[1], node[2]
        inst = facts[path].instances[name]
        before = len(model.routes)
        local = b.walk(node, prefix, [], model, f"{path}:{inst.line}", _framework(kind), (), True)
        del before
        entries = b.resolved_entries(node)
        error = any(
            (reg.method == "use" and any(r.nparams == 4 or r.category == "error_handler" or b._is_error_fn(p, r) for r in reg.args)) or reg.method == "setErrorHandler"
            for _k, p, reg in entries
        )
        disabled = any(
            (reg.method == "disable" and (reg.path or "").lower() == "x-powered-by")
            or (reg.method == "set" and (reg.path or "").lower() == "x-powered-by" and any(r.text == "false" for r in reg.args[1:]))
            for _k, _p, reg in entries
        )
        mws = tuple(mw for _p, mw in local)
        limits = tuple(mw for mw in mws if "body_parser" in mw.categories)
        listens = node in b.server_args or any(reg.method == "listen" for _k, _p, reg in entries)
        empty = not any(reg.method not in ("listen", "set", "enable", "disable") for _k, _p, reg in entries)
        model.apps.append(AppInfo(kind, path, inst.line, inst.col, inst.snippet, mws, error, disabled, limits, listens=listens, escapes=b.escapes(node), empty=empty, name=name, server_arg=node in b.server_args))
        app_nodes.append(node)
    app_set = set(app_nodes)
    model.listen_sites = [(p, node in app_set or _listen_linked(b, node)) for node, p in b.listen_sites]
    model.listen_sites.extend((p, True) for _n, p in sorted(b.server_args.items()))
    # Only now is every `parent.use(subApp)` seen, whichever app was walked first.
    model.apps = [replace(a, mounted=True) if n in b.mounted else a for a, n in zip(model.apps, app_nodes, strict=True)]
    # A mounted sub-app's routes were also listed from its own walk as a root, without the mount
    # prefix and the parent's middleware: keep only the copies reached through the parent.
    sub_apps = {f"{a.path}:{a.line}" for a in model.apps if a.mounted}
    if sub_apps:
        model.routes = [r for r in model.routes if r.app not in sub_apps]
    # Routers and app-receiving functions never reached from an app: listed with their own paths.
    for path, ff in sorted(facts.items()):
        for name, inst in sorted(ff.instances.items(), key=lambda kv: kv[1].line):
            node = ("inst", path, name)
            if inst.kind.endswith("router") and node not in b.mounted:
                b.walk(node, inst.prefix, [], model, f"{path}:{inst.line}", _framework(inst.kind), (), False)
        for name, fn in sorted(ff.functions.items()):
            # Subclasses of a router-owning base class that no mount reaches (built by a
            # container, mounted with a computed prefix): their routes, with their own paths.
            this_node = ("this", path, name)
            if fn.extends is not None and this_node not in b.mounted and b.class_entries(this_node):
                b.walk(this_node, "", [], model, f"{path}:{fn.line}", "express", (), False)
        for reg in ff.routes:
            if reg.recv[0] == "nest":
                pass
    nest_nodes = sorted({n for n in b.entries if n[0] == "nest"})
    nest_global: list[tuple[str, Middleware]] = []
    for path, ff in sorted(facts.items()):
        for reg in ff.routes:
            if reg.recv[0] == "nest-global":
                nest_global.extend(("", mw) for ref in reg.args for mw in b.classify(path, ref, "global"))
    for node in nest_nodes:
        b.walk(node, "", nest_global, model, f"{node[1]}:{node[2]}", "nest", (), True)
    param_nodes = sorted({n for n in b.entries if n[0] == "param"} - set(b.aliases) - b.mounted)
    for node in param_nodes:
        b.walk(node, "", [], model, f"{node[1]}:{node[2]}", "express", (), False)
    seen: set[tuple[str, str, str, int]] = set()
    unique: list[Route] = []
    for r in model.routes:
        k = (r.method, r.path, r.file, r.line)
        if k not in seen:
            seen.add(k)
            unique.append(r)
    model.routes = unique
    return model

