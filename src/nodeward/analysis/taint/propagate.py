"""Cross-function and cross-file taint: apply function summaries, find source->sink flows.

Per-file facts hold symbolic labels (`param F|i`, `ret F|k`).  Here they are
resolved: the return of call k is what the callee's summary says its return
carries (its own sources, or whichever arguments reach it); a call passes its
arguments into the callee's *sink summary* (which parameter reaches which sink,
directly or through further calls and closures).  Every computation is
memoised; recursion (including circular imports) is cut by an in-progress set,
and depth is bounded, so linking stays near-linear in the number of functions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from nodeward.analysis.ir import CallEvent, FileFacts, FuncFacts, Label, Step, Taint
from nodeward.analysis.modules import package_name
from nodeward.analysis.taint.stores import StoreIndex
from nodeward.analysis.taint.tables import db_family
from nodeward.analysis.taint.values import field_of, from_query, join_cleaned, union, upload_cleaned

__all__ = ["Flow", "FuncRef", "TaintLinker"]

MAX_DEPTH = 24
MAX_DB_HOPS = 4
"""Import levels searched below a model's module for the database package it is built on."""
MAX_DB_FILES = 400

FuncRef = tuple[str, str]
"""(file path, function key)."""

UNANALYSED = ("?", "?")
"""A project function the worker did not walk: its return carries its arguments."""


@dataclass(frozen=True, slots=True)
class Flow:
    """A value reaching a sink: where it came from, the steps, and the sink."""
    kind: str
    label: Label
    """The resolved source (origin `src`) or parameter (origin `param`) label."""
    sink: Step
    steps: tuple[Step, ...]
    """Trace from the source up to (not including) the sink."""
    receiver: str = ""
    """For NoSQL sinks: `mongo` when the queried model or collection is known to be MongoDB's,
    `other` when it belongs to a SQL ORM or query builder, `` when unknown."""


def _rank(flow: Flow) -> tuple[int, int]:
    """Which of several flows into one sink to keep: one read from the query string of the
    request's own URL first (a route's path match, which excuses the URL's path, does not
    constrain it; see `rules._drop_own_url_redirects`), then the shortest trace."""
    return (0 if flow.kind == "redirect" and from_query(flow.label) else 1, len(flow.steps))


def _owner(label: Label) -> str:
    return label.key.rsplit("|", 1)[0]


def _arg_taint(call: CallEvent, j: int, field_name: str | None) -> Taint:
    """The taint of argument `j`, or of its field when the callee read only that field and the
    argument is an object literal with known fields (a missing field is `undefined`: clean)."""
    if field_name is not None and j < len(call.arg_fields):
        fields = call.arg_fields[j]
        if fields is not None:
            return dict(fields).get(field_name, ())
    return call.args[j]


