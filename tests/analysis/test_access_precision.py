"""Route access rules (NW510, NW511, NW513) on the idioms that made them cry wolf on real servers.

`data/access_precision` (Express + Koa) and `data/access_precision_nest` (NestJS, TypeScript
and `tsc` output) are small apps written for these tests; each idiom is an `// ok:` line
with its risky twin as a `// ruleid:` line:

- NW510 reports only credential-guessing targets: a route behind a guard that needs an
  existing session or token (`PUT /users/password`, `PUT /users/:id/token`) is not one, nor a
  handler that reads no body, query or credential header (a token handed out while
  authentication is off, a session restored from the server's own cookie); one reading
  only identifiers (a reset request with an e-mail address) is low.  passport's
  `local` strategy and a middleware comparing `req.body.password` are the sign-in itself.
- NW510 honours `.unless({ path })` exclusions of a global token guard (express-unless) and
  the allow-list of a custom global guard that lets some paths through.
- NW510 on a sign-in whose service locks the account out (answers 429 after failures) is
  low: a lock-out does not throttle one client trying one password on many accounts.
- NW511 skips routes whose handler signs the caller in (`req.session.user = ...` after a
  passcode check; NW510 then asks for a limiter there) or checks a webhook signature.
- NW511 on a route with a rate limiter of its own (a Webmention receiver, a public form) and
  on routes a helper registers with a computed path is a guess about purpose: low severity.
- NW513 does not ask for a role when the delete is keyed by the signed-in principal
  (`tokens.revokeToken(req.user.name, key)`, Koa's `ctx.state.user.id`) or the path names the
  caller and no record (`DELETE /account/avatar` behind authentication).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nodeward.analysis.appmodel import Route
from nodeward.analysis.ir import FuncFacts
from nodeward.analysis.rules.access import is_public_by_purpose, needs_authentication
from nodeward.analysis.rules.handler_code import HandlerCode, is_credential_input
from nodeward.commands.routes import render_text
from nodeward.model import Severity
from tests.analysis.helpers import annotated_lines, link, scan_app

DATA = Path(__file__).resolve().parent / "data"
APP = DATA / "access_precision"
NEST = DATA / "access_precision_nest"
RULES = {"NW510", "NW511", "NW513"}


@pytest.fixture(scope="module")
def express_result():  # type: ignore[no-untyped-def]
    return scan_app(APP)


def _found(result, rules: set[str] = RULES) -> set[tuple[str, str, int]]:  # type: ignore[no-untyped-def]
    return {(f.rule_id, f.path, f.line) for f in result.findings if f.rule_id in rules}


def test_express_and_koa_findings_equal_annotations(express_result) -> None:  # type: ignore[no-untyped-def]
    expected, forbidden = annotated_lines(APP)
    assert {r for r, _p, _l in expected} == RULES
    found = _found(express_result)
    assert found == expected
    assert not found & forbidden


def test_nest_findings_equal_annotations() -> None:
    expected, forbidden = annotated_lines(NEST, (".js", ".ts"))
    found = _found(scan_app(NEST), {"NW510"})
    assert found == expected
    assert ("NW510", "src/auth.controller.ts", _line(NEST, "src/auth.controller.ts", "login(@Body()")) in found  # @Body(), TypeScript
    assert ("NW510", "dist/users.controller.js", _line(NEST, "dist/users.controller.js", "async verifyOtp(")) in found  # __param(0, Body()), tsc output
    assert not found & forbidden


def test_nest_guard_classes_by_what_they_are() -> None:
    routes = link(NEST).model.routes
    recover = _route(routes, "POST", "/auth/recover")
    limiter = recover.protections["rate_limit"]
    assert limiter is not None and limiter.name == "LoginThrottlerGuard"  # not authentication
    assert recover.protections["authentication"] is None
    assert _route(routes, "POST", "/auth/signin").protections["authentication"] is not None


def test_global_guards_that_skip_the_sign_in() -> None:
    """`expressjwt(...).unless({ path: ['/auth/login', /^\\/auth\\/otp/] })` and a custom
    guard letting an allow-list of paths through (`OPEN_PATHS.includes(req.path)`): the guard
    the route model puts on every route skips the sign-in routes, which stay guessing targets,
    while the routes it does guard are not."""
    root = DATA / "access_precision_unless"
    expected, forbidden = annotated_lines(root)
    found = _found(scan_app(root), {"NW510"})
    assert found == expected and len(expected) == 3
    assert not found & forbidden


def test_guessed_purpose_is_low_and_says_why(express_result) -> None:  # type: ignore[no-untyped-def]
    by_place = {(f.rule_id, f.path, f.line): f for f in express_result.findings}
    mention = by_place[("NW511", "mentions.js", 12)]
    assert mention.severity == Severity.LOW
    assert "rate limiter of its own" in mention.message
    computed = [by_place[("NW511", "extensions.js", 10)], by_place[("NW513", "extensions.js", 12)]]
    assert all(f.severity == Severity.LOW and "computed at runtime" in f.message for f in computed)
    # A limiter the API router shares with its authenticated routes says nothing about purpose.
    assert by_place[("NW511", "api.js", 17)].severity == Severity.MEDIUM
    # The forgotten route of the same app keeps its severity.
    assert by_place[("NW511", "server.js", _line(APP, "server.js", "app.post('/notes'"))].severity == Severity.MEDIUM
    assert by_place[("NW513", "server.js", _line(APP, "server.js", "app.delete('/notes/:id'"))].severity == Severity.HIGH


def _line(root: Path, rel: str, needle: str) -> int:
    """The line of `rel` holding `needle` (a route registration)."""
    return next(i for i, text in enumerate((root / rel).read_text().splitlines(), 1) if needle in text)


def _route(routes: list[Route], method: str, path: str) -> Route:
    return next(r for r in routes if r.method == method and r.path == path)


def test_handler_code_reads_inputs_and_principal_keys() -> None:
    linked = link(APP)
    code = HandlerCode(linked.resolver.root, linked.taint.func)
    routes = linked.model.routes

    def use(method: str, path: str):  # type: ignore[no-untyped-def]
        r = _route(routes, method, path)
        got = code.use(r.handler_ref, r.framework)
        assert got is not None
        return got

    assert use("POST", "/auth/session").inputs == frozenset({"headers:cookie"})
    assert use("POST", "/auth/noauth").inputs == frozenset()
    assert use("POST", "/auth/signin").escapes
    assert use("POST", "/password/reset").inputs == frozenset({"body"})
    assert use("DELETE", "/tokens/:key").deletes_own
    assert use("DELETE", "/sessions/:sid").deletes_own  # Koa: const user = ctx.state.user
    assert not use("DELETE", "/notes/:id").deletes_own  # the caller is only logged
    assert use("GET", "/sessions").inputs == frozenset()  # Koa's ctx.body is the response
    assert use("POST", "/password/forgot").fields == frozenset({"email"})
    assert use("POST", "/auth/magic").fields is None  # `...options`: the rest goes on unseen
    assert use("POST", "/password/reset").fields == frozenset({"email", "code", "password"})
    assert use("POST", "/enter").signs_in  # req.session.unlocked = true after a passcode check
    assert not use("POST", "/drafts").signs_in  # a draft in the session signs nobody in
    assert use("POST", "/billing/events").verifies_signature  # createHmac + timingSafeEqual


def test_sign_in_found_by_what_the_handler_does(express_result) -> None:  # type: ignore[no-untyped-def]
    by_place = {(f.rule_id, f.path, f.line): f for f in express_result.findings}
    line = _line(APP, "server.js", "app.post('/enter'")
    enter = by_place[("NW510", "server.js", line)]
    assert "signs the caller in" in enter.message
    assert ("NW511", "server.js", line) not in by_place  # reached before sign-in by design


def test_lock_out_behind_the_handler_is_low_and_named(express_result) -> None:  # type: ignore[no-untyped-def]
    by_place = {(f.rule_id, f.path, f.line): f for f in express_result.findings}
    pin = by_place[("NW510", "server.js", _line(APP, "server.js", "app.post('/login/pin'"))]
    assert pin.severity == Severity.LOW
    assert "verifyPin (pins.js:6) answers 429" in pin.message
    forgot = by_place[("NW510", "server.js", _line(APP, "server.js", "app.post('/password/forgot'"))]
    assert forgot.severity == Severity.LOW and "takes no secret (`email`)" in forgot.message
    reset = by_place[("NW510", "server.js", _line(APP, "server.js", "app.post('/password/reset'"))]
    assert reset.severity == Severity.MEDIUM  # nothing behind it answers 429
    nest = {(f.rule_id, f.path, f.line): f for f in scan_app(NEST).findings}
    login = nest[("NW510", "src/auth.controller.ts", _line(NEST, "src/auth.controller.ts", "login(@Body()"))]  # injected AuthService
    assert login.severity == Severity.LOW and "AuthService.assertNotLocked (src/auth.service.ts:11)" in login.message
    otp = nest[("NW510", "dist/users.controller.js", _line(NEST, "dist/users.controller.js", "async verifyOtp("))]
    assert otp.severity == Severity.MEDIUM
    # tsc output: the service's type comes from the class's `design:paramtypes` metadata.
    pin = nest[("NW510", "dist/users.controller.js", _line(NEST, "dist/users.controller.js", "async pinLogin("))]
    assert pin.severity == Severity.LOW and "UsersService.checkFailures (dist/users.service.js:16)" in pin.message


def test_audit_context_is_not_an_ownership_key(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_text(
        "const express = require('express');\n"
        "const app = express();\n"
        "app.delete('/posts/:id', async (req, res) => {\n"
        "  await posts.destroy({ id: req.params.id, context: { user: req.user.id } });\n"
        "  await posts.deleteMany({ author: req.user.id, draft: true });\n"
        "  res.end();\n"
        "});\n"
    )
    fn = FuncFacts("@3:26", "@3:26", 3, ("req", "res"), end_line=7)
    code = HandlerCode(tmp_path, lambda ref: fn)
    got = code.use(("app.js", "@3:26"))
    assert got is not None and got.deletes_own  # the second call is keyed by the author
    (tmp_path / "app.js").write_text((tmp_path / "app.js").read_text().replace("  await posts.deleteMany({ author: req.user.id, draft: true });\n", "\n"))
    got = HandlerCode(tmp_path, lambda ref: fn).use(("app.js", "@3:26"))
    assert got is not None and not got.deletes_own


def test_handler_code_never_reads_outside_the_root(tmp_path: Path) -> None:
    (tmp_path / "outside.js").write_text("function f(req) { return req.body; }\n")
    root = tmp_path / "project"
    root.mkdir()
    fn = FuncFacts("f", "f", 1, ("req",), end_line=1)
    assert HandlerCode(root, lambda ref: fn).use(("../outside.js", "f")) is None


@pytest.mark.parametrize(
    ("inputs", "credential"),
    [
        (frozenset(), False),
        (frozenset({"headers:cookie"}), False),
        (frozenset({"cookies"}), False),
        (frozenset({"body"}), True),
        (frozenset({"query"}), True),
        (frozenset({"headers:authorization"}), True),
        (frozenset({"headers:*"}), True),
    ],
)
def test_credential_inputs(inputs: frozenset[str], credential: bool) -> None:
    assert is_credential_input(inputs) is credential


def test_route_summary_does_not_count_sign_in_routes() -> None:
    routes = link(APP).model.routes
    login = _route(routes, "POST", "/login")
    assert is_public_by_purpose(login) and not needs_authentication(login)
    notes = _route(routes, "POST", "/notes")
    assert needs_authentication(notes)
    text = render_text(sorted(routes, key=lambda r: (r.path, r.method)))
    unguarded = sum(1 for r in routes if needs_authentication(r) and r.protections.get("authentication") is None)
    assert f"{unguarded} state-changing routes without authentication" in text


def test_handler_code_survives_bad_files(tmp_path: Path) -> None:
    """A file that no longer parses still gives what its tree holds; a vanished or binary
    file gives None (the rule then keeps its finding), never an exception."""
    (tmp_path / "broken.js").write_text("function login(req, res) {\n  const { email } = req.body;\n  if (\n}\n")
    fn = FuncFacts("login", "login", 1, ("req", "res"), end_line=4)
    got = HandlerCode(tmp_path, lambda ref: fn).use(("broken.js", "login"))
    assert got is not None and got.inputs == frozenset({"body"}) and got.fields == frozenset({"email"})
    assert HandlerCode(tmp_path, lambda ref: fn).use(("gone.js", "login")) is None
    (tmp_path / "blob.js").write_bytes(b"\x00\xff\xfe" * 100)
    assert HandlerCode(tmp_path, lambda ref: fn).use(("blob.js", "login")) is None
    assert HandlerCode(tmp_path, lambda ref: None).lockout(("broken.js", "login")) == ""


def test_handler_code_reads_compiled_commonjs_nest_parameters() -> None:
    """`__param(0, (0, common_1.Body)('email'))` in tsc's CommonJS output is `@Body('email')`:
    the handler reads the body (the comma call's parenthesis is not part of the name)."""
    app = DATA / "nest_messages"
    linked = link(app)
    code = HandlerCode(linked.resolver.root, linked.taint.func)
    routes = {(r.method, r.path, r.file): r for r in linked.model.routes}
    notify = routes[("POST", "/orders/notify", "dist/orders.controller.js")]
    archive = routes[("POST", "/orders/archive", "dist/orders.controller.js")]
    got = code.use(notify.handler_ref, notify.framework)
    assert got is not None and "body" in got.inputs
    whole = code.use(archive.handler_ref, archive.framework)
    assert whole is not None and "body" in whole.inputs
