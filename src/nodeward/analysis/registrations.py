"""Route registrations seen by the walker: `app.get(path, ...handlers)`, `router.use`,
`app.route(path).put(...)`, Fastify `route({...})` objects and request hooks.

Each registration becomes a `RouteReg` whose arguments are `MwRef`s (middleware, handler or
mounted router), pre-classified from package tables where the qualified name allows; the
linker (`appmodel.py`) resolves the rest across files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

import tree_sitter as ts

from nodeward.analysis.frameworks import HTTP_METHODS, looks_like_route_path
from nodeward.analysis.ir import ArgConst, MwRef, RouteReg
from nodeward.analysis.middleware import classify_qn
from nodeward.analysis.route_helpers import instantiate, is_template
from nodeward.analysis.taint.values import FUNCTION_TYPES, Value, field_of
from nodeward.jsstring import unescape

if TYPE_CHECKING:
    from nodeward.analysis.taint.walker import FileWalker, Scope

__all__ = [
    "arg_consts", "class_base", "computed_registration", "inherited_router", "handler_hints", "is_registration", "mwref", "param_slot", "record", "route_object", "schema_scalars", "unwrap_handler",
]


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


def record(w: FileWalker, rv: Value, method: str, arg_nodes: list[ts.Node], args: list[Value], node: ts.Node, scope: Scope, method_slot: str = "") -> None:
    """Record one registration with its path (prefixes from `route()`) and argument references.

    Parts that come from the enclosing function's parameters (`router[method](path, ...handlers)`)
    are marked as slots, filled in at each call of that function (`route_helpers.py`)."""
    assert rv.recv is not None
    if not method_slot and getattr(w, "_table_var", None) is None:
        table = _route_table(w, node, arg_nodes)
        if table is not None:
            _record_table(w, table, lambda: record(w, rv, method, arg_nodes, args, node, scope))
            return
    path: str | None = rv.route_path
    template: list[tuple[str, str]] = [("method", method_slot)] if method_slot else []
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
        elif method != "use" and arg_nodes[0].type in ("identifier", "member_expression") and (
            not (args[0].func or args[0].recv or args[0].imp) or (param_slot(w, arg_nodes[0], scope) and len(arg_nodes) >= 2)
        ):
            # (A parameter in the path position of `get`/`post` is the path a helper is given.)
            path = (path or "") + "{" + w.text(arg_nodes[0]) + "}"
            slot = param_slot(w, arg_nodes[0], scope)
            if slot and not rv.route_path:
                template.append(("path", slot))
            rest = rest[1:]
        elif method == "use" and len(arg_nodes) >= 2 and param_slot(w, arg_nodes[0], scope):
            # `use(path, router) { this.app.use(path, router); }`: a mount helper's prefix when the
            # caller passes a string there, else (a router first) an argument like the others.
            template.append(("usepath", param_slot(w, arg_nodes[0], scope)))
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
        elif n.type == "spread_element" and n.named_children:
            slot = param_slot(w, n.named_children[0], scope)
            refs_list.append(replace(mwref(w, n, v, scope), slot=slot + "*") if slot else mwref(w, n, v, scope))
        else:
            ref = mwref(w, n, v, scope)
            slot = _arg_slot(w, n, scope)
            refs_list.append(replace(ref, slot=slot) if slot else ref)
    handler_key = ""
    if refs_list and refs_list[-1].kind in ("inline", "local") and method not in ("use", "register"):
        handler_key = refs_list[-1].name
    template.extend(_conditions(w, node, scope))
    for one in alternatives or [path]:
        w._order += 1
        w.routes.append(
            RouteReg(rv.recv, method, one, tuple(refs_list), node.start_point[0] + 1, node.start_point[1] + 1, w._order, handler_key, w._line_text(node), scope.ctx.key, tuple(template))
        )


def _conditions(w: FileWalker, node: ts.Node, scope: Scope) -> list[tuple[str, str]]:
    """`if (options.public) router.get(...) else router.get(..., requireAuth, ...)`: the
    parameter flags a helper's registration depends on, as (`if` | `ifnot`, slot)."""
    out: list[tuple[str, str]] = []
    child = node
    cur = node.parent
    for _ in range(32):
        if cur is None or cur.type in FUNCTION_TYPES:
            break
        if cur.type in ("if_statement", "else_clause"):
            stmt = cur if cur.type == "if_statement" else cur.parent
            in_else = cur.type == "else_clause"
            cond = stmt.child_by_field_name("condition") if stmt is not None and stmt.type == "if_statement" else None
            if cond is not None and child.id != cond.id and not (cur.type == "if_statement" and _is_else(cur, child)):
                while cond.type == "parenthesized_expression" and cond.named_children:
                    cond = cond.named_children[0]
                negated = False
                if cond.type == "unary_expression" and w.text(cond).startswith("!"):
                    arg = cond.child_by_field_name("argument")
                    if arg is not None:
                        cond, negated = arg, True
                slot = param_slot(w, cond, scope)
                if slot:
                    out.append(("ifnot" if negated != in_else else "if", slot))
            if cur.type == "else_clause":
                child, cur = stmt if stmt is not None else cur, stmt.parent if stmt is not None else None
                continue
        child, cur = cur, cur.parent
    return out


