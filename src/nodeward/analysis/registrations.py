"""Route registrations seen by the walker: `app.get(path, ...handlers)`, `router.use`,
`app.route(path).put(...)`, Fastify `route({...})` objects and request hooks.

Each registration becomes a `RouteReg` whose arguments are `MwRef`s (middleware, handler or
mounted router), pre-classified from package tables where the qualified name allows; the
linker (`appmodel.py`) resolves the rest across files.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import tree_sitter as ts

from nodeward.analysis.frameworks import HTTP_METHODS, looks_like_route_path
from nodeward.analysis.ir import MwRef, RouteReg
from nodeward.analysis.middleware import classify_qn
from nodeward.analysis.taint.values import FUNCTION_TYPES, Value

if TYPE_CHECKING:
    from nodeward.analysis.taint.walker import FileWalker, Scope

__all__ = ["handler_hints", "is_registration", "mwref", "record", "route_object", "schema_scalars", "unwrap_handler"]


def is_registration(w: FileWalker, method: str, arg_nodes: list[ts.Node], recv: tuple[str, ...] | None = None) -> bool:
    """Whether `recv.method(args)` registers a route or middleware (not `map.get(key)`).

    `recv` is the receiver's reference: `tx((service) => service.delete(id, req.audit))` has a
    parameter of an inline callback as receiver and a variable as first argument, which is a
    store call, not a route, unless a handler function is given inline."""
    if method in HTTP_METHODS:
        if len(arg_nodes) < 2 and method == "get":
            return False
        if not arg_nodes:
            return False
        first = w._string_value(arg_nodes[0])
        if first is not None:
            return looks_like_route_path(first)
        if recv is not None and recv[0] == "param" and recv[1].startswith("@") and not any(a.type in FUNCTION_TYPES for a in arg_nodes[1:]):
            return False
        return arg_nodes[0].type in ("array", "regex", "identifier", "template_string", "member_expression") and len(arg_nodes) >= 2
    if method == "use":
        return bool(arg_nodes)
    if method == "route":
        return len(arg_nodes) == 1 and (w._string_value(arg_nodes[0]) is not None or arg_nodes[0].type == "object")
    if method in ("disable", "set", "enable"):
        return bool(arg_nodes) and w._string_value(arg_nodes[0]) is not None
    if method == "param":
        # app.param('id', (req, res, next, id) => ...): runs before every route with `:id`.
        return len(arg_nodes) == 2 and (w._string_value(arg_nodes[0]) is not None or arg_nodes[0].type == "array")
    if method in ("register", "setErrorHandler", "addHook"):
        return bool(arg_nodes)
    if method == "listen":
        # `app.listen(port)`, `start(app) { app.listen(port, host) }`: the app serves requests
        # itself (a root of an app tree), see `appmodel.py`.  A callback taking parameters
        # (`(err) => ...`) would be bound like a handler's (req, res): such calls are left to
        # the linker's module scan (`serving.py`), which sees the same server start.
        return (recv is None or recv[0] in ("inst", "param", "ret")) and not any(_takes_parameters(a) for a in arg_nodes)
    return False


def _takes_parameters(node: ts.Node) -> bool:
    """A function expression with at least one parameter (`(err) => ...`, `function (e) {}`)."""
    if node.type not in FUNCTION_TYPES:
        return False
    if node.child_by_field_name("parameter") is not None:
        return True
    params = node.child_by_field_name("parameters")
    return params is not None and any(c.type != "comment" for c in params.named_children)


def handler_hints(w: FileWalker, rv: Value) -> dict[int, Value]:
    """How to bind the parameters of inline handlers for this app/router's framework."""
    assert rv.recv is not None
    recv = rv.recv
    kind = w.instances[recv[1]].kind if recv[0] == "inst" and recv[1] in w.instances else ""
    if kind.startswith("koa"):
        return {0: Value(role="ctx")}
    if kind == "fastify":
        return {0: Value(role="req"), 1: Value(role="reply")}
    return {0: Value(role="req"), 1: Value(role="res")}


