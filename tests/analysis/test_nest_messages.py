"""NestJS sources are named as the code writes them: `@Body('email')`, `@Param(ORDER_ID)`, not
`@Body()` for every parameter; in the TypeScript source and in `tsc`'s CommonJS output
(`__param(0, (0, common_1.Body)('email'))`, `exports.C = C = __decorate([...], C)`), which
Nest's default build emits and published servers ship."""

from __future__ import annotations

from pathlib import Path

import pytest

from nodeward.model import ScanResult
from tests.analysis.helpers import annotated_lines, link, scan_app

APP = Path(__file__).resolve().parent / "data" / "nest_messages"
TAINT = ("NW110", "NW114", "NW116")


@pytest.fixture(scope="module")
def result() -> ScanResult:
    return scan_app(APP)


def test_annotated_flows_in_source_and_compiled_output(result: ScanResult) -> None:
    expected, forbidden = annotated_lines(APP, (".ts", ".js"))
    found = {(f.rule_id, f.path, f.line) for f in result.findings if f.rule_id in TAINT}
    assert found == expected
    assert not found & forbidden
    assert {p for _, p, _ in expected} == {"src/orders.controller.ts", "dist/orders.controller.js"}


# (rule, line in src, line in dist, source as written)
CASES = [
    ("NW110", 18, 26, "`@Body('email')`"),
    ("NW114", 25, 31, "`@Query('file')`"),
    ("NW110", 31, 35, "`@Param('id')`"),
    ("NW116", 38, 40, "`@Headers('referer')`"),
    ("NW110", 44, 44, "`@Body().name`"),  # `@Body() dto` then `dto.name`
    ("NW110", 51, 49, "`@Query().term`"),  # a pipe is not a field name
    ("NW110", 58, 54, "`@Param(ORDER_ID)`"),  # a constant naming the field
]


@pytest.mark.parametrize(("rule", "src_line", "dist_line", "shown"), CASES)
def test_message_names_the_parameter_as_written(result: ScanResult, rule: str, src_line: int, dist_line: int, shown: str) -> None:
    for path, line in (("src/orders.controller.ts", src_line), ("dist/orders.controller.js", dist_line)):
        [f] = [f for f in result.findings if (f.rule_id, f.path, f.line) == (rule, path, line)]
        assert f.message.split(": ", 1)[1].startswith(f"{shown} reaches `"), f.message


def test_trace_starts_at_the_decorator_as_written(result: ScanResult) -> None:
    [src] = [f for f in result.findings if (f.rule_id, f.path, f.line) == ("NW110", "src/orders.controller.ts", 18)]
    assert (src.trace[0].line, src.trace[0].message) == (16, "request data `@Body('email')`")
    [dist] = [f for f in result.findings if (f.rule_id, f.path, f.line) == ("NW110", "dist/orders.controller.js", 26)]
    # compiled: the `__param(0, (0, common_1.Body)('email'))` line, then the handler's parameter
    assert (dist.trace[0].line, dist.trace[0].message) == (66, "request data `@Body('email')`")
    assert dist.trace[1].message == "parameter `email`"


def test_compiled_commonjs_controller_has_its_routes_and_parameter_pipes() -> None:
    routes = {(r.file, r.method, r.path): r for r in link(APP).model.routes}
    dist = {(m, p) for f, m, p in routes if f == "dist/orders.controller.js"}
    src = {(m, p) for f, m, p in routes if f == "src/orders.controller.ts"}
    assert dist == src and ("POST", "/orders/notify") in dist and len(dist) == 8
    # `@Query(new ValidationPipe())` validates the route's input, in both forms
    for file in ("src/orders.controller.ts", "dist/orders.controller.js"):
        assert routes[(file, "GET", "/orders/search")].protections["validation"] is not None
        assert routes[(file, "POST", "/orders/notify")].protections["validation"] is None


def test_compiled_controller_without_sinks_has_routes_and_guards_named_as_written() -> None:
    """`StaffController` has no sink and no `req`: compiled, only its `__decorate` calls say it
    is a controller. Its routes and protections read the same in both forms, named as the
    TypeScript wrote them (`AuthGuard('jwt')`, not `(0, passport_1.AuthGuard)('jwt')`)."""

    def protections(file: str) -> dict[tuple[str, str], dict[str, str | None]]:
        return {
            (r.method, r.path): {k: (v.name if v is not None else None) for k, v in r.protections.items()}
            for r in link(APP).model.routes
            if r.file == file
        }

    src, dist = protections("src/staff.controller.ts"), protections("dist/staff.controller.js")
    assert src == dist
    assert dist[("POST", "/staff/invite")] == {
        "authentication": "AuthGuard('jwt')",
        "authorization": "RolesGuard",
        "validation": "UsePipes(new ValidationPipe())",
        "rate_limit": "Throttle({ default: { limit: 5, ttl: 60000 } })",
        "csrf": None,
    }
    assert dist[("DELETE", "/staff/:id")]["authorization"] == "RolesGuard"
