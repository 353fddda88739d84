"""Rules of the app-model analyzer (taint, routes, app configuration).

`RULES` is registered explicitly in `nodeward.registry`; `check_project` runs
them all on a linked project.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nodeward.analysis.rules import access, app_config, injection
from nodeward.analysis.rules.base import is_test_file, redact_secrets
from nodeward.analysis.taint.values import from_query
from nodeward.model import Finding, Rule

if TYPE_CHECKING:
    from nodeward.analysis.link import LinkedProject
    from nodeward.analysis.taint.propagate import Flow

__all__ = ["RULES", "check_project"]

RULES: tuple[Rule, ...] = (*injection.RULES, *access.RULES, *app_config.RULES)


MONGODB_CLIENTS = frozenset({
    "mongodb", "mongoose", "monk", "mongojs", "mongoist", "mongoskin", "mquery", "@typegoose/typegoose",
    "@nestjs/mongoose", "typeorm", "@mikro-orm/mongodb", "waterline", "sails-mongo", "camo", "mongorito",
    "nedb", "@seald-io/nedb", "nedb-promises", "mingo", "loopback-connector-mongodb", "@loopback/repository",
    "feathers-mongodb", "@feathersjs/mongodb", "feathers-mongoose", "connect-mongo", "mongo-sanitize",
})
"""Packages through which a `find({...})`-style call can reach a MongoDB-style query engine."""


def _may_use_mongodb(linked: LinkedProject) -> bool:
    """False only when the project's manifests are known and neither they nor any import name a
    MongoDB client: `Model.findOne({ secret: key })` is then Bookshelf, Sequelize or an
    in-memory lookup, where a request object cannot smuggle `$ne`/`$gt` operators."""
    declared = linked.declared_packages
    if declared is None:
        return True
    used = declared | set(linked.imported_packages)
    return bool(used & MONGODB_CLIENTS)


def check_project(linked: LinkedProject, flows: list[Flow]) -> list[Finding]:
    """Every app-model finding for a linked project."""
    # express-mongo-sanitize registered on every app strips `$`/`.` keys from body, query and
    # params before any handler runs: request objects can no longer carry query operators.
    apps = linked.model.apps
    if apps and all(any("nosql_sanitize" in m.categories for m in app.global_middleware) for app in apps):
        flows = [f for f in flows if not (f.kind == "nosql" and f.label.key.startswith("req."))]
    if not _may_use_mongodb(linked):
        flows = [f for f in flows if f.kind != "nosql"]
    flows = _drop_type_confusion_on_validated_routes(linked, flows)
    flows = _drop_own_url_redirects(linked, flows)
    flows = _drop_schema_scalars(linked, flows)
    findings = injection.check_flows(flows)
    # Apps and routes built in test files (supertest harnesses) are never deployed: no
    # deployment advice about them.  Taint flows there are still reported.
    findings.extend(f for f in app_config.check_apps(linked.model) if not is_test_file(f.path))
    reads_body: dict[tuple[str, str], bool] = {}
    body_names: dict[tuple[str, str], str] = {}
    for r in linked.model.routes:
        if r.handler_ref is not None:
            fn = linked.taint.func(r.handler_ref)
            reads_body[r.handler_ref] = fn is not None and "body" in fn.reads
            if fn is not None:
                body_names[r.handler_ref] = access.body_expression(r.framework, fn.params)
    findings.extend(f for f in access.check_routes(linked.model, reads_body, body_names, access.handler_code(linked)) if not is_test_file(f.path))
    return redact_secrets(findings)


def _drop_schema_scalars(linked: LinkedProject, flows: list[Flow]) -> list[Flow]:
    """A Fastify route schema that restricts `body.name` to an enum, a number, a safe format or
    an anchored character-class pattern (and rejects other requests with 400) makes
    `request.body.name` harmless in that route's handler, for every sink kind."""
    fields: dict[tuple[str, int, int], frozenset[str]] = {}
    for r in linked.model.routes:
        if r.handler_ref is None:
            continue
        fn = linked.taint.func(r.handler_ref)
        if fn is None or not fn.end_line:
            continue
        restricted = frozenset(f"req.{x}" for m in r.middleware if m.name == "fastify schema" and m.option for x in m.option.split(","))
        key = (r.handler_ref[0], fn.line, fn.end_line)
        fields[key] = fields[key] & restricted if key in fields else restricted
    ranges = [(k, v) for k, v in fields.items() if v]
    if not ranges:
        return flows
    out = []
    for f in flows:
        first = f.steps[0] if f.steps else f.sink
        if any(f.label.key in v and first.path == p and a <= first.line <= b for (p, a, b), v in ranges):
            continue
        out.append(f)
    return out