def record(w: FileWalker, rv: Value, method: str, arg_nodes: list[ts.Node], args: list[Value], node: ts.Node, scope: Scope) -> None:
    """Record one registration with its path (prefixes from `route()`) and argument references."""
    assert rv.recv is not None
    path: str | None = rv.route_path
    alternatives: list[str | None] = []
    rest = list(zip(arg_nodes, args, strict=False))
    if method == "route":
        if arg_nodes and arg_nodes[0].type == "object":
            route_object(w, rv, arg_nodes[0], args[0], node, scope)
        return
    if method == "listen":
        w._order += 1
        w.routes.append(RouteReg(rv.recv, "listen", None, (), node.start_point[0] + 1, node.start_point[1] + 1, w._order))
        return
    if method in ("disable", "set", "enable"):
        refs = tuple(mwref(w, n, v, scope) for n, v in rest)
        w._order += 1
        w.routes.append(RouteReg(rv.recv, method, w._string_value(arg_nodes[0]), refs, node.start_point[0] + 1, node.start_point[1] + 1, w._order))
        return
    if method == "param":
        names = [w._string_value(c) for c in (arg_nodes[0].named_children if arg_nodes[0].type == "array" else [arg_nodes[0]])]
        shown = w.text(arg_nodes[0]).split("\n", 1)[0][:60]
        refs = tuple(replace(mwref(w, n, v, scope), text=f"param({shown})") for n, v in rest[1:])
        w._order += 1
        w.routes.append(RouteReg(rv.recv, "param", ",".join(nm for nm in names if nm), refs, node.start_point[0] + 1, node.start_point[1] + 1, w._order))
        return
    if method == "addHook":
        # fastify.addHook('onRequest', fn): request hooks act as global middleware.
        if not (arg_nodes and w._string_value(arg_nodes[0]) in ("onRequest", "preParsing", "preValidation", "preHandler")):
            return
        rest = rest[1:]
        method = "use"
    elif rest and method != "register":
        first_lit = w._string_value(arg_nodes[0]) if arg_nodes else None
        listed = [w._string_value(c) for c in arg_nodes[0].named_children] if arg_nodes[0].type == "array" else []
        if listed and all(p is not None for p in listed):
            # `app.get(['/a', '/b'], h)`: one route per path, sharing the chain.
            alternatives = [(path or "") + str(p) for p in listed]
            rest = rest[1:]
        elif first_lit is not None or arg_nodes[0].type in ("array", "regex", "template_string"):
            path = (path or "") + (first_lit if first_lit is not None else w.text(arg_nodes[0]))
            rest = rest[1:]
        elif method != "use" and arg_nodes[0].type in ("identifier", "member_expression") and not (args[0].func or args[0].recv or args[0].imp):
            path = (path or "") + "{" + w.text(arg_nodes[0]) + "}"
            rest = rest[1:]
    refs_list: list[MwRef] = []
    for n, v in rest:
        if n.type == "array":
            refs_list.extend(mwref(w, c, w.expr(c, scope), scope) for c in n.named_children)
        elif n.type == "object" and method in ("register", "get", "post", "put", "patch", "delete", "route"):
            # fastify route options: { preHandler: [...], onRequest: ..., prefix: '/x' }
            prefix = w._object_string_field(n, "prefix")
            for c in n.named_children:
                if c.type != "pair":
                    continue
                key = c.child_by_field_name("key")
                kname = w.text(key) if key is not None else ""
                val = c.child_by_field_name("value")
                if kname in ("preHandler", "onRequest", "preValidation", "beforeHandler") and val is not None:
                    items = val.named_children if val.type == "array" else [val]
                    refs_list.extend(mwref(w, it, w.expr(it, scope), scope) for it in items)
                elif kname == "schema" and val is not None:
                    refs_list.append(MwRef("value", name="schema", category="validation", line=c.start_point[0] + 1, col=c.start_point[1] + 1, text="fastify schema", option=schema_scalars(w, val)))
            if prefix is not None:
                refs_list.append(MwRef("value", name="prefix", option=prefix, line=n.start_point[0] + 1))
        else:
            refs_list.append(mwref(w, n, v, scope))
    handler_key = ""
    if refs_list and refs_list[-1].kind in ("inline", "local") and method not in ("use", "register"):
        handler_key = refs_list[-1].name
    for one in alternatives or [path]:
        w._order += 1
        w.routes.append(RouteReg(rv.recv, method, one, tuple(refs_list), node.start_point[0] + 1, node.start_point[1] + 1, w._order, handler_key, w._line_text(node)))