def _is_else(stmt: ts.Node, child: ts.Node) -> bool:
    alt = stmt.child_by_field_name("alternative")
    return alt is not None and alt.id == child.id


# ---------------------------------------------------------------- route-registering helpers


_BINDING_STEPS = ("parameter", "destructured", "assigned to")
"""Trace steps that only bind a value to another name (anything else transforms it)."""


def param_slot(w: FileWalker, n: ts.Node, scope: Scope) -> str:
    """The parameter of the enclosing function an argument is, as a slot: `2` for a parameter
    (also a rest parameter or a destructured one), `0.path` for a field of an object parameter
    (`options.path`, `const { path } = options`); '' for anything else."""
    if n.type == "call_expression":
        # `options.handler.bind(this)`: the bound function is the parameter's.
        fn = n.child_by_field_name("function")
        prop = fn.child_by_field_name("property") if fn is not None and fn.type == "member_expression" else None
        obj = fn.child_by_field_name("object") if fn is not None else None
        if prop is not None and obj is not None and w.text(prop) == "bind":
            return param_slot(w, obj, scope)
        return ""
    if n.type in ("parenthesized_expression", "non_null_expression", "as_expression") and n.named_children:
        return param_slot(w, n.named_children[0], scope)
    if n.type == "binary_expression":
        # `options.guards ?? []`, `spec.middleware || []`: the parameter's value, or nothing.
        op = n.child_by_field_name("operator")
        right = n.child_by_field_name("right")
        left = n.child_by_field_name("left")
        if op is not None and w.text(op) in ("??", "||") and right is not None and right.type == "array" and not right.named_children and left is not None:
            return param_slot(w, left, scope)
        return ""
    if n.type == "member_expression":
        obj = n.child_by_field_name("object")
        prop = n.child_by_field_name("property")
        if obj is None or prop is None or obj.type != "identifier":
            return ""
        base = param_slot(w, obj, scope)
        return f"{base}.{w.text(prop)}" if base and "." not in base else ""
    if n.type not in ("identifier", "shorthand_property_identifier"):
        return ""
    if getattr(w, "_table_var", None) == w.text(n):
        return "0"  # the element of a route table being expanded (`_record_table`)
    v = scope.lookup(w.text(n))
    if v is None or len(v.taint) != 1 or scope.ctx.key == "<module>":
        return ""
    label = v.taint[0]
    own, _, index = label.key.rpartition("|")
    if label.origin != "param" or own != scope.ctx.key or not index.isdigit():
        return ""
    if not all(st.message.startswith(_BINDING_STEPS) for st in label.steps):
        return ""  # `'/' + name`, `String(x)`: derived from the parameter, not the parameter
    fld = field_of(label.cleaned)
    return f"{index}.{fld}" if fld else index


def _arg_slot(w: FileWalker, n: ts.Node, scope: Scope) -> str:
    """`param_slot` of a registration argument, also through a one-argument wrapper call
    (`this.wrap(options.handler.bind(this))`, `asyncHandler(handler)`): the call stays the
    reference when the caller passes no function there."""
    slot = param_slot(w, n, scope)
    if slot or n.type != "call_expression":
        return slot
    inner = w._args(n)
    through = _through_helper(w, n, inner, scope)
    if through:
        return through
    return param_slot(w, inner[0], scope) if len(inner) == 1 else ""


