"""Picklable per-file facts: what the workers hand the project-level linker.

Everything here is frozen, slotted and made of plain values so it crosses
process boundaries cheaply and is cached with the file it came from.  Taint is
kept symbolic per function (a value is tainted by a request *source*, by the
function's *parameter i*, or by the *return of call k*), which is what lets the
linker apply summaries across functions and files without re-reading code.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any

__all__ = [
    "FACTS_VERSION",
    "ArgConst",
    "CallEvent",
    "Export",
    "FileFacts",
    "FuncFacts",
    "GuardInfo",
    "Import",
    "Instance",
    "Label",
    "MwRef",
    "Recv",
    "RouteReg",
    "SinkEvent",
    "Step",
]


FACTS_VERSION = 60
"""Bumped whenever the walker's output changes meaning; cached facts of another version are
re-extracted by the linker instead of being trusted."""


_GETTERS: dict[type, Any] = {}


def _getter(cls: type) -> Any:
    """All fields of a dataclass instance as a tuple, in declaration order."""
    got = _GETTERS.get(cls)
    if got is None:
        names = [f.name for f in fields(cls)]
        got = attrgetter(*names) if len(names) > 1 else (lambda obj, n=names[0]: (getattr(obj, n),))
        _GETTERS[cls] = got
    return got


class _Compact:
    """Pickled as a constructor call with positional fields.

    Facts cross the worker pipe and go into the cache; the dataclass default (a state dict
    set field by field) costs about twice the CPU and 10 % more bytes on both sides."""

    __slots__ = ()

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        return (type(self), _getter(type(self))(self))


@dataclass(frozen=True, slots=True)
class Step(_Compact):
    """One hop of a flow, in file `path` (1-based line and column)."""

    path: str
    line: int
    col: int
    message: str
    snippet: str = ""


@dataclass(frozen=True, slots=True)
class Label(_Compact):
    """Where a value's taint comes from, symbolically.

    `origin` is `src` (a request source, `key` describes it), `param` (`key` is the
    parameter index) or `ret` (`key` is the index of the call whose return it is).
    `cleaned` holds the sink kinds a sanitizer already made this value safe for.
    `store` labels (`key` is `function key|res.locals.x`) stand for what middleware stored in
    a per-request or app-wide store; the linker replaces them by the writers' taint.
    """

    origin: str
    key: str
    cleaned: frozenset[str] = frozenset()
    steps: tuple[Step, ...] = ()
    shown: str = ""
    """How the code itself wrote the source when that differs from `key` (`request.body.name`
    in a Fastify handler, `ctx.request.body.name` in Koa): messages quote the user's code,
    while `key` stays the framework-neutral `req.body.name` the rules and fingerprints use."""

    @property
    def display(self) -> str:
        """The source as written in the code."""
        return self.shown or self.key

    @property
    def ident(self) -> tuple[str, str, frozenset[str]]:
        """The identity used to de-duplicate labels (the trace is not part of it)."""
        return (self.origin, self.key, self.cleaned)


Taint = tuple[Label, ...]

Recv = tuple[str, str, str]
"""Receiver of a route registration: ("inst", name, "") a local app/router,
("param", function key, index) a function parameter, ("import", spec, member),
("nest", controller, ""), ("thisfield", class, field) a router a base class keeps in `this.<field>`."""


@dataclass(frozen=True, slots=True)
class SinkEvent(_Compact):
    """A value with symbolic taint reaching a sink of some kind at one place."""
    kind: str
    """Sink kind: command, code, sql, nosql, path, ssrf, redirect, xss, proto, regex, deser."""
    labels: Taint
    step: Step
    callee: str
    receiver: str = ""
    """For database sinks, what the receiver is known to be: `mongo` (a Mongoose model, a
    MongoDB collection), `import:<spec>|<member>` (a value imported from a project module, judged
    by the linker from that module's imports), or `` (unknown)."""


@dataclass(frozen=True, slots=True)
class CallEvent(_Compact):
    """A call to a project function (resolved by the linker) with each argument's taint."""

    index: int
    callee: tuple[str, str, str]
    """("local", "", key) or ("import", spec, member path); spec is the raw import string."""
    args: tuple[Taint, ...]
    step: Step
    arg_recv: tuple[Recv | None, ...] = ()
    """Arguments that are apps/routers (for functions that register routes)."""
    project: bool = True
    """False for calls into npm packages (their return carries no taint by default)."""
    arg_fields: tuple[tuple[tuple[str, Taint], ...] | None, ...] = ()
    """Per argument: (field, taint) pairs when it is an object literal whose fields are all
    known (no spread), else None; lets a callee reading `options.knex` see only that field."""
    arg_consts: tuple[ArgConst | None, ...] = ()
    """Per argument, what a route-registering helper needs of it (a constant string, a
    function or middleware reference, an object literal's fields, or a parameter of the
    caller passed on); () when no argument is any of these.  See `route_helpers.py`."""


@dataclass(frozen=True, slots=True)
class GuardInfo(_Compact):
    """What a custom middleware does, judged from its body."""

    authentication: bool = False
    authorization: bool = False
    validation: bool = False
    rate_limit: bool = False
    csrf: bool = False
    security_headers: int = 0
    evidence: str = ""


@dataclass(frozen=True, slots=True)
class FuncFacts(_Compact):
    """The summary of one function: sinks, calls, returns, and what it checks as middleware."""
    key: str
    name: str
    line: int
    params: tuple[str, ...]
    sinks: tuple[SinkEvent, ...] = ()
    calls: tuple[CallEvent, ...] = ()
    returns: Taint = ()
    guard: GuardInfo | None = None
    returns_function: str = ""
    """Key of a function this one returns (middleware factories like `requireRole('admin')`)."""
    reads: tuple[str, ...] = ()
    """Request parts this function reads (`body`, `query`, `params` ...)."""
    validates: bool = False
    error_handler: bool = False
    parent: str = ""
    """Key of the enclosing function ('' at module level): closures see its variables."""
    end_line: int = 0
    returns_middleware: str = ""
    """Qualified name of a package middleware this function builds and returns
    (`const limit = (max) => rateLimit({ max })`), so `limit(10)` is classified as it."""
    returns_instance: str = ""
    """Name of an app/router instance this function creates and returns (router factories:
    `module.exports = (db) => { const router = Router(); ...; return router; }`)."""
    calls_next: bool = False
    """Calls its third parameter without arguments (`next()`): it passes the request on."""
    stores: tuple[tuple[str, Taint], ...] = ()
    """What it stores for later middleware: (`res.locals.cmd` | `req.app.locals.x` | `ctx.state.x`,
    the value's taint), see `taint/stores.py`."""
    extends: tuple[str, str, str] | None = None
    """For a class: its base class, ("local", "", name) or ("import", spec, member), so a
    subclass's `this.route(...)` reaches the helper method its base defines."""


@dataclass(frozen=True, slots=True)
class MwRef(_Compact):
    """One argument of `use`/`get`/... : middleware, handler or mounted router."""

    kind: str
    """inline | local | import | call | inst | value"""
    name: str = ""
    spec: str = ""
    qn: str = ""
    """Qualified name (`express-rate-limit()`, `passport.authenticate()`) when known."""
    category: str = ""
    """Pre-classified protection from the package tables, or ''."""
    line: int = 0
    col: int = 0
    text: str = ""
    recv: Recv | None = None
    nparams: int = -1
    option: str = ""
    """Extra detail (a body-size limit, a fastify prefix, ...)."""
    slot: str = ""
    """In a route-registering helper: the parameter this argument comes from (`2`, or
    `0.handler` for a field of an object parameter); each call of the helper substitutes
    what it passes there (see `route_helpers.py`)."""
    file: str = ""
    """The file to resolve the reference in when it is not the registration's own (a helper's
    middleware, expanded at a call in another file)."""
    shown: str = ""
    """How the route table shows it when that differs from `text` (a helper's
    `checkPermission(options.permission)` shown with the permission the call passed); `text`
    stays what the name-based classification reads."""


@dataclass(frozen=True, slots=True)
class RouteReg(_Compact):
    """One registration call (`app.get`, `router.use`, a NestJS handler ...) in source order."""
    recv: Recv
    method: str
    """HTTP method in lower case, `all`, `use`, `register`, `disable`/`set`, or `listen` (the
    receiver serves requests itself)."""
    path: str | None
    args: tuple[MwRef, ...]
    line: int
    col: int
    order: int
    handler_key: str = ""
    snippet: str = ""
    func: str = ""
    """Key of the function the registration is in ('' or `<module>` at module level)."""
    template: tuple[tuple[str, str], ...] = ()
    """Parts taken from the enclosing function's parameters: (`method` | `path`, slot) with
    slots as in `MwRef.slot` (`this.app[options.method](options.path, ...)`); (`if` | `ifnot`,
    slot) when the registration runs only if that parameter is truthy (falsy)."""


@dataclass(frozen=True, slots=True)
class ArgConst(_Compact):
    """What a call passes to a route-registering helper, as far as it is constant."""

    text: str | None = None
    """A constant string (`'post'`, `'/users/:id'`, a module constant or template of them)."""
    ref: MwRef | None = None
    """A function or middleware reference (`this.update`, `requireAdmin`, `rateLimit(...)`)."""
    param: str = ""
    """A parameter of the caller passed on (slot syntax of `MwRef.slot`)."""
    fields: tuple[tuple[str, ArgConst], ...] = ()
    """An object literal's known fields."""
    items: tuple[ArgConst, ...] = ()
    """An array literal's items (`middleware: [validate(schema), audit]`)."""
    is_obj: bool = False
    truthy: bool | None = None
    """For `true`, `false`, `null`, `undefined` and numbers: whether the value is truthy (a helper
    registering under `if (options.public)` does so only for calls passing a truthy flag)."""
    open: bool = False
    """An object literal with a spread (`{ ...defaults, path }`): a field it does not list may
    still be set."""


@dataclass(frozen=True, slots=True)
class Instance(_Compact):
    """An app or router created in this file."""
    kind: str
    """express-app, express-router, koa-app, koa-router, fastify."""
    line: int
    col: int
    prefix: str = ""
    snippet: str = ""


@dataclass(frozen=True, slots=True)
class Import(_Compact):
    """One import or require of a module specifier."""
    spec: str
    line: int
    dynamic: bool = False


@dataclass(frozen=True, slots=True)
class Export(_Compact):
    """What an exported name refers to in this file, or which module re-exports it."""
    kind: str
    """local (a = local key/name) or reexport (a = spec, b = name; b='*' for export *)."""
    a: str
    b: str = ""


@dataclass(frozen=True, slots=True)
class FileFacts(_Compact):
    """Everything the linker needs from one file."""
    path: str
    imports: tuple[Import, ...] = ()
    exports: dict[str, Export] = field(default_factory=dict)
    star_exports: tuple[str, ...] = ()
    functions: dict[str, FuncFacts] = field(default_factory=dict)
    instances: dict[str, Instance] = field(default_factory=dict)
    routes: tuple[RouteReg, ...] = ()
    unresolved: tuple[int, ...] = ()
    """Lines of `require(<non-literal>)`."""
    walked: bool = True
    """False when the file held nothing worth a dataflow walk (only its imports are known)."""
    serving: tuple[int, int, tuple[tuple[str, bool, str], ...]] = (0, 0, ())
    """(line of a `listen`/`createServer` server start, line of a serverless adapter call,
    static folders served) of this module: `serving.file_serving`, for the app-tree rules."""
    version: int = FACTS_VERSION