def route_object(w: FileWalker, rv: Value, obj: ts.Node, ov: Value, node: ts.Node, scope: Scope) -> None:
    """Fastify `route({ method, url, preHandler, handler })`."""
    assert rv.recv is not None
    methods: list[str] = []
    url: str | None = None
    refs: list[MwRef] = []
    handler: MwRef | None = None
    for c in obj.named_children:
        if c.type != "pair":
            continue
        key = c.child_by_field_name("key")
        val = c.child_by_field_name("value")
        if key is None or val is None:
            continue
        kname = w.text(key)
        if kname == "method":
            items = val.named_children if val.type == "array" else [val]
            methods = [m.lower() for m in (w._string_value(i) for i in items) if m]
        elif kname in ("url", "path"):
            url = w._string_value(val)
        elif kname in ("preHandler", "onRequest", "preValidation"):
            items = val.named_children if val.type == "array" else [val]
            refs.extend(mwref(w, it, w.expr(it, scope) if it.type not in FUNCTION_TYPES else Value(), scope) for it in items)
        elif kname == "schema":
            refs.append(MwRef("value", name="schema", category="validation", line=c.start_point[0] + 1, col=c.start_point[1] + 1, text="fastify schema", option=schema_scalars(w, val)))
        elif kname == "handler":
            key_fn = ov.fieldfuncs.get("handler", "")
            if key_fn:
                handler = MwRef("inline", name=key_fn, line=val.start_point[0] + 1, col=val.start_point[1] + 1, text=w.text(val).split("\n", 1)[0][:80])
    if url is None or handler is None:
        return
    for m in methods or ["get"]:
        w._order += 1
        w.routes.append(RouteReg(rv.recv, m, url, (*refs, handler), node.start_point[0] + 1, node.start_point[1] + 1, w._order, handler.name, w._line_text(node)))


_SCHEMA_PARTS = {"body": "body", "querystring": "query", "query": "query", "params": "params", "headers": "headers"}
_SAFE_FORMATS = frozenset({"uuid", "date", "date-time", "time", "ipv4", "ipv6", "hostname", "int32", "int64"})
"""Formats whose every valid value is free of shell, path and URL metacharacters (`email` is not:
its local part admits `|`, `$`, `'` and `&`)."""


def _field(obj: ts.Node | None, w: FileWalker, name: str) -> ts.Node | None:
    """The value node of `name` in an object literal, or None."""
    if obj is None or obj.type != "object":
        return None
    for c in obj.named_children:
        if c.type == "pair":
            key = c.child_by_field_name("key")
            if key is not None and (w._string_value(key) or w.text(key)) == name:
                return c.child_by_field_name("value")
    return None


