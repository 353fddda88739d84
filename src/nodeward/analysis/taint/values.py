"""Abstract values the walker tracks per variable, and taint-set helpers."""

from __future__ import annotations

from nodeward.analysis.ir import Label, Recv, Step, Taint

__all__ = [
    "FIELD_MARK", "FUNCTION_TYPES", "MAX_STEPS", "QUERY_PART", "UPLOAD_FIELD", "URL_PATH", "URL_REST", "Value", "clean", "extend", "field_of",
    "from_query", "join_cleaned", "mark_field", "mark_query_part", "mark_url_path", "mark_url_rest", "only_url_path", "strip_url_path",
    "strip_query_part", "strip_url_rest", "union", "upload_cleaned",
]

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


FIELD_MARK = "@field:"
"""Marker in a parameter label's `cleaned` set: the code read only this field of the parameter
(`options.knex`, `const { knex } = options`).  When the call passes an object literal whose
fields are all known, the linker takes that field's taint instead of the whole object's."""


def field_of(cleaned: frozenset[str]) -> str | None:
    """The field a parameter label was narrowed to, if any."""
    for c in cleaned:
        if c.startswith(FIELD_MARK):
            return c[len(FIELD_MARK) :]
    return None


def mark_field(label: Label, prop: str) -> Label:
    """A parameter label narrowed to `.prop` (the first field read wins: `o.a.b` is `a`)."""
    if label.origin != "param" or field_of(label.cleaned) is not None:
        return label
    return Label(label.origin, label.key, label.cleaned | {FIELD_MARK + prop}, label.steps, label.shown)


def join_cleaned(outer: frozenset[str], inner: frozenset[str]) -> frozenset[str]:
    """`outer | inner` for a label passed into a callee: a field the caller already narrowed
    to stays; the callee's own field marker applies only to a whole argument."""
    if field_of(outer) is not None and field_of(inner) is not None:
        inner = frozenset(c for c in inner if not c.startswith(FIELD_MARK))
    return outer | inner


URL_PATH = "@urlpath"
"""Marker in a label's `cleaned` set: the value is a URL path that starts with `/` (the
`pathname` of a WHATWG URL parsed from the request's own target, `path.posix.join('/', x)`).
It can still be `//evil.example` or `/\\evil.example`, which browsers read as another host, so
it is harmless for a redirect only *after* a constant origin or path; at the start of a target
it is as dangerous as any request data.  Dropped as soon as the value is transformed or
appended to something (it then no longer starts the string)."""


def mark_url_path(taint: Taint) -> Taint:
    """The labels, known to start with `/` (see `URL_PATH`)."""
    return tuple(Label(lb.origin, lb.key, lb.cleaned | {URL_PATH}, lb.steps, lb.shown) for lb in taint)


def strip_url_path(taint: Taint) -> Taint:
    """The labels without the `URL_PATH` marker (the value no longer starts the string)."""
    if not any(URL_PATH in lb.cleaned for lb in taint):
        return taint
    return tuple(Label(lb.origin, lb.key, lb.cleaned - {URL_PATH}, lb.steps, lb.shown) if URL_PATH in lb.cleaned else lb for lb in taint)


def only_url_path(taint: Taint) -> bool:
    """Every label is a URL path starting with `/` (or already harmless for redirects)."""
    return bool(taint) and all(URL_PATH in lb.cleaned or "redirect" in lb.cleaned for lb in taint)


URL_REST = "@urlrest:"
"""Marker prefix in a label's `cleaned` set (`@urlrest:redirect`): the label is clean for that
kind only because of the value's present form, a parsed URL's `search` or `hash` (empty or
starting with `?`/`#`, so it cannot choose a redirect's host) or a `URLSearchParams` object
(form-encoded when it becomes a string).  Whatever transforms the value (`u.search.slice(1)`,
`.split('=')`, `params.get('next')`, a decoder) may undo that form: the marker and the kinds it
names are dropped then (`/go?//evil.example` gives `//evil.example`)."""


