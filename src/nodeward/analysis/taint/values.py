"""Abstract values the walker tracks per variable, and taint-set helpers."""

from __future__ import annotations

from nodeward.analysis.ir import Label, Recv, Step, Taint

__all__ = ["FUNCTION_TYPES", "MAX_STEPS", "UPLOAD_FIELD", "Value", "clean", "extend", "union", "upload_cleaned"]

FUNCTION_TYPES = frozenset({"function_declaration", "generator_function_declaration", "function_expression", "function", "arrow_function", "generator_function", "method_definition"})
"""tree-sitter node types of functions (JavaScript and TypeScript grammars)."""

UPLOAD_FIELD = "@upload-field"
"""Marker in a parameter's or call result's label `cleaned` set: the code reads only
`.path`/`.destination`/`.filename`/`.filepath` of that value.  When the argument turns out to be multer's `req.file`/`req.files`
(a server-chosen location), the flow is clean for file paths and commands."""

UPLOAD_CLEAN = frozenset({"path", "command"})


def upload_cleaned(key: str, cleaned: frozenset[str]) -> frozenset[str]:
    """`cleaned`, plus path/command when the marker meets an upload object (`req.file`,
    `req.files.<field>`; not a field inside it, such as `req.files.doc.name`)."""
    parts = key.split(".")
    if UPLOAD_FIELD in cleaned and parts[:2] in (["req", "file"], ["req", "files"]) and len(parts) <= 3:
        return cleaned | UPLOAD_CLEAN
    return cleaned


MAX_STEPS = 12
"""Trace steps kept per label (the source and the sink are always kept)."""


class Value:
    """What the walker knows about an expression's value.

    Mutable on purpose: `obj.x = tainted` updates the object everyone holding it sees
    (aliasing one level deep, as the design asks).
    """

    __slots__ = ("taint", "qn", "role", "func", "recv", "imp", "cls", "fields", "fieldfuncs", "is_obj", "stringy", "instance", "route_path", "literal", "shown", "origin")

    def __init__(
        self,
        taint: Taint = (),
        *,
        qn: str = "",
        role: str = "",
        func: str = "",
        recv: Recv | None = None,
        imp: tuple[str, str] | None = None,
        cls: tuple[str, str, str] | None = None,
        is_obj: bool = False,
        stringy: bool = False,
        literal: str | None = None,
        shown: str = "",
    ) -> None:
        self.taint = taint
        self.qn = qn
        """Qualified name through require/import aliases (`child_process.exec`)."""
        self.role = role
        """req, reqpart, res, ctx, reply, ws-msg ... for request/response objects."""
        self.func = func
        """Key of a function of this file when the value is that function."""
        self.recv = recv
        """Set when the value is an app/router (or may be: a parameter)."""
        self.imp = imp
        """(spec, member path) when the value comes from an import."""
        self.cls = cls
        """Callee base for method calls on an instance made with `new X()`."""
        self.fields: dict[str, Taint] = {}
        self.fieldfuncs: dict[str, str] = {}
        """Object literal property -> function key / instance name (for exports)."""
        self.is_obj = is_obj
        self.stringy = stringy
        self.instance = ""
        """App/router kind when the value is a freshly created instance."""
        self.route_path: str | None = None
        self.literal = literal
        """The string value of a string literal."""
        self.shown = shown
        self.origin = ""
        """How much of a URL string is pinned to this server: `scheme` (`'https://'` so far),
        `host` (`'https://' + req.hostname`: the request's own Host header, which a cross-site
        attacker cannot choose for the victim's browser) or `fixed` (a path follows the host, or a
        literal `https://example.com/` / `/path` prefix).  Anything appended to a `fixed` URL
        cannot change where a redirect goes."""
        """For request objects: how the code names this one (`request`, `ctx.request`), so
        messages quote `request.body.name` rather than the canonical `req.body.name`."""


def union(*parts: Taint) -> Taint:
    """Merge taint sets, one label per (origin, key, cleaned)."""
    seen: dict[tuple[str, str, frozenset[str]], Label] = {}
    for part in parts:
        for label in part:
            seen.setdefault(label.ident, label)
    return tuple(seen.values())


def extend(taint: Taint, step: Step) -> Taint:
    """Add a propagation step to every label's trace (bounded)."""
    out = []
    for label in taint:
        steps = label.steps
        if len(steps) < MAX_STEPS and (not steps or steps[-1].line != step.line or steps[-1].path != step.path):
            steps = (*steps, step)
        out.append(Label(label.origin, label.key, label.cleaned, steps, label.shown))
    return tuple(out)


def clean(taint: Taint, kinds: frozenset[str]) -> Taint:
    """Mark the values safe for the given sink kinds."""
    return union(tuple(Label(lb.origin, lb.key, lb.cleaned | kinds, lb.steps, lb.shown) for lb in taint))
