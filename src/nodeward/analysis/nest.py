"""NestJS controllers: routes come from decorators, guards from `@UseGuards`.

`@Controller('users')` on the class gives the prefix; `@Get(':id')`, `@Post()`
... on methods give the routes; `@UseGuards(AuthGuard('jwt'), RolesGuard)` on
the class or method gives the guard chain; `@Roles('admin')` marks
authorization metadata; `@Throttle()` rate limiting; a `ValidationPipe` in
`@UsePipes`/`@Body(new ValidationPipe())` validation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import tree_sitter as ts

from nodeward.analysis.ir import Label, MwRef, RouteReg
from nodeward.analysis.middleware import classify_qn
from nodeward.analysis.taint.tables import STRING_ONLY_PARTS
from nodeward.analysis.taint.values import Value

if TYPE_CHECKING:
    from nodeward.analysis.taint.walker import FileWalker, Scope

__all__ = [
    "CompiledClass",
    "Decorator",
    "NEST_METHODS",
    "compiled_decorators",
    "compiled_param_hints",
    "decorators_before",
    "global_guards",
    "guard_ref",
    "nest_param",
    "nest_route",
    "param_decorator",
    "read_decorator",
    "source_name",
]

NEST_METHODS = {"Get": "get", "Post": "post", "Put": "put", "Patch": "patch", "Delete": "delete", "All": "all", "Options": "options", "Head": "head"}

Decorator = tuple[str, list[ts.Node], ts.Node]
"""(name, argument nodes, decorator node)."""


def read_decorator(node: ts.Node, text: Callable[[ts.Node], str]) -> Decorator | None:
    """`@Get(':id')` -> ('Get', [string node], node)."""
    for c in node.named_children:
        if c.type == "call_expression":
            fn = c.child_by_field_name("function")
            args = c.child_by_field_name("arguments")
            name = text(fn) if fn is not None else ""
            return (name.rsplit(".", 1)[-1], [a for a in (args.named_children if args is not None else []) if a.type != "comment"], node)
        if c.type in ("identifier", "member_expression"):
            return (text(c).rsplit(".", 1)[-1], [], node)
    return None


def decorators_before(member: ts.Node, text: Callable[[ts.Node], str]) -> list[Decorator]:
    """Decorators attached to a class member (siblings before it) or a class (children/parent)."""
    out: list[Decorator] = []
    if member.type in ("class_declaration", "abstract_class_declaration", "class"):
        holders = [c for c in member.children if c.type == "decorator"]
        parent = member.parent
        if parent is not None and parent.type == "export_statement":
            holders = [c for c in parent.children if c.type == "decorator"] + holders
        for d in holders:
            r = read_decorator(d, text)
            if r is not None:
                out.append(r)
        return out
    sib = member.prev_named_sibling
    while sib is not None and sib.type in ("decorator", "comment"):
        # A comment between the decorators and the method (`@Post('login')\n// why\nlogin()`)
        # does not detach them.
        r = read_decorator(sib, text) if sib.type == "decorator" else None
        if r is not None:
            out.append(r)
        sib = sib.prev_named_sibling
    out.reverse()
    return out


@dataclass
class CompiledClass:
    """The decorators `tsc` moved out of a class into `__decorate(...)` calls."""

    class_decos: list[Decorator] = field(default_factory=list)
    methods: dict[str, list[Decorator]] = field(default_factory=dict)
    params: dict[str, dict[int, Decorator]] = field(default_factory=dict)


_MAX_TOP_STATEMENTS = 20_000
_PARAM_VALIDATION = "@ValidationPipe parameter"
"""The pseudo-decorator `compiled_decorators` adds to a method for a parameter's `ValidationPipe`."""


def _is_decorate(w: FileWalker, callee: ts.Node | None) -> bool:
    """`__decorate`, `tslib.__decorate`, `(0, tslib_1.__decorate)`."""
    return callee is not None and w.text(callee).rstrip(")").endswith("__decorate")


