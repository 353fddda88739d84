"""Rules of the app-model analyzer (taint, routes, app configuration).

`RULES` is registered explicitly in `nodeward.registry`; `check_project` runs
them all on a linked project.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nodeward.analysis.rules import access, app_config, injection
from nodeward.analysis.rules.base import redact_secrets
from nodeward.model import Finding, Rule

if TYPE_CHECKING:
    from nodeward.analysis.link import LinkedProject
    from nodeward.analysis.taint.propagate import Flow

__all__ = ["RULES", "check_project"]

RULES: tuple[Rule, ...] = (*injection.RULES, *access.RULES, *app_config.RULES)


def check_project(linked: LinkedProject, flows: list[Flow]) -> list[Finding]:
    """Every app-model finding for a linked project."""
    # express-mongo-sanitize registered on every app strips `$`/`.` keys from body, query and
    # params before any handler runs: request objects can no longer carry query operators.
    apps = linked.model.apps
    if apps and all(any("nosql_sanitize" in m.categories for m in app.global_middleware) for app in apps):
        flows = [f for f in flows if not (f.kind == "nosql" and f.label.key.startswith("req."))]
    findings = injection.check_flows(flows)
    findings.extend(app_config.check_apps(linked.model))
    reads_body: dict[tuple[str, str], bool] = {}
    for r in linked.model.routes:
        if r.handler_ref is not None:
            fn = linked.taint.func(r.handler_ref)
            reads_body[r.handler_ref] = fn is not None and "body" in fn.reads
    findings.extend(access.check_routes(linked.model, reads_body))
    return redact_secrets(findings)
