"""Request data parked in a store by one middleware and read back by a later one.

Express middleware hands values to the handlers after it through `res.locals` or
properties of its own on the request (`req.target`), both per request, or through
`req.app.locals` (app-wide); Koa middleware uses `ctx.state`.
The walker records, per function, what it writes there (`FuncFacts.stores`) and
turns every read into a symbolic `store` label (`function key|res.locals.cmd`).
This module decides which writes a read can see:

- per-request stores (`res.locals`, `req.<property>`, `ctx.state`): the writes of the middleware
  that run *before* the reading function on some route (global, router-level and
  route-level middleware from the route model), and of the reading function
  itself.  A middleware in another file counts once the route model has mounted
  it; a middleware registered for other routes, or after the handler, does not.
  A reader that is no route's middleware or handler (a helper called with `res`)
  sees every write of the project, since its callers are not known here.
- app-wide stores (`req.app.locals`): every write of the project, in any order,
  as the value outlives the request that wrote it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from nodeward.analysis.ir import FileFacts, Taint
from nodeward.analysis.taint.tables import REQUEST_PARTS

__all__ = ["APP_WIDE", "REQ_OWN", "STORE_READ", "STORE_ROLES", "StoreIndex"]

FuncRef = tuple[str, str]

STORE_ROLES = {"locals": "res.locals", "applocals": "req.app.locals", "state": "ctx.state", "req": "req"}
"""Walker role of a store object -> the store's name in labels and messages."""

APP_WIDE = ("req.app.locals.",)

REQ_OWN = frozenset(
    REQUEST_PARTS
    | {"user", "session", "app", "req", "request", "res", "response", "next", "route", "baseUrl", "path", "method"}
    | {"protocol", "secure", "ip", "ips", "xhr", "subdomains", "fresh", "stale", "host", "socket", "connection"}
    | {"httpVersion", "httpVersionMajor", "httpVersionMinor", "complete", "aborted", "rawHeaders", "rawTrailers"}
    | {"trailers", "statusCode", "statusMessage", "id", "log", "raw", "server", "routeOptions", "routerPath", "is"}
    | {"csrfToken", "flash", "logIn", "login", "logOut", "logout", "isAuthenticated", "isUnauthenticated"}
    | {"cookie", "sessionID", "authInfo", "validationErrors", "t", "i18n", "locale", "language", "timedout"}
)
"""Properties of the request object that Express, Node, Fastify and common middleware own
(sources, the session and user, built-in getters): never a store. Any other property written
by a middleware (`req.target = req.body.host`) is read back by the functions after it."""
"""Stores shared by every request of the app."""

STORE_READ = "read back from "
"""Prefix of the trace step a store read adds (the message names the store and key)."""

_MAX_PARENTS = 64


class StoreIndex:
    """Which functions' writes to a store key a reading function can see."""

    def __init__(self, facts: Mapping[str, FileFacts], chains: Iterable[tuple[FuncRef | None, ...]]) -> None:
        self.facts = facts
        self._before: dict[FuncRef, set[FuncRef]] = {}
        """Function on some route's chain -> the functions that run before it on some route."""
        # Routes of one router share their middleware: each distinct middleware sequence is
        # expanded once (quadratic in its length), each route's last function gets it whole.
        prefixes: dict[tuple[FuncRef, ...], frozenset[FuncRef]] = {}
        for chain in chains:
            refs = [ref for ref in chain if ref is not None]
            if not refs:
                continue
            head = tuple(refs[:-1])
            whole = prefixes.get(head)
            if whole is None:
                seen: list[FuncRef] = []
                for ref in head:
                    self._before.setdefault(ref, set()).update(seen)
                    seen.append(ref)
                whole = prefixes[head] = frozenset(head)
            self._before.setdefault(refs[-1], set()).update(whole)
        self._writers: dict[str, list[tuple[FuncRef, FuncRef, Taint]]] = {}
        """`res.locals.key` -> (anchor, writer, taint) of every write in the project."""
        for path, ff in facts.items():
            for key, fn in ff.functions.items():
                for name, taint in fn.stores:
                    self._writers.setdefault(name, []).append((self.anchor(path, key), (path, key), taint))

    def anchor(self, path: str, key: str) -> FuncRef:
        """The function on a route chain that contains `key` (itself, or the middleware or
        handler a callback is nested in), or the function itself when none does."""
        ff = self.facts.get(path)
        cur = key
        for _ in range(_MAX_PARENTS):
            if (path, cur) in self._before:
                return (path, cur)
            fn = ff.functions.get(cur) if ff is not None else None
            if fn is None or not fn.parent or fn.parent == cur:
                break
            cur = fn.parent
        return (path, key)

    def writes(self, path: str, reader: str, name: str) -> list[tuple[FuncRef, Taint]]:
        """(writer, taint) of the writes to store key `name` (`res.locals.cmd`) that the
        function `reader` of file `path` can read."""
        writers = self._writers.get(name, []) + self._writers.get(name.rsplit(".", 1)[0] + ".*", [])
        if not writers:
            return []
        if name.startswith(APP_WIDE):
            return [(w, t) for _a, w, t in writers]
        anchor = self.anchor(path, reader)
        before = self._before.get(anchor)
        if before is None:
            return [(w, t) for _a, w, t in writers]
        return [(w, t) for a, w, t in writers if a == anchor or a in before]