def _through_helper(w: FileWalker, n: ts.Node, inner: list[ts.Node], scope: Scope) -> str:
    """`this.withContentType(options)`, `chain(options)`: a project function given a parameter
    (or its field) may return what the caller put there (`options.middleware`, with its own
    additions); slot `+<slot>><function key>#<argument index>`, resolved by the linker from the
    function's returns (the call itself stays in the chain)."""
    fn = n.child_by_field_name("function")
    key = ""
    if fn is not None and fn.type == "member_expression" and scope.ctx.class_name:
        obj = fn.child_by_field_name("object")
        prop = fn.child_by_field_name("property")
        if obj is not None and obj.type == "this" and prop is not None:
            key = f"{scope.ctx.class_name}.{w.text(prop)}"
    elif fn is not None and fn.type == "identifier":
        fv = scope.lookup(w.text(fn))
        key = fv.func if fv is not None else ""
    if not key:
        return ""
    for i, a in enumerate(inner):
        slot = param_slot(w, a, scope)
        if slot:
            return f"+{slot}>{key}#{i}"
    return ""


def computed_registration(w: FileWalker, node: ts.Node, fn: ts.Node, arg_nodes: list[ts.Node], scope: Scope) -> Value | None:
    """`router[method](path, ...handlers)`, `this.app[options.method](options.path, ...)`: a
    registration whose HTTP method is a parameter of the enclosing function, recorded with
    that slot (None when the call is not one)."""
    idx = fn.child_by_field_name("index")
    obj = fn.child_by_field_name("object")
    if idx is None or obj is None or len(arg_nodes) < 2:
        return None
    slot = param_slot(w, idx, scope)
    table = _route_table(w, node, [idx]) if not slot and getattr(w, "_table_var", None) is None else None
    if table is not None:
        result: list[Value | None] = [None]
        _record_table(w, table, lambda: result.__setitem__(0, computed_registration(w, node, fn, arg_nodes, scope)))
        return result[0]
    if not slot:
        return None
    rv = w.expr(obj, scope)
    if rv.recv is None or rv.recv[0] not in ("inst", "param"):
        return None
    hints = handler_hints(w, rv)
    args: list[Value] = []
    for a in arg_nodes:
        if a.type in FUNCTION_TYPES:
            args.append(Value(func=w.function(a, scope, f"@{a.start_point[0] + 1}:{a.start_point[1] + 1}", hints)))
        else:
            args.append(w.expr(a, scope))
    record(w, rv, "", arg_nodes, args, node, scope, method_slot=slot)
    return Value(recv=rv.recv, role="app")


MAX_CONST_DEPTH = 24
"""Nesting of constants followed for a path (`PATH_STRATEGY` = `${PATH_STRATEGIES}/:id` = ... : two
levels per constant)."""


def _module_consts(w: FileWalker, node: ts.Node) -> dict[str, ts.Node]:
    """Top-level `const NAME = <expression>` of the file (paths kept in module constants)."""
    cached: dict[str, ts.Node] | None = getattr(w, "_route_consts", None)
    if cached is not None:
        return cached
    root = node
    while root.parent is not None:
        root = root.parent
    out: dict[str, ts.Node] = {}
    for stmt in root.named_children:
        decl = stmt.child_by_field_name("declaration") if stmt.type == "export_statement" else stmt
        if decl is None or decl.type != "lexical_declaration" or not any(c.type == "const" for c in decl.children):
            continue
        for d in decl.named_children:
            name = d.child_by_field_name("name")
            value = d.child_by_field_name("value")
            if d.type == "variable_declarator" and name is not None and value is not None and name.type == "identifier":
                out[w.text(name)] = value
    w._route_consts = out  # type: ignore[attr-defined]
    return out


def const_string(w: FileWalker, n: ts.Node | None, scope: Scope, depth: int = 0) -> str | None:
    """A string known without running the code: a literal, a template or `+` of constants, a
    module-level `const` holding one."""
    if n is None or depth > MAX_CONST_DEPTH:
        return None
    if n.type == "string":
        return w._string_value(n)
    if n.type == "template_string":
        parts: list[str] = []
        for c in n.named_children:
            if c.type == "string_fragment":
                parts.append(w.text(c))
            elif c.type == "escape_sequence":
                parts.append(unescape(w.text(c)))
            elif c.type == "template_substitution":
                inner = [cc for cc in c.named_children if cc.type != "comment"]
                val = const_string(w, inner[0], scope, depth + 1) if len(inner) == 1 else None
                if val is None:
                    return None
                parts.append(val)
        return "".join(parts)
    if n.type == "binary_expression":
        op = n.child_by_field_name("operator")
        if op is None or w.text(op) != "+":
            return None
        left = const_string(w, n.child_by_field_name("left"), scope, depth + 1)
        right = const_string(w, n.child_by_field_name("right"), scope, depth + 1) if left is not None else None
        return left + right if left is not None and right is not None else None
    if n.type == "parenthesized_expression" and n.named_children:
        return const_string(w, n.named_children[0], scope, depth + 1)
    if n.type == "identifier":
        v = scope.lookup(w.text(n))
        if v is not None and v.literal is not None:
            return v.literal
        decl = _module_consts(w, n).get(w.text(n))
        return const_string(w, decl, scope, depth + 1) if decl is not None else None
    return None


