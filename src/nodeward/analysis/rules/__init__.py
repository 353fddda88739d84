"""Rules of the app-model analyzer (taint, routes, app configuration).

`RULES` is registered explicitly in `nodeward.registry`; `check_project` runs
them all on a linked project.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nodeward.analysis.rules import access, app_config, injection
from nodeward.model import Finding, Rule

if TYPE_CHECKING:
    from nodeward.analysis.link import LinkedProject
    from nodeward.analysis.taint.propagate import Flow

__all__ = ["RULES", "check_project"]

RULES: tuple[Rule, ...] = (*injection.RULES, *access.RULES, *app_config.RULES)


def check_project(linked: LinkedProject, flows: list[Flow]) -> list[Finding]:
    """Every app-model finding for a linked project."""
    findings = injection.check_flows(flows)
    findings.extend(app_config.check_apps(linked.model))
    reads_body: dict[tuple[str, str], bool] = {}
    for r in linked.model.routes:
        if r.handler_ref is not None:
            fn = linked.taint.func(r.handler_ref)
            reads_body[r.handler_ref] = fn is not None and "body" in fn.reads
    findings.extend(access.check_routes(linked.model, reads_body))
    return findings