_OWN_URL = frozenset({"req.url", "req.originalUrl", "req.path"})


def _literal_first_segment(path: str) -> bool:
    """`/user/:id/edit` and the site root `/` (it matches `/` alone) yes; `/:lang/x`,
    `/*splat` or a regex no."""
    if path == "/":
        return True
    first = path.lstrip("/").split("/", 1)[0]
    return path.startswith("/") and bool(first) and not first.startswith((":", "*", "(", "{")) and "*" not in first


def _drop_own_url_redirects(linked: LinkedProject, flows: list[Flow]) -> list[Flow]:
    """`res.redirect(req.url.replace('/edit', ''))` in a handler whose every route starts with
    a literal segment: the URL matched `/user/...`, so it cannot be `//evil.example` and the
    redirect stays on this site (Express's own route-separation example).  What the URL's query
    string says (`new URL(req.originalUrl, base).searchParams.get('next')`, `.search`,
    `req.url.split('?')[1]`) is not constrained by the match and stays.  Middleware and
    routes starting with a parameter or wildcard keep the flow: a catch-all that redirects to
    `req.originalUrl` is a real open redirect."""
    safe: dict[tuple[str, int, int], bool] = {}
    for r in linked.model.routes:
        # The handler, and middleware given to this route alone (`app.get('/', ensureSlash, page)`);
        # a function also used as app- or router-wide middleware sees every URL.
        refs = [(r.handler_ref, True), *((m.ref, m.scope == "route") for m in r.middleware if m.ref is not None)]
        for ref, route_only in refs:
            if ref is None:
                continue
            fn = linked.taint.func(ref)
            if fn is None or not fn.end_line:
                continue
            key = (ref[0], fn.line, fn.end_line)
            safe[key] = safe.get(key, True) and route_only and _literal_first_segment(r.path)
    ranges = [k for k, ok in safe.items() if ok]
    if not ranges:
        return flows
    out = []
    for f in flows:
        first = f.steps[0] if f.steps else f.sink
        if f.kind == "redirect" and f.label.key in _OWN_URL and not from_query(f.label) and any(first.path == p and a <= first.line <= b for p, a, b in ranges):
            continue
        out.append(f)
    return out


def _drop_type_confusion_on_validated_routes(linked: LinkedProject, flows: list[Flow]) -> list[Flow]:
    """A route whose chain validates its input (express-validator, celebrate, a schema
    middleware) receives scalars where it expects them: NoSQL-operator and prototype-pollution
    flows starting in its handler are dropped.  Other kinds stay: a validated string can
    still be a shell metacharacter or a `../` path."""
    ranges: list[tuple[str, int, int]] = []
    for r in linked.model.routes:
        v = r.protections.get("validation")
        if v is None or v.scope == "handler" or r.handler_ref is None:
            continue
        fn = linked.taint.func(r.handler_ref)
        if fn is not None and fn.end_line:
            ranges.append((r.handler_ref[0], fn.line, fn.end_line))
    if not ranges:
        return flows
    out = []
    for f in flows:
        first = f.steps[0] if f.steps else f.sink
        if f.kind in ("nosql", "proto") and any(first.path == p and a <= first.line <= b for p, a, b in ranges):
            continue
        out.append(f)
    return out