def _decorator_list(w: FileWalker, arr: ts.Node) -> tuple[list[Decorator], dict[int, Decorator]]:
    """`[Get(':id'), UseGuards(AuthGuard()), __param(0, Body()), __metadata(...)]` -> the
    decorators in source order, and the parameter decorators by index."""
    decos: list[Decorator] = []
    params: dict[int, Decorator] = {}
    for el in arr.named_children:
        if el.type == "identifier":
            decos.append((w.text(el), [], el))
            continue
        if el.type != "call_expression":
            continue
        fn = el.child_by_field_name("function")
        args_node = el.child_by_field_name("arguments")
        args = [a for a in (args_node.named_children if args_node is not None else []) if a.type != "comment"]
        name = (w.text(fn) if fn is not None else "").rstrip(")").rsplit(".", 1)[-1]
        if name == "__metadata":
            continue
        if name == "__param":
            if len(args) == 2 and args[0].type == "number" and args[1].type == "call_expression":
                inner = args[1].child_by_field_name("function")
                inner_args = args[1].child_by_field_name("arguments")
                # `Body`, `common_1.Body`, and CommonJS output's `(0, common_1.Body)`
                pname = (w.text(inner) if inner is not None else "").rstrip(")").rsplit(".", 1)[-1]
                pargs = [a for a in (inner_args.named_children if inner_args is not None else []) if a.type != "comment"]
                params[int(w.text(args[0]))] = (pname, pargs, args[1])
                validating = [a for a in pargs if "ValidationPipe" in w.text(a)]
                if validating:
                    # `@Body(new ValidationPipe()) dto` validates the route's input as a method's
                    # `@UsePipes(new ValidationPipe())` does (the source form reads it off the
                    # parameter list, which compiled output no longer decorates).
                    decos.append((_PARAM_VALIDATION, validating, args[1]))
            continue
        decos.append((name, args, el))
    return decos, params


def compiled_decorators(w: FileWalker, root: ts.Node) -> dict[str, CompiledClass]:
    """Decorators of `tsc`/`swc` output, read from the top-level `__decorate` calls:
    `__decorate([Get(':id'), __param(0, Body())], C.prototype, "m", null)` for a method and
    `C = __decorate([Controller('x'), UseGuards(AuthGuard())], C)` for the class.

    Published NestJS servers ship this compiled form, so without it their route map is empty."""
    out: dict[str, CompiledClass] = {}
    for stmt in root.named_children[:_MAX_TOP_STATEMENTS]:
        if stmt.type != "expression_statement" or not stmt.named_children:
            continue
        expr = stmt.named_children[0]
        target = ""
        # `C = __decorate(...)`, and TypeScript 5's CommonJS output chains the export in front:
        # `exports.C = C = __decorate(...)` (the local name is the innermost target).
        for _ in range(4):
            if expr.type != "assignment_expression":
                break
            left = expr.child_by_field_name("left")
            if left is not None and left.type == "identifier":
                target = w.text(left)
            expr = expr.child_by_field_name("right") or expr
        if expr.type != "call_expression" or not _is_decorate(w, expr.child_by_field_name("function")):
            continue
        args_node = expr.child_by_field_name("arguments")
        args = [a for a in (args_node.named_children if args_node is not None else []) if a.type != "comment"]
        if not args or args[0].type != "array":
            continue
        decos, params = _decorator_list(w, args[0])
        if len(args) >= 3 and args[1].type == "member_expression":
            obj = args[1].child_by_field_name("object")
            cname = w.text(obj) if obj is not None else ""
            mname = w._string_value(args[2])
            if cname and mname:
                entry = out.setdefault(cname, CompiledClass())
                entry.methods[mname] = decos
                if params:
                    entry.params[mname] = params
        elif len(args) == 2 and target and w.text(args[1]) == target:
            out.setdefault(target, CompiledClass()).class_decos = decos
    return out


def compiled_param_hints(w: FileWalker, params: dict[int, Decorator]) -> dict[int, Value]:
    """Handler parameter values from compiled `__param(i, Body())` decorators."""
    hints: dict[int, Value] = {}
    for i, (name, args, node) in params.items():
        part = _PARAM_PARTS.get(name)
        if name in ("Req", "Request"):
            hints[i] = Value(role="req")
        elif name in ("Res", "Response"):
            hints[i] = Value(role="res")
        elif part is not None:
            # `ParseIntPipe`, `new ParseUUIDPipe()`, CommonJS output's `common_1.ParseIntPipe`
            if any(w.text(a).split("(", 1)[0].removeprefix("new ").strip().rsplit(".", 1)[-1] in _SCALAR_PIPES for a in args):
                hints[i] = Value()
                continue
            hints[i] = _source(w, name, part, args, node)
    return hints


