"""Routes registered through the project's own helpers.

Many servers never call `app.get(...)` where a route is declared: a base class does it
(`class Controller { route(o) { this.app[o.method](o.path, checkPermission(o.permission),
o.handler.bind(this)) } }`, subclasses calling `this.route({ method: 'post', path: '/:id', ... })`),
or a function does (`register(router, 'post', '/x', handler)`).  The walker records such a
registration with *slots* for the parts that are parameters of its function (`RouteReg.template`,
`MwRef.slot`) and every call of a project function with the arguments it passes as far as they
are constant (`CallEvent.arg_consts`).  Here each call is expanded into the routes it registers:
the slots are filled with what the call passes (through nested helpers: `get(path, handler)`
calling `this.route({ method: 'get', path, handler })`), and a route whose method or path is
not a constant at any caller is left out rather than guessed.

Class helpers are dispatched on the class a router belongs to: the routes of
`new FeatureController(config).router` are the registrations its constructor makes through
`this.<helper>(...)`, whichever base class (in whichever file) defines the helper.  Depth and the
number of expansions are bounded.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from nodeward.analysis.frameworks import HTTP_METHODS
from nodeward.analysis.ir import ArgConst, CallEvent, FileFacts, MwRef, RouteReg
from nodeward.analysis.taint.values import field_of

__all__ = ["MAX_EXPANSIONS", "MAX_HELPER_DEPTH", "ClassRoutes", "bind_consts", "instantiate", "is_template", "lookup", "returned_fields", "stamp", "truth"]

MAX_HELPER_DEPTH = 6
"""Helpers calling helpers (`get` -> `route` -> `this.app[method]`) followed this deep."""
MAX_EXPANSIONS = 20000
"""Registrations expanded per class router at most (a guard against pathological code)."""
MAX_BASES = 8

Bindings = tuple[ArgConst | None, ...]
Entry = tuple[tuple[int, int, int], str, RouteReg]
FuncRef = tuple[str, str]
Resolve = Callable[[str, tuple[str, str, str]], "FuncRef | None"]


def is_template(reg: RouteReg) -> bool:
    """Whether a registration takes parts from its function's parameters."""
    return bool(reg.template) or any(a.slot for a in reg.args)


def lookup(bindings: Bindings, slot: str) -> ArgConst | None:
    """What a call passes for a slot (`2`, `0.path`, `3*` for a rest parameter)."""
    spread = slot.endswith("*")
    base = slot.rstrip("*")
    index, _, fld = base.partition(".")
    if not index.isdigit():
        return None
    i = int(index)
    if spread and not fld:
        rest = bindings[i:]
        if len(rest) == 1 and rest[0] is not None and rest[0].param.endswith("*"):
            return rest[0]  # `...handlers` passed on as `...handlers`
        return ArgConst(items=tuple(b for b in rest if b is not None))
    got = bindings[i] if i < len(bindings) else None
    if got is not None and fld:
        if got.param:
            return ArgConst(param=f"{got.param}.{fld}") if "." not in got.param and not got.param.endswith("*") else None
        got = next((v for k, v in got.fields if k == fld), None)
    return got if got is not None and _known(got) else None


def _known(c: ArgConst) -> bool:
    """Whether anything is known of a value (a field listed with a value nothing is known of is not)."""
    return c.text is not None or c.ref is not None or bool(c.param or c.fields or c.items or c.is_obj) or c.truthy is not None


def truth(bindings: Bindings, slot: str) -> bool | None:
    """Whether what a call passes for a slot is truthy; None when unknown.  A field an object
    literal without spread does not list is `undefined`."""
    index, _, fld = slot.partition(".")
    if not index.isdigit() or slot.endswith("*"):
        return None
    i = int(index)
    got = bindings[i] if i < len(bindings) else None
    if got is None:
        return None
    if fld:
        if not got.is_obj or "." in fld:
            return None
        listed = next((v for k, v in got.fields if k == fld), None)
        if listed is None:
            return None if got.open else False
        got = listed
    if got.truthy is not None:
        return got.truthy
    if got.text is not None:
        return bool(got.text)
    if got.ref is not None or got.items or got.is_obj:
        return True
    return None