def _const_value(w: FileWalker, n: ts.Node, scope: Scope) -> Value:
    """The value of an argument part for a reference, without walking it again: names and
    member paths are looked up; a call is known by the qualified name of its callee."""
    if n.type in ("identifier", "member_expression", "shorthand_property_identifier"):
        return w.expr(n, scope)
    if n.type == "call_expression":
        fn = n.child_by_field_name("function")
        if fn is not None and fn.type in ("identifier", "member_expression"):
            fv = w.expr(fn, scope)
            return Value(qn=f"{fv.qn}()" if fv.qn else "")
    return Value()


def _arg_const(w: FileWalker, n: ts.Node, v: Value | None, scope: Scope, depth: int = 0) -> ArgConst | None:
    """What an argument of a call to a project function is, for route-registering helpers."""
    if depth > 3:
        return None
    slot = param_slot(w, n, scope)
    if slot:
        return ArgConst(param=slot)
    text = const_string(w, n, scope)
    if text is not None:
        return ArgConst(text=text)
    if n.type in ("true", "false", "null", "undefined", "number"):
        return ArgConst(truthy=n.type == "true" or (n.type == "number" and w.text(n).strip("0.xXbBoOn_") != ""))
    line, col = n.start_point[0] + 1, n.start_point[1] + 1
    if n.type == "member_expression" and scope.ctx.class_name:
        obj = n.child_by_field_name("object")
        prop = n.child_by_field_name("property")
        if obj is not None and obj.type == "this" and prop is not None:
            # `handler: this.updateUser`: a method of the calling class (resolved at link time).
            return ArgConst(ref=MwRef("local", name=f"{scope.ctx.class_name}.{w.text(prop)}", line=line, col=col, text=w.text(n)))
    if n.type in FUNCTION_TYPES:
        key = v.func if v is not None and v.func else f"@{line}:{col}"
        if key not in w.functions:
            # Walked under another name (`handler: (req, res) => ...` in a table entry).
            end = n.end_point[0] + 1
            key = next((k for k, f in w.functions.items() if f.line == line and f.end_line == end), "")
        if not key:
            return None
        return ArgConst(ref=MwRef("inline", name=key, line=line, col=col, text=w.text(n).split("\n", 1)[0][:80], nparams=len(w.functions[key].params)))
    if n.type == "array":
        items = [_arg_const(w, c, None, scope, depth + 1) for c in n.named_children if c.type != "comment"]
        return ArgConst(items=tuple(i for i in items if i is not None))
    if n.type == "object":
        fields: list[tuple[str, ArgConst]] = []
        unknown: list[str] = []
        opened = False
        for c in n.named_children:
            if c.type == "pair":
                knode = c.child_by_field_name("key")
                val = c.child_by_field_name("value")
                if knode is None or val is None:
                    continue
                kname = w._string_value(knode) or w.text(knode)
                fv = Value(func=v.fieldfuncs[kname]) if v is not None and kname in v.fieldfuncs else None
                got = _arg_const(w, val, fv, scope, depth + 1)
            elif c.type == "shorthand_property_identifier":
                kname = w.text(c)
                got = _arg_const(w, c, None, scope, depth + 1)
            else:
                opened = opened or c.type == "spread_element"
                continue
            if got is not None:
                fields.append((kname, got))
            else:
                unknown.append(kname)
        return ArgConst(fields=tuple(fields) + tuple((k, ArgConst()) for k in unknown), is_obj=True, open=opened)
    if n.type in ("identifier", "member_expression", "call_expression", "shorthand_property_identifier"):
        cv = v if v is not None and n.type != "call_expression" else _const_value(w, n, scope)
        if n.type == "shorthand_property_identifier":
            cv = _const_value(w, n, scope)
        if n.type != "call_expression" and not (cv.func or cv.imp is not None or cv.cls is not None or cv.recv is not None):
            return None
        ref = mwref(w, n, cv, scope)
        if ref.kind == "value" and not ref.category:
            return None
        return ArgConst(ref=ref)
    return None