def source_name(w: FileWalker, deco: str, args: list[ts.Node]) -> str:
    """A parameter decorator as written, without its pipes: `@Body('email')` for
    `@Body('email', TrimPipe)`, `@Param(ID)` for a constant, `@Query()` for
    `@Query(new ValidationPipe())`."""
    first = args[0] if args else None
    if first is None:
        return f"@{deco}()"
    written_arg = written(w, first)  # `constants_1.ORDER_ID` in CommonJS output -> `ORDER_ID`
    is_key = w._string_value(first) is not None or (
        # a constant naming the field (`@Param(ORDER_ID)`), not a pipe class (`@Body(ValidationPipe)`)
        first.type in ("identifier", "member_expression") and not written_arg.endswith("Pipe")
    )
    if not is_key or len(written_arg) > 60 or "\n" in written_arg:
        return f"@{deco}()"
    return f"@{deco}({written_arg})"


def _source(w: FileWalker, deco: str, part: str, args: list[ts.Node], node: ts.Node) -> Value:
    """Request data from a parameter decorator.  The label's `key` stays `@Body()` (what rules
    and fingerprints use, whichever field is read); `shown` names the field as the code does,
    so messages and traces say `@Body('email')` where the handler takes only that field."""
    cleaned = frozenset({"nosql", "proto"}) if part in STRING_ONLY_PARTS else frozenset()
    shown = source_name(w, deco, args)
    label = Label("src", f"@{deco}()", cleaned, (w.step(node, f"request data `{shown}`"),), shown if shown != f"@{deco}()" else "")
    return Value((label,), role="reqpart")


def _commonjs_name(w: FileWalker, n: ts.Node) -> str | None:
    """`(0, passport_1.AuthGuard)` and `roles_guard_1.RolesGuard` (how `tsc`'s CommonJS output
    calls and reads imports) -> the imported name the source wrote, else None."""
    if n.type == "parenthesized_expression" and n.named_children and n.named_children[0].type == "sequence_expression":
        parts = n.named_children[0].named_children
        if len(parts) == 2 and w.text(parts[0]) == "0":
            return _commonjs_name(w, parts[1]) or w.text(parts[1])
    if n.type == "member_expression":
        obj, prop = n.child_by_field_name("object"), n.child_by_field_name("property")
        name = w.text(obj) if obj is not None and obj.type == "identifier" else ""
        if prop is not None and name[-2:-1] == "_" and name[-1:].isdigit():
            return w.text(prop)
    return None


_MAX_WRITTEN_DEPTH = 4


def written(w: FileWalker, n: ts.Node, depth: int = 0) -> str:
    """A decorator or guard as its TypeScript source wrote it, also when read from compiled
    CommonJS: `(0, passport_1.AuthGuard)('jwt')` -> `AuthGuard('jwt')`, `roles_guard_1.RolesGuard`
    -> `RolesGuard` (route maps and messages quote the user's code, not tsc's)."""
    target = n.named_children[0] if n.type == "decorator" and n.named_children else n
    prefix = "@" if n.type == "decorator" else ""
    if target.type in ("call_expression", "new_expression"):
        fn = target.child_by_field_name("function" if target.type == "call_expression" else "constructor")
        args = target.child_by_field_name("arguments")
        name = _commonjs_name(w, fn) if fn is not None else None
        if name is not None:
            new = "new " if target.type == "new_expression" else ""
            if args is None:
                return f"{prefix}{new}{name}()"
            if depth >= _MAX_WRITTEN_DEPTH:
                return f"{prefix}{new}{name}{w.text(args)}"
            # into the arguments too: `UsePipes(new ValidationPipe())`
            inner = [written(w, a, depth + 1) for a in args.named_children if a.type != "comment"]
            return f"{prefix}{new}{name}({', '.join(inner)})"
    else:
        name = _commonjs_name(w, target)
        if name is not None:
            return prefix + name
    return w.text(n)