def _scalar_property(w: FileWalker, prop: ts.Node) -> bool:
    """A JSON-schema property that only admits harmless values: `enum`/`const`, a number or
    boolean type, a safe `format`, or an anchored `pattern` without `.`/`\\s` classes that
    could admit shell or path metacharacters."""
    if prop.type != "object":
        return False
    if _field(prop, w, "enum") is not None or _field(prop, w, "const") is not None:
        return True
    typ = w._string_value(_field(prop, w, "type"))
    if typ in ("integer", "number", "boolean"):
        return True
    fmt = w._string_value(_field(prop, w, "format"))
    if fmt in _SAFE_FORMATS:
        return True
    pattern = w._string_value(_field(prop, w, "pattern"))
    if pattern is None or not (pattern.startswith("^") and pattern.endswith("$")):
        return False
    return not any(broad in pattern for broad in (".", "[^", "\\S", "\\W", "\\D"))


def schema_scalars(w: FileWalker, schema: ts.Node | None) -> str:
    """Comma-separated request fields (`body.name,params.id`) a Fastify route schema restricts
    to harmless scalars; their flows in the handler are dropped by the rules."""
    out: list[str] = []
    if schema is None or schema.type != "object":
        return ""
    for key, part in _SCHEMA_PARTS.items():
        props = _field(_field(schema, w, key), w, "properties")
        if props is None or props.type != "object":
            continue
        for c in props.named_children:
            if c.type != "pair":
                continue
            k = c.child_by_field_name("key")
            v = c.child_by_field_name("value")
            if k is not None and v is not None and _scalar_property(w, v):
                out.append(f"{part}.{w._string_value(k) or w.text(k)}")
    return ",".join(out)


def unwrap_handler(w: FileWalker, n: ts.Node, v: Value, scope: Scope) -> MwRef | None:
    """`asyncHandler(async (req, res) => ...)`, `catchAsync(controller.create)`: the wrapped
    function is the handler (unless the wrapper is a known middleware factory)."""
    if n.type != "call_expression" or classify_qn(v.qn):
        return None
    inner = w._args(n)
    if len(inner) != 1:
        return None
    arg = inner[0]
    if arg.type in FUNCTION_TYPES:
        key = f"@{arg.start_point[0] + 1}:{arg.start_point[1] + 1}"
        if key in w.functions:
            return MwRef("inline", name=key, line=arg.start_point[0] + 1, col=arg.start_point[1] + 1, text=w.text(n).split("\n", 1)[0][:120], nparams=len(w.functions[key].params))
        return None
    if arg.type in ("identifier", "member_expression"):
        av = w.expr(arg, scope)
        # A whole imported module (`makeUsers(db)` with `db = require('./db')`) is a dependency
        # handed to a factory, not a wrapped handler; `catchAsync(users.create)` is one.
        if av.func or (av.imp is not None and av.imp[1]):
            return mwref(w, arg, av, scope)
    return None


_SECRET_TAKING = ("cookie-parser", "express-session", "cookie-session", "koa-session", "express-jwt", "koa-jwt", "jsonwebtoken", "csurf", "csrf-csrf", "@fastify/cookie", "@fastify/session", "@fastify/jwt")


def _display(w: FileWalker, n: ts.Node, qn: str) -> str:
    """How a middleware is shown: its first source line, but `name(…)` for calls whose
    arguments are secrets (session and cookie secrets, JWT keys)."""
    fn = n.child_by_field_name("function") if n.type == "call_expression" else None
    if fn is not None and qn.startswith(_SECRET_TAKING):
        return w.text(fn).split("\n", 1)[0][:80] + "(…)"
    return w.text(n).split("\n", 1)[0][:120]


def _any_origin_with_credentials(w: FileWalker, obj: ts.Node) -> bool:
    """`cors({ origin: true | '*' | (o, cb) => cb(null, true), credentials: true })`."""
    origin_any = False
    for c in obj.named_children:
        if c.type != "pair":
            continue
        key = c.child_by_field_name("key")
        val = c.child_by_field_name("value")
        if key is None or val is None:
            continue
        if w.text(key) == "origin" and (val.type == "true" or w._string_value(val) == "*" or val.type in FUNCTION_TYPES):
            origin_any = True
    return origin_any and w._object_flag(obj, "credentials")


