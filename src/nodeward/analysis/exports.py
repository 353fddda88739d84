"""Module facts seen by the walker: ES imports and exports, CommonJS `module.exports`/`exports.x`.

An export names what the linker can resolve in this file: a function key, an app/router
instance, or a re-export of another module (`export * from`, `module.exports = require(...)`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import tree_sitter as ts

from nodeward.analysis.frameworks import local_framework_qn
from nodeward.analysis.ir import Export, Import
from nodeward.analysis.taint.tables import normalize_module
from nodeward.analysis.taint.values import Value

if TYPE_CHECKING:
    from nodeward.analysis.taint.walker import FileWalker, Scope

__all__ = ["commonjs_export", "export_statement", "import_statement", "is_type_only"]


def is_type_only(statement: ts.Node) -> bool:
    """`import type {...}` / `export type {...} from`: TypeScript erases it, nothing is loaded."""
    return any(c.type == "type" and not c.is_named for c in statement.children)


def import_statement(w: FileWalker, node: ts.Node, scope: Scope) -> None:
    """Bind ES import names to their module and record the import."""
    src = node.child_by_field_name("source")
    spec = w._string_value(src)
    if spec is None or is_type_only(node):
        return
    w.imports.append(Import(spec, src.start_point[0] + 1 if src is not None else node.start_point[0] + 1))
    qn = normalize_module(spec)
    for clause in node.named_children:
        if clause.type != "import_clause":
            continue
        for c in clause.named_children:
            if c.type == "identifier":
                scope.vars[w.text(c)] = Value(qn=local_framework_qn(spec, w.text(c), qn), imp=(spec, "default"))
            elif c.type == "namespace_import":
                for cc in c.named_children:
                    if cc.type == "identifier":
                        scope.vars[w.text(cc)] = Value(qn=qn, imp=(spec, ""))
            elif c.type == "named_imports":
                for s in c.named_children:
                    if s.type != "import_specifier":
                        continue
                    nm = s.child_by_field_name("name")
                    al = s.child_by_field_name("alias")
                    if nm is None:
                        continue
                    imported = w._string_value(nm) or w.text(nm)
                    local = w.text(al) if al is not None else imported
                    scope.vars[local] = Value(qn=f"{qn}.{imported}", imp=(spec, imported))


def export_statement(w: FileWalker, node: ts.Node, scope: Scope) -> None:
    """Record ES exports: declarations, `export default`, export lists and re-exports."""
    src = node.child_by_field_name("source")
    spec = w._string_value(src) if src is not None else None
    if spec is not None and src is not None and not is_type_only(node):
        w.imports.append(Import(spec, src.start_point[0] + 1))
    decl = node.child_by_field_name("declaration")
    value = node.child_by_field_name("value")
    is_default = any(c.type == "default" for c in node.children)
    if decl is not None:
        before = set(scope.vars)
        w.stmt(decl, scope)
        names = [n for n in scope.vars if n not in before]
        nm = decl.child_by_field_name("name")
        if nm is not None:
            names.append(w.text(nm))
        for n in names:
            v = scope.vars.get(n)
            target = (v.func or (v.recv[1] if v.recv is not None and v.recv[0] == "inst" else "")) if v is not None else ""
            if target:
                w.exports["default" if is_default else n] = Export("local", target)
        return
    if value is not None:
        v = w.expr(value, scope, name_hint="default")
        target = v.func or (v.recv[1] if v.recv is not None and v.recv[0] == "inst" else "")
        if target:
            w.exports["default"] = Export("local", target)
        elif v.imp is not None:
            w.exports["default"] = Export("reexport", v.imp[0], v.imp[1] or "default")
        return
    clause = next((c for c in node.named_children if c.type == "export_clause"), None)
    if clause is None:
        if spec is not None:
            w.star_exports.append(spec)
        return
    for s in clause.named_children:
        if s.type != "export_specifier":
            continue
        nm = s.child_by_field_name("name")
        al = s.child_by_field_name("alias")
        if nm is None:
            continue
        name = w.text(nm)
        alias = w.text(al) if al is not None else name
        if spec is not None:
            w.exports[alias] = Export("reexport", spec, name)
            continue
        v = scope.lookup(name)
        if v is None:
            continue
        if v.imp is not None:
            w.exports[alias] = Export("reexport", v.imp[0], v.imp[1] or "default")
        else:
            target = v.func or (v.recv[1] if v.recv is not None and v.recv[0] == "inst" else "")
            if target:
                w.exports[alias] = Export("local", target)


def commonjs_export(w: FileWalker, path: list[str], v: Value, node: ts.Node) -> None:
    """`module.exports = X`, `module.exports.a = X`, `exports.a = X`."""
    name = path[2] if path[:2] == ["module", "exports"] and len(path) > 2 else (path[1] if path[0] == "exports" and len(path) > 1 else "default")
    if name == "default":
        if v.imp is not None and not v.imp[1]:
            w.star_exports.append(v.imp[0])
            w.exports["default"] = Export("reexport", v.imp[0], "default")
            return
        if v.fieldfuncs:
            for k, target in v.fieldfuncs.items():
                w.exports[k] = Export("local", target)
    target = v.func or (v.recv[1] if v.recv is not None and v.recv[0] == "inst" else "")
    if not target and v.cls is not None and v.cls[0] == "local":
        target = v.cls[2]
    if not target and v.imp is not None:
        w.exports[name] = Export("reexport", v.imp[0], v.imp[1] or "default")
        return
    if target:
        w.exports[name] = Export("local", target)

# ---------------------------------------------------------------- sinks