def guard_ref(w: FileWalker, a: ts.Node, scope: Scope, line: int, col: int) -> MwRef:
    """A guard (`AuthGuard('jwt')`, `RolesGuard`, `new JwtAuthGuard()`), classified by package or name."""
    v = w.expr(a, scope)
    text = written(w, a)
    cat = classify_qn(v.qn.replace("()", "")) or classify_qn(v.qn)
    if not cat:
        low = text.lower()
        if any(word in low for word in ("throttl", "ratelimit", "rate_limit", "rate-limit", "limiter", "brute")):
            # `LoginThrottlerGuard extends ThrottlerGuard`: a limiter, whatever route it names.
            cat = "rate_limit"
        elif any(word in low for word in ("role", "permission", "admin", "policy", "ability")):
            cat = "authorization"
        elif any(word in low for word in ("auth", "jwt", "session", "login")):
            cat = "authentication"
    return MwRef("call" if a.type in ("call_expression", "new_expression") else "value", qn=v.qn, category=cat, line=line, col=col, text=text)


def global_guards(w: FileWalker, arg_nodes: list[ts.Node], scope: Scope, node: ts.Node, *, pipes: bool = False) -> None:
    """`app.useGlobalGuards(new JwtAuthGuard(), new RolesGuard())` or
    `app.useGlobalPipes(new ValidationPipe())` in `main.ts`: every controller."""
    if pipes:
        refs = tuple(
            MwRef("call", qn="ValidationPipe", category="validation", line=a.start_point[0] + 1, col=a.start_point[1] + 1, text=w.text(a).split("\n", 1)[0][:80])
            for a in arg_nodes
            if "ValidationPipe" in w.text(a)
        )
        if not refs:
            return
    else:
        refs = tuple(guard_ref(w, a, scope, a.start_point[0] + 1, a.start_point[1] + 1) for a in arg_nodes)
    w._order += 1
    w.routes.append(RouteReg(("nest-global", "", ""), "use", None, refs, node.start_point[0] + 1, node.start_point[1] + 1, w._order))


_GLOBAL_PROVIDERS = ("APP_GUARD", "APP_PIPE")
PUBLIC_DECORATORS = frozenset({"Public", "SkipAuth", "AllowAnonymous", "IsPublic", "NoAuth"})
"""Custom decorators that, by convention (NestJS docs), make a global auth guard skip a route."""


def global_provider(w: FileWalker, obj: ts.Node, scope: Scope) -> None:
    """`{ provide: APP_GUARD, useClass: JwtAuthGuard }` in a module's providers: a guard (or
    `APP_PIPE` with a `ValidationPipe`) for every controller, like `useGlobalGuards`."""
    provide = use = None
    for c in obj.named_children:
        if c.type != "pair":
            continue
        key = c.child_by_field_name("key")
        val = c.child_by_field_name("value")
        kname = w.text(key) if key is not None else ""
        if kname == "provide" and val is not None:
            provide = w.text(val)
        elif kname in ("useClass", "useValue", "useExisting") and val is not None:
            use = val
    if provide not in _GLOBAL_PROVIDERS or use is None:
        return
    line, col = use.start_point[0] + 1, use.start_point[1] + 1
    if provide == "APP_PIPE":
        if "ValidationPipe" not in w.text(use):
            return
        ref = MwRef("call", qn="ValidationPipe", category="validation", line=line, col=col, text=w.text(use).split("\n", 1)[0][:80])
    else:
        ref = guard_ref(w, use, scope, line, col)
    w._order += 1
    w.routes.append(RouteReg(("nest-global", "", ""), "use", None, (ref,), line, col, w._order))


