"""NestJS controllers: routes come from decorators, guards from `@UseGuards`.

`@Controller('users')` on the class gives the prefix; `@Get(':id')`, `@Post()`
... on methods give the routes; `@UseGuards(AuthGuard('jwt'), RolesGuard)` on
the class or method gives the guard chain; `@Roles('admin')` marks
authorization metadata; `@Throttle()` rate limiting; a `ValidationPipe` in
`@UsePipes`/`@Body(new ValidationPipe())` validation.
"""

from __future__ import annotations

from collections.abc import Callable

import tree_sitter as ts

__all__ = ["Decorator", "NEST_METHODS", "decorators_before", "read_decorator"]

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
    while sib is not None and sib.type == "decorator":
        r = read_decorator(sib, text)
        if r is not None:
            out.append(r)
        sib = sib.prev_named_sibling
    out.reverse()
    return out