def mwref(w: FileWalker, n: ts.Node, v: Value, scope: Scope) -> MwRef:
    """A reference to one registration argument: instance, function, import or package call."""
    line, col = n.start_point[0] + 1, n.start_point[1] + 1
    if n.type == "call_expression":
        # `controller.getById.bind(controller)`: the bound method is the handler.
        fn = n.child_by_field_name("function")
        prop = fn.child_by_field_name("property") if fn is not None and fn.type == "member_expression" else None
        obj = fn.child_by_field_name("object") if fn is not None else None
        if prop is not None and obj is not None and w.text(prop) == "bind" and obj.type == "member_expression":
            return mwref(w, obj, w.expr(obj, scope), scope)
    text = _display(w, n, v.qn)
    if v.recv is not None:
        return MwRef("inst", qn=v.qn, line=line, col=col, text=text, recv=v.recv)
    if v.func:
        nparams = w.functions[v.func].params if v.func in w.functions else ()
        kind = "inline" if n.type in FUNCTION_TYPES else "local"
        fname = n.child_by_field_name("name") if n.type in FUNCTION_TYPES else None
        if fname is not None:
            text = w.text(fname)  # a named function expression is shown by its name
        return MwRef(kind, name=v.func, qn=v.qn, line=line, col=col, text=text, nparams=len(nparams))
    if v.cls is not None and n.type == "member_expression":
        # `controller.list` with `controller = new UserController()`: the class's method.
        prop = n.child_by_field_name("property")
        kind, spec, base = v.cls
        name = f"{base}.{w.text(prop) if prop is not None else ''}"
        if kind == "local":
            fn_facts = w.functions.get(name)
            return MwRef("local", name=name, qn=v.qn, line=line, col=col, text=text, nparams=len(fn_facts.params) if fn_facts is not None else 0)
        return MwRef("import", name=name, spec=spec, qn=v.qn, line=line, col=col, text=text)
    wrapped = unwrap_handler(w, n, v, scope)
    if wrapped is not None:
        return wrapped
    option = ""
    category = classify_qn(v.qn)
    if n.type == "call_expression":
        inner = w._args(n)
        if inner and inner[0].type == "object":
            option = w._object_string_field(inner[0], "limit") or ""
            if category == "cors" and _any_origin_with_credentials(w, inner[0]):
                option = "any-origin-with-credentials"
        if category == "body_parser" and not option:
            option = "json" if v.qn.endswith(("json()", ".json")) else ""
    if v.imp is not None:
        return MwRef("import", name=v.imp[1], spec=v.imp[0], qn=v.qn, category=category, line=line, col=col, text=text, option=option)
    if n.type == "call_expression":
        # A middleware factory of this project: requireRole('admin').
        fn = n.child_by_field_name("function")
        fv = scope.lookup(w.text(fn)) if fn is not None and fn.type == "identifier" else None
        if fv is not None and fv.func:
            return MwRef("call", name=fv.func, qn=v.qn, category=category, line=line, col=col, text=text, option=option)
        if fv is not None and fv.imp is not None:
            return MwRef("call", name=fv.imp[1] or "default", spec=fv.imp[0], qn=v.qn, category=category, line=line, col=col, text=text, option=option)
        if fn is not None and fn.type == "call_expression":
            # `require('./routes/posts')({ db })`: a factory called straight from its require.
            inner_fn = fn.child_by_field_name("function")
            inner_args = w._args(fn)
            req_spec = w._string_value(inner_args[0]) if inner_args and inner_fn is not None and w.text(inner_fn) == "require" else None
            if req_spec is not None and req_spec.startswith((".", "/")):
                return MwRef("call", name="default", spec=req_spec, qn=v.qn, category=category, line=line, col=col, text=text, option=option)
    return MwRef("call" if n.type == "call_expression" else "value", qn=v.qn, category=category, line=line, col=col, text=text, option=option)

# ---------------------------------------------------------------- functions and classes