def nest_route(w: FileWalker, cname: str, prefix: str, class_decos: list[Decorator], m: ts.Node, key: str, scope: Scope, method_decos: list[Decorator] | None = None) -> None:
    """A NestJS handler method: `@Get(':id')` under `@Controller('users')` (`method_decos`
    when they come from compiled `__decorate` calls rather than the syntax)."""
    decos = method_decos if method_decos is not None else decorators_before(m, w.text)
    verb = next((d for d in decos if d[0] in NEST_METHODS), None)
    if verb is None:
        return
    subs = [""]
    if verb[1] and verb[1][0].type == "array":  # @Delete(['', ':id']): one route per path
        subs = [sv for sv in (w._string_value(c) for c in verb[1][0].named_children) if sv is not None] or [""]
    elif verb[1]:
        subs = [w._string_value(verb[1][0]) or ""]
    refs: list[MwRef] = []
    for name, args, dnode in (*class_decos, *decos):
        line, col = dnode.start_point[0] + 1, dnode.start_point[1] + 1
        if name == "UseGuards":
            refs.extend(guard_ref(w, a, scope, line, col) for a in args)
        elif name in ("Roles", "Permissions", "RequirePermissions"):
            refs.append(MwRef("value", qn=name, category="authorization", line=line, col=col, text=written(w, dnode).removeprefix("@")))
        elif name in ("Throttle",):
            refs.append(MwRef("value", qn=name, category="rate_limit", line=line, col=col, text=written(w, dnode).removeprefix("@")))
        elif name == "UsePipes" and any("Validation" in w.text(a) for a in args):
            refs.append(MwRef("value", qn=name, category="validation", line=line, col=col, text=written(w, dnode).removeprefix("@")))
        elif name in PUBLIC_DECORATORS:
            refs.append(MwRef("value", name="public", qn=name, line=line, col=col, text=written(w, dnode).removeprefix("@")))
    params = m.child_by_field_name("parameters")
    if (params is not None and "ValidationPipe" in w.text(params)) or any(d[0] == _PARAM_VALIDATION for d in decos):
        refs.append(MwRef("value", qn="ValidationPipe", category="validation", line=m.start_point[0] + 1, col=1, text="ValidationPipe"))
    refs.append(MwRef("inline", name=key, line=m.start_point[0] + 1, col=m.start_point[1] + 1, text=w.text(m).split("\n", 1)[0][:80], nparams=len(w.functions[key].params)))
    for sub in subs:
        path = "/" + "/".join(p.strip("/") for p in (prefix, sub) if p.strip("/"))
        w._order += 1
        w.routes.append(RouteReg(("nest", cname, ""), NEST_METHODS[verb[0]], path, tuple(refs), m.start_point[0] + 1, m.start_point[1] + 1, w._order, key, w._line_text(m)))


_SCALAR_PIPES = frozenset({"ParseIntPipe", "ParseFloatPipe", "ParseBoolPipe", "ParseUUIDPipe", "ParseEnumPipe"})
"""NestJS pipes that turn a parameter into a scalar (or reject the request with 400)."""


def _uses_scalar_pipe(w: FileWalker, p: ts.Node) -> bool:
    """Whether a parameter's decorator passes a scalar pipe (`@Param('id', ParseIntPipe)`,
    `new ParseUUIDPipe({ version: '4' })`), found by walking the decorator's identifiers."""
    stack = [c for c in p.children if c.type == "decorator"]
    seen = 0
    while stack and seen < 256:
        n = stack.pop()
        seen += 1
        if n.type in ("identifier", "property_identifier") and w.text(n) in _SCALAR_PIPES:
            return True
        stack.extend(n.named_children)
    return False


def param_decorator(w: FileWalker, p: ts.Node) -> str:
    """The name of a parameter's decorator (`Body` for `@Body() dto` and `@common.Body() dto`), or ''."""
    for c in p.children:
        if c.type == "decorator":
            for cc in c.named_children:
                fn = cc.child_by_field_name("function") if cc.type == "call_expression" else cc
                if fn is not None:
                    return w.text(fn).rsplit(".", 1)[-1]
    return ""


_PARAM_PARTS = {"Body": "body", "Query": "query", "Param": "params", "Headers": "headers", "Cookies": "cookies", "UploadedFile": "files", "Args": "params"}


def nest_param(w: FileWalker, deco: str, p: ts.Node) -> Value:
    """The value a decorated handler parameter holds (`@Body()` is request data)."""
    part = _PARAM_PARTS.get(deco)
    if deco in ("Req", "Request"):
        return Value(role="req")
    if deco in ("Res", "Response"):
        return Value(role="res")
    if part is None:
        return Value()
    if _uses_scalar_pipe(w, p):
        return Value()  # `@Param('id', ParseIntPipe) id`: a number/UUID/enum member or a 400 error
    return _source(w, deco, part, _decorator_args(w, p), p)


def _decorator_args(w: FileWalker, p: ts.Node) -> list[ts.Node]:
    """The arguments of a parameter's decorator (`'email'` in `@Body('email') email`)."""
    for c in p.children:
        if c.type == "decorator":
            r = read_decorator(c, w.text)
            return r[1] if r is not None else []
    return []