class TaintLinker:
    """Resolves labels across the project's functions."""

    def __init__(
        self,
        facts: Mapping[str, FileFacts],
        resolve_callee: Callable[[str, tuple[str, str, str]], FuncRef | None],
        resolve_lazily: Callable[[str, tuple[str, str, str]], FuncRef | None] | None = None,
        stores: StoreIndex | None = None,
    ) -> None:
        self.facts = facts
        self.stores = stores
        """Which middleware writes to `res.locals`/`ctx.state` a read can see (None: none)."""
        self._stored: dict[tuple[str, str, str], Taint] = {}
        self._resolve_callee = resolve_callee
        self._resolve_lazily = resolve_lazily or resolve_callee
        """Like `resolve_callee`, but may walk a file the workers skipped; used only where
        request data is known to flow (a call with a source argument, or inside the
        summary of a function that such a call reaches)."""
        self._callee_cache: dict[tuple[str, tuple[str, str, str], bool], FuncRef | None] = {}
        self._ret: dict[FuncRef, Taint] = {}
        self._flows: dict[tuple[FuncRef, bool], tuple[Flow, ...]] = {}
        self._summary: dict[FuncRef, tuple[Flow, ...]] = {}
        self._busy: set[tuple[str, FuncRef]] = set()
        self._children: dict[str, dict[str, list[str]]] = {}
        self._module_db: dict[str, str] = {}
        self._resolve_import: Callable[[str, str], str | None] | None = getattr(resolve_callee, "resolve_import", None)
        """Import specifier -> project file (None: not available, receivers stay unknown)."""

    def func(self, ref: FuncRef) -> FuncFacts | None:
        """The facts of a function, or None."""
        ff = self.facts.get(ref[0])
        return ff.functions.get(ref[1]) if ff is not None else None

    def callee(self, path: str, call: CallEvent, lazy: bool = True) -> FuncRef | None:
        """The function a call resolves to (memoised); `lazy` may walk skipped files."""
        key = (path, call.callee, lazy)
        if key not in self._callee_cache:
            self._callee_cache[key] = (self._resolve_lazily if lazy else self._resolve_callee)(path, call.callee)
        return self._callee_cache[key]

    def descendants(self, path: str, key: str) -> list[str]:
        """Keys of the functions nested in `key` (closures share its variables)."""
        kids = self._children.get(path)
        if kids is None:
            kids = {}
            ff = self.facts.get(path)
            if ff is not None:
                for k, fn in ff.functions.items():
                    if k != fn.parent:
                        kids.setdefault(fn.parent, []).append(k)
            self._children[path] = kids
        out: list[str] = []
        stack = list(kids.get(key, ()))
        while stack and len(out) < 10_000:
            k = stack.pop()
            out.append(k)
            stack.extend(kids.get(k, ()))
        return out

    # ------------------------------------------------------------ database identity
    def db_receiver(self, path: str, receiver: str) -> str:
        """`mongo`, `other` or `` for a sink's receiver (`SinkEvent.receiver`); a value imported
        from a project module is judged by that module (see `module_db`)."""
        if not receiver.startswith("import:"):
            return receiver
        spec, _, member = receiver[len("import:") :].rpartition("|")
        if self._resolve_import is None:
            return ""
        target = self._resolve_import(spec, path)
        return self.member_db(target, member) if target is not None else db_family(package_name(spec))

    def member_db(self, file: str, member: str, hops: int = 0) -> str:
        """The database family of one member of a project module: a re-exported member
        (`exports.User = require('./user')`, `export { User } from './user'`) is judged by the
        module that defines it, not by the index passing it on, which may import another ORM for
        models of its own (`models/index.js` building a Sequelize audit log beside mongoose
        models).  When the index does not say where the member comes from (`module.exports =
        { AuditLog, User }`), a SQL verdict stands only if none of the project modules it
        imports is built on MongoDB: otherwise the member may be theirs (unknown, ``)."""
        ff = self._walked(file)
        first, _, rest = member.partition(".")
        exp = ff.exports.get(first or "default") if ff is not None else None
        if exp is not None and exp.kind == "reexport" and hops < MAX_DB_HOPS:
            target = self._resolve_import(exp.a, file) if self._resolve_import is not None else None
            if target is None:
                return db_family(package_name(exp.a), exp.b)
            if target != file:
                return self.member_db(target, f"{exp.b}.{rest}" if rest else exp.b, hops + 1)
        found = self.module_db(file)
        if found == "other" and exp is None and ff is not None and self._resolve_import is not None:
            for imp in ff.imports:
                below = self._resolve_import(imp.spec, file)
                if below is not None and below != file and self.module_db(below) == "mongo":
                    return ""
        return found

    def _walked(self, file: str) -> FileFacts | None:
        """A module's facts with its exports: an index that only re-exports (`exports.User =
        require('./user')`) has no candidate for the workers, so it is walked on demand, as the
        callee resolver does for functions it exports (same budget, at most once)."""
        ff = self.facts.get(file)
        if ff is None or not ff.walked:
            load = getattr(self._resolve_lazily, "export", None)
            if load is not None:
                load(file, "default", 0)  # walks `file` on demand into the shared facts
                ff = self.facts.get(file)
        return ff

    def module_db(self, file: str) -> str:
        """The database family a project module's values belong to: the database packages
        imported by the module itself or, failing that, by the nearest level of project modules
        below it (`models/index.js` -> `models/api-key.js` -> `models/base` -> `bookshelf`).
        `mongo` or `other` when that level names only one family, `` when it names both (an app
        with a SQL and a MongoDB layer) or none within `MAX_DB_HOPS` levels."""
        if file in self._module_db:
            return self._module_db[file]
        found = ""
        seen = {file}
        frontier = [file]
        resolve = self._resolve_import
        for _ in range(MAX_DB_HOPS):
            families: set[str] = set()
            nxt: list[str] = []
            for f in frontier:
                ff = self.facts.get(f)
                if ff is None:
                    continue
                for imp in ff.imports:
                    target = resolve(imp.spec, f) if resolve is not None else None
                    if target is None:
                        family = db_family(package_name(imp.spec))
                        if family:
                            families.add(family)
                    elif target not in seen and len(seen) < MAX_DB_FILES:
                        seen.add(target)
                        nxt.append(target)
            if families:
                found = families.pop() if len(families) == 1 else ""
                break
            frontier = nxt
            if not frontier:
                break
        self._module_db[file] = found
        return found

    # ------------------------------------------------------------ labels
    def resolve(self, path: str, taint: Taint, depth: int = 0) -> Taint:
        """Replace `ret` labels by what the callee returns and `store` labels by what middleware
        stored there; keep `src` and `param` labels."""
        out: list[Label] = []
        for label in taint:
            if label.origin == "store":
                if depth <= MAX_DEPTH:
                    out.extend(
                        Label(sub.origin, sub.key, sub.cleaned | label.cleaned, (*sub.steps, *label.steps), sub.shown)
                        for sub in self.stored(path, label.key, depth + 1)
                    )
                continue
            if label.origin != "ret":
                out.append(label)
                continue
            if depth > MAX_DEPTH:
                continue
            owner, _, idx = label.key.rpartition("|")
            fn = self.func((path, owner))
            if fn is None or not idx.isdigit() or int(idx) >= len(fn.calls):
                continue
            call = fn.calls[int(idx)]
            target = self.callee(path, call, lazy=False)
            if target is None:
                continue
            if target == UNANALYSED:
                passed = [sub for arg in call.args for sub in self.resolve(path, arg, depth + 1)]
                if any(sub.origin == "src" for sub in passed):
                    # Request data goes in: read the callee (on demand) rather than assume its
                    # result carries its arguments.  `return stdout` of a command the helper
                    # runs is the program's output, not the request (see NW210's docs).
                    target = self.callee(path, call, lazy=True)
                if target is None:
                    continue
                if target == UNANALYSED:
                    out.extend(Label(sub.origin, sub.key, upload_cleaned(sub.key, sub.cleaned | label.cleaned), sub.steps, sub.shown) for sub in passed)
                    continue
            for r in self.returns(target, depth + 1):
                if r.origin == "src":
                    out.append(Label("src", r.key, upload_cleaned(r.key, r.cleaned | label.cleaned), (*r.steps, call.step), r.shown))
                elif r.origin == "param":
                    j = r.key.rpartition("|")[2]
                    if j.isdigit() and int(j) < len(call.args):
                        subs = self.resolve(path, _arg_taint(call, int(j), field_of(r.cleaned)), depth + 1)
                        out.extend(Label(sub.origin, sub.key, upload_cleaned(sub.key, join_cleaned(sub.cleaned, r.cleaned | label.cleaned)), (*sub.steps, call.step), sub.shown) for sub in subs)
        return tuple(out)

    def stored(self, path: str, key: str, depth: int = 0) -> Taint:
        """What the writes a store read can see carry (`key` is `reader|res.locals.x`),
        resolved in each writer's own file; request sources only."""
        reader, _, name = key.rpartition("|")
        memo = (path, reader, name)
        if memo in self._stored:
            return self._stored[memo]
        busy = ("store", (path, key))
        if self.stores is None or busy in self._busy:
            return ()
        self._busy.add(busy)
        try:
            out: list[Label] = []
            for (wpath, _wkey), taint in self.stores.writes(path, reader, name):
                out.extend(lb for lb in self.resolve(wpath, taint, depth) if lb.origin == "src")
        finally:
            self._busy.discard(busy)
        result = union(tuple(out))
        self._stored[memo] = result
        return result

    def returns(self, ref: FuncRef, depth: int = 0) -> Taint:
        """What a function's return value carries: its sources and its own parameters."""
        if ref in self._ret:
            return self._ret[ref]
        busy = ("ret", ref)
        fn = self.func(ref)
        if fn is None or busy in self._busy or depth > MAX_DEPTH:
            return ()
        self._busy.add(busy)
        try:
            resolved = tuple(lb for lb in self.resolve(ref[0], fn.returns, depth) if lb.origin == "src" or _owner(lb) == ref[1])
        finally:
            self._busy.discard(busy)
        self._ret[ref] = resolved
        return resolved

    # ------------------------------------------------------------ flows
    def flows(self, ref: FuncRef, depth: int = 0, lazy: bool = True) -> tuple[Flow, ...]:
        """Every value (source or parameter) reaching a sink from inside this function.

        With `lazy=False` (the project-wide pass) callees in skipped files are walked only
        for calls that carry request data."""
        if (ref, lazy) in self._flows:
            return self._flows[(ref, lazy)]
        busy = ("flows" if lazy else "flows-eager", ref)
        fn = self.func(ref)
        if fn is None or busy in self._busy or depth > MAX_DEPTH:
            return ()
        self._busy.add(busy)
        out: list[Flow] = []
        path = ref[0]
        try:
            for sink in fn.sinks:
                receiver = self.db_receiver(path, sink.receiver) if sink.receiver else ""
                out.extend(Flow(sink.kind, lb, sink.step, lb.steps, receiver) for lb in self.resolve(path, sink.labels, depth) if sink.kind not in lb.cleaned)
            for call in fn.calls:
                if not any(call.args):
                    continue
                resolved_args = [self.resolve(path, a, depth) for a in call.args]
                if not any(resolved_args):
                    continue  # nothing flows in: do not even resolve (or walk) the callee
                carries_source = any(lb.origin == "src" for arg in resolved_args for lb in arg)
                target = self.callee(path, call, lazy or carries_source)
                if target is None or target == UNANALYSED:
                    continue
                for f in self.summary(target, depth + 1):
                    j = f.label.key.rpartition("|")[2]
                    if not j.isdigit() or int(j) >= len(call.args):
                        continue
                    fld = field_of(f.label.cleaned)
                    arg = resolved_args[int(j)] if fld is None or not call.arg_fields else self.resolve(path, _arg_taint(call, int(j), fld), depth)
                    for lb in arg:
                        cleaned = upload_cleaned(lb.key, join_cleaned(lb.cleaned, f.label.cleaned))
                        if f.kind in cleaned:
                            continue
                        out.append(Flow(f.kind, Label(lb.origin, lb.key, cleaned, lb.steps, lb.shown), f.sink, (*lb.steps, call.step, *f.steps), f.receiver))
        finally:
            self._busy.discard(busy)
        result = tuple(out)
        self._flows[(ref, lazy)] = result
        return result

    def summary(self, ref: FuncRef, depth: int = 0) -> tuple[Flow, ...]:
        """Which of this function's parameters reach which sink (closures included)."""
        if ref in self._summary:
            return self._summary[ref]
        busy = ("summary", ref)
        if busy in self._busy or depth > MAX_DEPTH:
            return ()
        self._busy.add(busy)
        try:
            out: list[Flow] = []
            for key in (ref[1], *self.descendants(ref[0], ref[1])):
                out.extend(f for f in self.flows((ref[0], key), depth) if f.label.origin == "param" and _owner(f.label) == ref[1])
        finally:
            self._busy.discard(busy)
        seen: dict[tuple[str, str | None, str, str, int], Flow] = {}
        for f in out:
            seen.setdefault((f.label.key, field_of(f.label.cleaned), f.kind, f.sink.path, f.sink.line), f)
        result = tuple(seen.values())
        self._summary[ref] = result
        return result

    def source_flows(self) -> list[Flow]:
        """All flows from a request source to a sink, one per (kind, sink place)."""
        best: dict[tuple[str, str, int], Flow] = {}
        for path, ff in sorted(self.facts.items()):
            for key in list(ff.functions):
                for f in self.flows((path, key), lazy=False):
                    if f.label.origin != "src":
                        continue
                    k = (f.kind, f.sink.path, f.sink.line)
                    if k not in best or _rank(f) < _rank(best[k]):
                        best[k] = f
        return [best[k] for k in sorted(best)]