def mark_url_rest(taint: Taint, kinds: frozenset[str]) -> Taint:
    """The labels, clean for `kinds` as long as the value keeps its leading `?`/`#`."""
    out = []
    for lb in taint:
        added = kinds - lb.cleaned
        out.append(Label(lb.origin, lb.key, lb.cleaned | added | {URL_REST + k for k in added}, lb.steps, lb.shown))
    return union(tuple(out))


def strip_url_rest(taint: Taint) -> Taint:
    """The labels without what `mark_url_rest` gave them (the value was transformed)."""
    if not any(c.startswith(URL_REST) for lb in taint for c in lb.cleaned):
        return taint
    out = []
    for lb in taint:
        marks = frozenset(c for c in lb.cleaned if c.startswith(URL_REST))
        kinds = frozenset(c[len(URL_REST) :] for c in marks)
        out.append(Label(lb.origin, lb.key, lb.cleaned - marks - kinds, lb.steps, lb.shown) if marks else lb)
    return union(tuple(out))


QUERY_PART = "@query"
"""Marker in a label's `cleaned` set: the value was read from the query string or fragment of
the request's own URL (`new URL(req.originalUrl, base).searchParams`, `.search`,
`url.parse(req.url, true).query`, `req.url.split('?')[1]`).  A route's literal path match
constrains where `req.originalUrl` starts, never what its query string says, so such a value
stays an open-redirect source in any route.  Kept through transformations, dropped when the
value is appended after something (see `strip_query_part`)."""


def mark_query_part(taint: Taint) -> Taint:
    """The labels, read from the query part of the request's own URL (see `QUERY_PART`)."""
    return union(tuple(Label(lb.origin, lb.key, lb.cleaned | {QUERY_PART}, lb.steps, lb.shown) for lb in taint))


def strip_query_part(taint: Taint) -> Taint:
    """The labels without the `QUERY_PART` marker: the value was appended after something
    (`path + '?' + query`), so it no longer starts the target and the route's match on what
    does start it applies again."""
    if not any(QUERY_PART in lb.cleaned for lb in taint):
        return taint
    return union(tuple(Label(lb.origin, lb.key, lb.cleaned - {QUERY_PART}, lb.steps, lb.shown) for lb in taint))


def from_query(label: Label) -> bool:
    """Whether the label was read from the query part of the request's own URL."""
    return QUERY_PART in label.cleaned


MAX_STEPS = 12
"""Trace steps kept per label (the source and the sink are always kept)."""


class Value:
    """What the walker knows about an expression's value.

    Mutable on purpose: `obj.x = tainted` updates the object everyone holding it sees
    (aliasing one level deep, as the design asks).
    """

    __slots__ = ("taint", "qn", "role", "func", "recv", "imp", "cls", "fields", "fieldfuncs", "is_obj", "open_fields", "stringy", "instance", "route_path", "literal", "shown", "origin", "db")

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
        self.open_fields = False
        """An object literal with a spread (`{ ...opts, key }`): `fields` is not the whole story."""
        self.stringy = stringy
        self.instance = ""
        """App/router kind when the value is a freshly created instance."""
        self.route_path: str | None = None
        self.literal = literal
        """The string value of a string literal."""
        self.shown = shown
        self.origin = ""
        """How much of a URL string is pinned to this server: `scheme` (`'https://'` so far),
        `origin` (a literal origin with nothing after the host, `'https://shop.example.org'`),
        `host` (`'https://' + req.hostname`: the request's own Host header, which a cross-site
        attacker cannot choose for the victim's browser) or `fixed` (a path follows the host, or a
        literal `https://example.com/` / `/path` prefix).  Anything appended to a `fixed` URL
        cannot change where a redirect goes."""
        self.db = ""
        """`mongo` when the value is known to be a MongoDB collection (`db.collection('users')`)
        though nothing names its package."""
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