_CONST_SHAPES = frozenset({"string", "template_string", "object", "array", "binary_expression"})


def arg_consts(w: FileWalker, arg_nodes: list[ts.Node], args: list[Value], scope: Scope) -> tuple[ArgConst | None, ...]:
    """`CallEvent.arg_consts` of a call to a project function: () when no argument is a
    constant, a reference or a parameter passed on (most calls: nothing to keep)."""
    if not arg_nodes or len(arg_nodes) > 8:
        return ()
    if not any(n.type in _CONST_SHAPES or param_slot(w, n, scope) for n in arg_nodes):
        return ()  # only variables passed: no helper call with constant arguments
    out = tuple(_arg_const(w, n, v, scope) for n, v in zip(arg_nodes, args, strict=False))
    return out if any(c is not None for c in out) else ()


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
        if fn is not None and fn.type == "member_expression":
            # `auth.needsPermission('x')` with `const auth = require('./auth')`: a factory that a
            # project module exports, called through the module object.
            obj, prop = fn.child_by_field_name("object"), fn.child_by_field_name("property")
            ov = scope.lookup(w.text(obj)) if obj is not None and obj.type == "identifier" else None
            if ov is not None and ov.imp is not None and ov.imp[0].startswith((".", "/")) and prop is not None and prop.type == "property_identifier":
                member = w.text(prop) if ov.imp[1] in ("", "*", "default") else f"{ov.imp[1]}.{w.text(prop)}"
                return MwRef("call", name=member, spec=ov.imp[0], qn=v.qn, category=category, line=line, col=col, text=text, option=option)
        if fn is not None and fn.type == "call_expression":
            # `require('./routes/posts')({ db })`: a factory called straight from its require.
            inner_fn = fn.child_by_field_name("function")
            inner_args = w._args(fn)
            req_spec = w._string_value(inner_args[0]) if inner_args and inner_fn is not None and w.text(inner_fn) == "require" else None
            if req_spec is not None and req_spec.startswith((".", "/")):
                return MwRef("call", name="default", spec=req_spec, qn=v.qn, category=category, line=line, col=col, text=text, option=option)
    return MwRef("call" if n.type == "call_expression" else "value", qn=v.qn, category=category, line=line, col=col, text=text, option=option)

# ---------------------------------------------------------------- functions and classes


def class_base(w: FileWalker, node: ts.Node, scope: Scope) -> tuple[str, str, str] | None:
    """The base class of a class declaration (`extends Controller`, `extends base.Controller`),
    as ("local", "", name) or ("import", spec, member); None without one or when unknown."""
    heritage = next((c for c in node.named_children if c.type == "class_heritage"), None)
    if heritage is None:
        return None
    target: ts.Node | None = None
    for c in heritage.named_children:
        if c.type == "extends_clause":
            target = c.child_by_field_name("value")
            break
        if c.type in ("identifier", "member_expression"):
            target = c
            break
    if target is None or target.type not in ("identifier", "member_expression"):
        return None  # `extends mixin(Base)`: not followed (and not evaluated twice)
    v = w.expr(target, scope)
    if v.func:
        return ("local", "", v.func)
    if v.imp is not None:
        return ("import", v.imp[0], v.imp[1] or "default")
    return None


def inherited_router(w: FileWalker, node: ts.Node, fn: ts.Node | None, method: str, rv: Value, cname: str) -> Value:
    """`this.app.use('/features', ...)` in a subclass whose base class creates `this.app`
    (in another file): a registration on the instance's router, receiver ("thisfield", class,
    field); the linker keeps it only if a base does own a router under that name."""
    obj = fn.child_by_field_name("object") if fn is not None and fn.type == "member_expression" else None
    if obj is None or obj.type != "member_expression":
        return rv
    this = obj.child_by_field_name("object")
    prop = obj.child_by_field_name("property")
    if this is None or prop is None or this.type != "this":
        return rv
    args = w._args(node)
    if method != "use" and not (args and w._string_value(args[0]) is not None):
        return rv  # `this.repo.delete(filter, options)`: a literal route path marks a route
    candidate = Value(recv=("thisfield", cname, w.text(prop)))
    return candidate if is_registration(w, method, args, candidate.recv) else rv