def bind_consts(consts: Bindings, outer: Bindings) -> Bindings:
    """A call's arguments with the caller's own parameters replaced by what its caller passed."""

    def one(c: ArgConst | None, depth: int = 0) -> ArgConst | None:
        if c is None or depth > 4:
            return c
        if c.param:
            return lookup(outer, c.param) or _passed_on(outer, c.param)
        if c.fields:
            # A field whose value is unknown stays listed (as unknown): it is not `undefined`.
            return replace(c, fields=tuple((k, one(v, depth + 1) or ArgConst()) for k, v in c.fields))
        if c.items:
            return replace(c, items=tuple(v for v in (one(i, depth + 1) for i in c.items) if v is not None))
        return c

    return tuple(one(c) for c in consts)


def _passed_on(outer: Bindings, slot: str) -> ArgConst | None:
    """A flag passed on from the caller (`public: options.public`): its truthiness, if known."""
    t = truth(outer, slot)
    return ArgConst(truthy=t) if t is not None else None


def stamp(consts: Bindings, file: str) -> Bindings:
    """The references among a call's arguments, marked with the file they are resolved in."""

    def one(c: ArgConst | None, depth: int = 0) -> ArgConst | None:
        if c is None or depth > 4:
            return c
        if c.ref is not None and not c.ref.file:
            return replace(c, ref=replace(c.ref, file=file))
        if c.fields:
            return replace(c, fields=tuple((k, v) for k, v in ((k, one(v, depth + 1)) for k, v in c.fields) if v is not None))
        if c.items:
            return replace(c, items=tuple(v for v in (one(i, depth + 1) for i in c.items) if v is not None))
        return c

    return tuple(one(c) for c in consts)


def _function_like(ref: MwRef) -> bool:
    """A reference that can stand for a handler inside a wrapper (`wrap(options.handler)`): a
    project function, or an imported binding not spelled like a constant (`UPDATE_FEATURE`
    passed where the wrapper takes a permission is not a handler)."""
    if ref.kind in ("inline", "local"):
        return True
    last = (ref.name or ref.text).rsplit(".", 1)[-1]
    return ref.kind == "import" and not last.isupper()


ReturnsFields = Callable[[str, str, int], tuple[str, ...] | None]
"""(file, function key, parameter index) -> the fields of that parameter the function returns
('' for the whole parameter), None when it returns none of it."""


def _through(ref: MwRef, bindings: Bindings, helper_file: str, caller_file: str, returns: ReturnsFields | None) -> list[MwRef]:
    """A helper's call that hands back what the caller passed (slot `+0>C.chain#0`): the call
    (its own additions) and the caller's middleware it returns."""
    kept = replace(ref, slot="")
    slot, _, rest = ref.slot[1:].partition(">")
    key, _, index = rest.rpartition("#")
    got = lookup(bindings, slot)
    if got is not None and got.param:
        return [replace(ref, slot=f"+{got.param}>{rest}")]
    fields = returns(helper_file, key, int(index)) if returns is not None and index.isdigit() else None
    if fields is None:
        # It returns nothing of the parameter: a wrapper (`safely(options.handler)`), whose
        # handler is the function passed (see `instantiate`).
        items = (got.items or (got,)) if got is not None else ()
        fns = [x.ref if x.ref.file else replace(x.ref, file=caller_file) for x in items if x.ref is not None and _function_like(x.ref)]
        return fns[:1] or [replace(kept, shown=_shown(ref.text, got))]
    out = [kept]
    for fld in fields or ():
        if fld and "." in slot:
            continue
        part = lookup(bindings, f"{slot}.{fld}" if fld else slot)
        items = (part.items or (part,)) if part is not None else ()
        out.extend(x.ref if x.ref.file else replace(x.ref, file=caller_file) for x in items if x.ref is not None)
    return out


def _const_text(got: ArgConst, depth: int = 0) -> str:
    """A constant as the source would write it (`'admin'`, `UPDATE_FEATURE`, `[A, B]`), or ''."""
    if got.text is not None:
        return "'" + got.text.replace("'", "\\'") + "'"
    if got.ref is not None:
        return got.ref.text
    if got.items and depth < 2:
        parts = [_const_text(i, depth + 1) for i in got.items]
        return "[" + ", ".join(parts) + "]" if all(parts) else ""
    return ""


def _shown(text: str, got: ArgConst | None) -> str:
    """`checkPermission(options.permission)` shown with what the call passed there
    (`checkPermission(UPDATE_FEATURE)`, `requireRole('admin')`), so the route table says which;
    '' when there is nothing to show (the text stands)."""
    if got is None or "(" not in text or not text.endswith(")"):
        return ""
    value = _const_text(got)
    return text[: text.index("(") + 1] + value[:60] + ")" if value else ""