# ---------------------------------------------------------------- route tables

MAX_TABLE_ROWS = 200


def _const_array(w: FileWalker, n: ts.Node | None) -> list[ts.Node] | None:
    """The entries of an array literal, written in place or in a module-level `const`."""
    if n is not None and n.type == "identifier":
        n = _module_consts(w, n).get(w.text(n))
    if n is None or n.type != "array":
        return None
    return [c for c in n.named_children if c.type == "object"][:MAX_TABLE_ROWS]


def _table_of(w: FileWalker, start: ts.Node, name: str) -> list[ts.Node] | None:
    """The entries a loop variable runs over: `for (const name of ROUTES)` or
    `ROUTES.forEach((name) => ...)` (also `map`), ROUTES an array literal of this file."""
    cur = start.parent
    for _ in range(64):
        if cur is None:
            return None
        if cur.type == "for_in_statement":
            left = cur.child_by_field_name("left")
            op = cur.child_by_field_name("operator")
            if left is not None and left.type == "identifier" and w.text(left) == name and op is not None and w.text(op) == "of":
                return _const_array(w, cur.child_by_field_name("right"))
        elif cur.type in FUNCTION_TYPES:
            params = cur.child_by_field_name("parameters")
            first = cur.child_by_field_name("parameter") or (next((c for c in params.named_children if c.type != "comment"), None) if params is not None else None)
            call = cur.parent.parent if cur.parent is not None and cur.parent.type == "arguments" else None
            fn = call.child_by_field_name("function") if call is not None and call.type == "call_expression" else None
            prop = fn.child_by_field_name("property") if fn is not None and fn.type == "member_expression" else None
            if first is not None and first.type == "identifier" and w.text(first) == name and prop is not None and w.text(prop) in ("forEach", "map"):
                return _const_array(w, fn.child_by_field_name("object") if fn is not None else None)
            return None  # the variable comes from no table this function is a callback of
        cur = cur.parent
    return None


def _route_table(w: FileWalker, node: ts.Node, arg_nodes: list[ts.Node]) -> tuple[str, list[ts.Node]] | None:
    """(loop variable, table entries) when a registration reads its parts from the entries of a
    constant route table (`app[route.method](route.path, route.handler)`), else None."""
    for a in arg_nodes:
        base: ts.Node | None = a
        for _ in range(8):  # `route.path`, `...(route.middleware || [])`, `route.handler.bind(x)`
            if base is None or base.type not in ("member_expression", "spread_element", "parenthesized_expression", "binary_expression", "call_expression"):
                break
            if base.type == "member_expression":
                base = base.child_by_field_name("object")
            elif base.type == "binary_expression":
                base = base.child_by_field_name("left")
            elif base.type == "call_expression":
                fn = base.child_by_field_name("function")
                base = fn.child_by_field_name("object") if fn is not None and fn.type == "member_expression" else None
            else:
                base = base.named_children[0] if base.named_children else None
        if base is not None and base.type == "identifier" and a.type != "identifier":
            rows = _table_of(w, node, w.text(base))
            if rows:
                return w.text(base), rows
    return None


def _record_table(w: FileWalker, table: tuple[str, list[ts.Node]], register: Callable[[], object]) -> None:
    """Record the registration as a template over the loop variable, then one route per table
    entry whose method and path are constants (at the entry's line: that is where the route is
    declared); entries with computed parts give none."""
    name, rows = table
    before = len(w.routes)
    w._table_var = name  # type: ignore[attr-defined]
    try:
        register()
    finally:
        w._table_var = None  # type: ignore[attr-defined]
    templates = w.routes[before:]
    del w.routes[before:]
    scope = w.module_scope
    for row in rows:
        const = _arg_const(w, row, None, scope)
        if const is None:
            continue
        for reg in templates:
            got = instantiate(replace(reg, func=""), (const,), "", "")
            if got is None or is_template(got[0]):
                continue
            made = got[0]
            args = tuple(replace(a, file="") for a in made.args)
            w._order += 1
            w.routes.append(replace(made, args=args, line=row.start_point[0] + 1, col=row.start_point[1] + 1, order=w._order, snippet=w._line_text(row)))