def instantiate(reg: RouteReg, bindings: Bindings, helper_file: str, caller_file: str, returns: ReturnsFields | None = None) -> tuple[RouteReg, bool] | None:
    """The registration a helper makes for one call, with whether the call supplied its path
    (then the call is where the route is declared).  None when a slot the registration needs
    (method, path) gets no constant there; slots the call passes on stay slots."""
    method, path = reg.method, reg.path
    template: list[tuple[str, str]] = []
    supplied = False
    args_in = reg.args
    for part, slot in reg.template:
        if part in ("if", "ifnot"):
            # `if (options.public) router.get(...)`: registered for this call only if the flag is.
            t = truth(bindings, slot)
            if t is not None and t != (part == "if"):
                return None
            flag = lookup(bindings, slot)
            if t is None and flag is not None and flag.param:
                template.append((part, flag.param))
            continue
        got = lookup(bindings, slot)
        if part == "usepath":
            # `parent.use(path, child)` in a helper: a string passed there is the prefix (and no
            # argument); anything else is middleware or a router, substituted below.
            if got is not None and got.text is not None:
                path, supplied = got.text, True
                args_in = tuple(a for a in args_in if a.slot != slot)
            elif got is not None and got.param:
                template.append((part, got.param))
            continue
        if got is None:
            return None
        if got.param:
            template.append((part, got.param))
            continue
        if got.text is None:
            return None
        if part == "method":
            m = got.text.lower()
            if m not in HTTP_METHODS and m not in ("use", "all"):
                return None
            method = m
        else:
            path, supplied = got.text, True
    args: list[MwRef] = []
    for ref in args_in:
        ref = ref if ref.file else replace(ref, file=helper_file)
        if not ref.slot:
            args.append(ref)
            continue
        if ref.slot.startswith("+"):
            args.extend(_through(ref, bindings, helper_file, caller_file, returns))
            continue
        got = lookup(bindings, ref.slot)
        if got is not None and got.param:
            args.append(replace(ref, slot=got.param))
            continue
        passed = [x.ref if x.ref.file else replace(x.ref, file=caller_file) for x in ((got.items or (got,)) if got is not None else ()) if x.ref is not None]
        if ref.kind == "call" and not ref.slot.endswith("*"):
            # A wrapper of the parameter (`wrap(options.handler.bind(this))`,
            # `checkPermission(options.permission)`): the function passed is the handler;
            # anything else (a permission name) leaves the wrapper as the middleware.
            fns = [p for p in passed if _function_like(p)]
            args.extend(fns[:1] or [replace(ref, slot="", shown=_shown(ref.text, got))])
            continue
        if got is None and not ref.slot.endswith("*"):
            # Nothing known is passed there (a variable): the parameter stays as it was.
            args.append(replace(ref, slot=""))
            continue
        args.extend(passed)
    if not method or (method in HTTP_METHODS and not args):
        return None
    return replace(reg, method=method, path=path, args=tuple(args), template=tuple(template)), supplied


def returned_fields(facts: Mapping[str, FileFacts]) -> ReturnsFields:
    """`ReturnsFields` over the project's facts (from each function's symbolic returns)."""

    def fields(file: str, key: str, index: int) -> tuple[str, ...] | None:
        ff = facts.get(file)
        fn = ff.functions.get(key) if ff is not None else None
        if fn is None:
            return None
        own = f"{key}|{index}"
        found = tuple(sorted({field_of(lb.cleaned) or "" for lb in fn.returns if lb.origin == "param" and lb.key == own}))
        return found or None

    return fields


class ClassRoutes:
    """The registrations of class-owned routers, with helper methods expanded per subclass."""

    def __init__(self, facts: Mapping[str, FileFacts], resolve: Callable[[str, tuple[str, str, str]], FuncRef | None]) -> None:
        self.facts = facts
        self.resolve = resolve
        self.returns = returned_fields(facts)
        self.expanded: set[tuple[str, str]] = set()
        """(file, function key) of helpers some call expanded into a route: their own
        registration, with a parameter for a path, is not a route of its own."""
        self._by_func: dict[tuple[str, str], list[RouteReg]] = {}
        self._helpers: dict[FuncRef, bool] = {}
        self._targets: dict[tuple[str, tuple[str, str, str]], FuncRef | None] = {}
        self._indexed: set[str] = set()

    def _regs(self, file: str, key: str) -> list[RouteReg]:
        if file not in self._indexed:
            self._indexed.add(file)
            ff = self.facts.get(file)
            for reg in ff.routes if ff is not None else ():
                self._by_func.setdefault((file, reg.func), []).append(reg)
        return self._by_func.get((file, key), [])

    def is_helper(self, target: FuncRef, resolve: Resolve, depth: int = 0) -> bool:
        """Whether a function registers from its parameters, itself or through a helper it
        passes them to (most called functions do neither: nothing to expand)."""
        got = self._helpers.get(target)
        if got is not None:
            return got
        self._helpers[target] = False  # while deciding: a recursive helper is not one through itself
        file, key = target
        ff = self.facts.get(file)
        fn = ff.functions.get(key) if ff is not None else None
        got = fn is not None and any(is_template(r) for r in self._regs(file, key))
        if fn is not None and not got and depth < MAX_HELPER_DEPTH:
            for c in fn.calls:
                if not (c.arg_consts and any(x is not None and x.param for x in c.arg_consts)):
                    continue
                inner = self._resolve(file, c.callee, resolve) if c.callee[0] != "local" or "." not in c.callee[2] else None
                if inner is not None and self.is_helper(inner, resolve, depth + 1):
                    got = True
                    break
        self._helpers[target] = got
        return got

    def _resolve(self, file: str, callee: tuple[str, str, str], resolve: Resolve) -> FuncRef | None:
        """A call's target (cached per file and callee; one resolver per builder)."""
        ckey = (file, callee)
        if ckey not in self._targets:
            found = resolve(file, callee)
            self._targets[ckey] = found if found is not None and found[0] != "?" else None
        return self._targets[ckey]

    def chain(self, file: str, cls: str) -> list[FuncRef]:
        """The class and its bases, most derived first."""
        out: list[FuncRef] = []
        cur: FuncRef | None = (file, cls)
        while cur is not None and len(out) < MAX_BASES and cur not in out:
            out.append(cur)
            ff = self.facts.get(cur[0])
            fn = ff.functions.get(cur[1]) if ff is not None else None
            base = fn.extends if fn is not None else None
            if base is None:
                break
            if base[0] == "local":
                cur = (cur[0], base[2])
            else:
                got = self.resolve(cur[0], base)
                cur = got if got is not None and got[0] != "?" else None
        return out

    def method(self, chain: list[FuncRef], name: str) -> FuncRef | None:
        """The method `name` the most derived class of the chain runs."""
        for file, cls in chain:
            ff = self.facts.get(file)
            if ff is not None and f"{cls}.{name}" in ff.functions:
                return (file, f"{cls}.{name}")
        return None

    def router_field(self, chain: list[FuncRef], field: str) -> bool:
        """Whether `obj.<field>` of an instance is one of its class-owned routers: a field
        (`this.router = Router()`) or a getter returning one (`get router() { return this.app }`)."""
        for file, cls in chain:
            ff = self.facts.get(file)
            if ff is None:
                continue
            if f"{cls}.{field}" in ff.instances:
                return True
            fn = ff.functions.get(f"{cls}.{field}")
            if fn is not None and fn.returns_instance in ff.instances and fn.returns_instance.startswith(f"{cls}."):
                return True
        return False

    def _own_router(self, chain: list[FuncRef], recv: tuple[str, str, str]) -> bool:
        if recv[0] == "thisfield":
            return any(cls == recv[1] for _f, cls in chain) and self.router_field(chain, recv[2])
        if recv[0] != "inst":
            return False
        return any(recv[1].startswith(f"{cls}.") and recv[1] in self.facts[file].instances for file, cls in chain if file in self.facts)

    def entries(self, file: str, cls: str, direct: bool) -> list[Entry]:
        """Routes on an instance of `cls`'s router: what its constructors register (with
        `direct`, also on the router itself; else only through helper methods)."""
        chain = self.chain(file, cls)
        out: list[Entry] = []
        budget = [MAX_EXPANSIONS]
        for cfile, ccls in reversed(chain):  # the base's constructor runs first
            ctor = f"{ccls}.constructor"
            ff = self.facts.get(cfile)
            fn = ff.functions.get(ctor) if ff is not None else None
            if ff is None or fn is None:
                continue
            if direct:
                out.extend(((reg.line, 0, reg.order), cfile, reg) for reg in self._regs(cfile, ctor) if self._own_router(chain, reg.recv) and not is_template(reg))
            for call in fn.calls:
                self._call(chain, cfile, call, (), None, 0, out, budget)
        return out

    def _call(self, chain: list[FuncRef], file: str, call: CallEvent, outer: Bindings, site: tuple[str, CallEvent] | None, depth: int, out: list[Entry], budget: list[int]) -> None:
        kind, _spec, member = call.callee
        cls, _, name = member.rpartition(".")
        if kind != "local" or not cls or depth > MAX_HELPER_DEPTH or budget[0] <= 0:
            return
        if not any(c == cls and f == file for f, c in chain):
            return  # not a call on `this`
        target = self.method(chain, name)
        if target is None:
            return
        consts = stamp(call.arg_consts, file)
        consts = bind_consts(consts, outer) if outer else consts
        if site is None or not any(c is not None for c in site[1].arg_consts):
            site = (file, call)  # the first call that passes something declares the route
        self._method(chain, target, consts, site, file, depth + 1, out, budget)

    def _method(self, chain: list[FuncRef], target: FuncRef, bindings: Bindings, site: tuple[str, CallEvent], caller: str, depth: int, out: list[Entry], budget: list[int]) -> None:
        budget[0] -= 1  # every method visited counts, so fan-out through helpers stays bounded
        tfile, key = target
        ff = self.facts.get(tfile)
        fn = ff.functions.get(key) if ff is not None else None
        if fn is None:
            return
        sfile, scall = site
        for reg in self._regs(tfile, key):
            if budget[0] <= 0 or not self._own_router(chain, reg.recv):
                continue
            got = instantiate(reg, bindings, tfile, caller, self.returns)
            if got is None or is_template(got[0]):
                continue
            self.expanded.add((tfile, key))
            budget[0] -= 1
            inst = replace(got[0], line=scall.step.line, col=scall.step.col, snippet=scall.step.snippet or got[0].snippet)
            out.append(((scall.step.line, depth, reg.order), sfile, inst))
        for call in fn.calls:
            self._call(chain, tfile, call, bindings, site, depth, out, budget)

    # ------------------------------------------------------------ plain functions
    def function_call(self, file: str, call: CallEvent, resolve: Resolve) -> list[tuple[str, Entry]]:
        """Routes a call of a project function registers on an app or router the function
        reaches itself (a module-level router, not one of its parameters: those are followed
        by the linker's parameter aliases): `add('get', '/x', h)` with
        `const add = (verb, path, ...fns) => router[verb](path, ...fns)`.  Returns
        (file of the receiver, entry) pairs; the entry is at the call that declares the route."""
        out: list[tuple[str, Entry]] = []
        self._function(file, call, (), None, 0, out, [MAX_EXPANSIONS], resolve)
        return out

    def _function(
        self,
        file: str,
        call: CallEvent,
        outer: Bindings,
        site: tuple[str, CallEvent] | None,
        depth: int,
        out: list[tuple[str, Entry]],
        budget: list[int],
        resolve: Resolve,
    ) -> None:
        if depth > MAX_HELPER_DEPTH or budget[0] <= 0 or not call.arg_consts:
            return
        kind, _spec, member = call.callee
        if kind == "local" and "." in member:
            return  # a method: class helpers are expanded per class router
        target = self._resolve(file, call.callee, resolve)  # `createSchema('x')` a thousand times: resolved once
        if target is None or not self.is_helper(target, resolve):
            return
        consts = stamp(call.arg_consts, file)
        consts = bind_consts(consts, outer) if outer else consts
        if site is None or not any(c is not None and not c.param for c in site[1].arg_consts):
            site = (file, call)
        budget[0] -= 1
        tfile, key = target
        ff = self.facts.get(tfile)
        fn = ff.functions.get(key) if ff is not None else None
        if fn is None:
            return
        sfile, scall = site
        for reg in self._regs(tfile, key):
            if budget[0] <= 0 or reg.recv[0] not in ("inst", "import") or "." in reg.recv[1] or not is_template(reg):
                continue
            got = instantiate(reg, consts, tfile, file, self.returns)
            if got is None or is_template(got[0]):
                continue
            self.expanded.add((tfile, key))
            budget[0] -= 1
            made, supplied = got
            if supplied:
                made = replace(made, line=scall.step.line, col=scall.step.col, snippet=scall.step.snippet or made.snippet)
            out.append((tfile, ((made.line, depth, reg.order), sfile if supplied else tfile, made)))
        for inner in fn.calls:
            if inner.arg_consts and any(c is not None and c.param for c in inner.arg_consts):
                self._function(tfile, inner, consts, site, depth + 1, out, budget, resolve)
