"""Code and command injection sinks reached with non-constant input (NW101-NW103).

These are pattern rules: they fire when the argument is not a constant,
whatever its origin.  The taint rules (NW110+) prove request data reaches the
same sinks and supersede these findings at the same line.
"""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from nodeward.model import Confidence, Finding, Rule, Severity
from nodeward.ruledocs import make_docs
from nodeward.sast.context import FileContext
from nodeward.sast.rules.base import CallPattern, NodePattern

__all__ = ["CALLS", "NODES", "RULES"]

_INJECTION = "Securing Against Injection Attacks"

EVAL = Rule(
    id="NW101",
    name="eval-with-dynamic-input",
    summary="`eval`, `Function`, `vm` or a string timer runs code built at run time",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    cwe=(95,),
    owasp=("A03:2021",),
    guide_section=_INJECTION,
    docs=make_docs(
        what=(
            "Flags `eval(x)`, `new Function(...)`/`Function(...)`, `vm.runInThisContext`, "
            "`vm.runInNewContext`, `vm.runInContext`, `vm.compileFunction`, `new vm.Script(x)` and "
            "`setTimeout`/`setInterval` given a string, when the code is not a constant."
        ),
        why=(
            "Whoever controls the string runs arbitrary JavaScript with the server's privileges: "
            "read files, open a shell, steal secrets. `vm` is not a security boundary (the Node.js "
            "docs say so), and a timer given a string is an `eval` in disguise."
        ),
        example="""
app.post('/calc', (req, res) => {
  res.json({ result: eval(req.body.expression) });
});
""",
        use_instead="""
const OPS = { add: (a, b) => a + b, mul: (a, b) => a * b };
app.post('/calc', (req, res) => {
  const op = OPS[req.body.op];
  res.json({ result: op ? op(Number(req.body.a), Number(req.body.b)) : null });
});
""",
        references=[
            "https://cwe.mitre.org/data/definitions/95.html",
            "https://nodejs.org/api/vm.html#vm-executing-javascript",
            "https://owasp.org/Top10/A03_2021-Injection/",
        ],
    ),
)

EXEC = Rule(
    id="NW102",
    name="exec-with-non-literal-command",
    summary="`child_process.exec` runs a shell command built at run time",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    cwe=(78,),
    owasp=("A03:2021",),
    guide_section=_INJECTION,
    docs=make_docs(
        what=(
            "Flags `child_process.exec`/`execSync` (also through destructuring, renamed imports and "
            "`util.promisify`) and `shelljs.exec` whose command is not a constant. A command template "
            "built only from fields of `this` and `process.env` values (a service installer's own "
            "configuration) is reported at low severity."
        ),
        why=(
            "`exec` hands the whole string to `/bin/sh`: a value containing `;`, `|`, `$()` or "
            "backticks runs extra commands (OS command injection)."
        ),
        example="""
const { exec } = require('child_process');
function thumbnail(file, done) {
  exec(`convert uploads/${file} -resize 50% thumbs/${file}`, done);
}
""",
        use_instead="""
const { execFile } = require('child_process');
function thumbnail(file, done) {
  execFile('convert', [`uploads/${file}`, '-resize', '50%', `thumbs/${file}`], done);
}
""",
        references=[
            "https://cwe.mitre.org/data/definitions/78.html",
            "https://nodejs.org/api/child_process.html#child_processexeccommand-options-callback",
        ],
    ),
)

SPAWN_SHELL = Rule(
    id="NW103",
    name="spawn-with-shell",
    summary="`spawn`/`execFile` with `shell` enabled and a non-constant command or arguments",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    cwe=(78,),
    owasp=("A03:2021",),
    guide_section=_INJECTION,
    docs=make_docs(
        what=(
            "Flags `spawn`, `spawnSync`, `execFile` and `execFileSync` from `child_process` called "
            "with a `shell` option that is not `false`, when the command or any argument is not a constant."
        ),
        why=(
            "With `shell` set, Node.js joins the command and arguments into one string for the shell, "
            "so an argument array no longer protects against metacharacters."
        ),
        example="""
const { spawn } = require('child_process');
function grep(pattern) {
  return spawn('grep', ['-r', pattern, 'logs/'], { shell: true });
}
""",
        use_instead="""
const { spawn } = require('child_process');
function grep(pattern) {
  return spawn('grep', ['-r', '--', pattern, 'logs/']);
}
""",
        references=[
            "https://cwe.mitre.org/data/definitions/78.html",
            "https://nodejs.org/api/child_process.html#child_processspawncommand-args-options",
        ],
    ),
)

RULES: tuple[Rule, ...] = (EVAL, EXEC, SPAWN_SHELL)

_VM = frozenset({"vm.runInThisContext", "vm.runInNewContext", "vm.runInContext", "vm.compileFunction", "vm.Script"})
_EXEC = frozenset(
    {"child_process.exec", "child_process.execSync", "shelljs.exec", "child-process-promise.exec"}
)
_SPAWN = frozenset(
    {"child_process.spawn", "child_process.spawnSync", "child_process.execFile", "child_process.execFileSync"}
)


def _is_stringy(ctx: FileContext, node: ts.Node) -> bool:
    """A string-building expression (template with substitutions, `+` with a string)."""
    if node.type == "template_string":
        return True
    if node.type == "binary_expression":
        op = node.child_by_field_name("operator")
        if op is None or ctx.text(op) != "+":
            return False
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        return any(
            side is not None and (side.type in ("string", "template_string") or _is_stringy(ctx, side))
            for side in (left, right)
        )
    return node.type == "string"


def _eval_calls(ctx: FileContext, call: ts.Node, qual: str | None) -> Iterator[Finding]:
    if qual is None:
        return
    args = ctx.args(call)
    fix = "Do not evaluate strings as code: map allowed operations to functions, or parse data with `JSON.parse`."
    if qual == "eval" and call.type == "call_expression":
        if args and not ctx.is_constant(args[0]):
            yield ctx.finding(EVAL, call, "Possible code injection: `eval` of a non-constant string", fix)
    elif qual == "Function":
        if args and not all(ctx.is_constant(a) for a in args):
            yield ctx.finding(EVAL, call, "Possible code injection: `Function` built from a non-constant string", fix)
    elif qual in _VM:
        if args and not ctx.is_constant(args[0]):
            name = qual.split(".", 1)[1]
            yield ctx.finding(EVAL, call, f"Possible code injection: `vm.{name}` runs non-constant code (`vm` is no sandbox)", fix)
    elif qual in ("setTimeout", "setInterval") and call.type == "call_expression":
        if args and _is_stringy(ctx, args[0]) and not ctx.is_constant(args[0]):
            yield ctx.finding(
                EVAL,
                call,
                f"Possible code injection: `{qual}` given a string built at run time",
                f"Pass a function to `{qual}`, not a string.",
            )


def _exec_calls(ctx: FileContext, call: ts.Node, qual: str | None) -> Iterator[Finding]:
    if qual not in _EXEC or call.type != "call_expression":
        return
    args = ctx.args(call)
    if not args or ctx.is_constant(args[0]) or args[0].type == "spread_element" or _joined_constants(ctx, args[0]):
        return
    fn = qual.rsplit(".", 1)[-1]
    own = _built_from_own_state(ctx, args[0])
    yield ctx.finding(
        EXEC,
        call,
        f"Possible command injection: `{fn}` runs a shell command built from "
        + ("the object's own fields or the environment" if own else "non-constant input"),
        "Use `execFile`/`spawn` with a fixed program and an argument array (no shell), and validate the arguments.",
        severity=Severity.LOW if own else None,
    )


def _joined_constants(ctx: FileContext, cmd: ts.Node) -> bool:
    """`exec(steps.join(' && '))` with `const steps = ['apt-get update', 'apt-get install -y x']`:
    fixed commands chained with a fixed separator are a constant."""
    if cmd.type != "call_expression":
        return False
    fn = cmd.child_by_field_name("function")
    if fn is None or fn.type != "member_expression":
        return False
    prop = fn.child_by_field_name("property")
    if prop is None or ctx.text(prop) != "join":
        return False
    sep = ctx.args(cmd)
    return ctx.is_constant(fn.child_by_field_name("object")) and all(ctx.is_constant(a) for a in sep)


def _built_from_own_state(ctx: FileContext, cmd: ts.Node) -> bool:
    """`exec(`systemctl restart ${this.serviceName}`)`, `exec(`kill ${process.env.SUDO_USER}`)`:
    a template whose every substitution is a field of `this` or an environment variable, i.e.
    state the process was configured with rather than a value handed to this function.  Still
    a shell string (reported), but at low severity: nobody calling the function chooses it."""
    if cmd.type != "template_string":
        return False
    subs = [c for c in cmd.named_children if c.type == "template_substitution"]
    if not subs:
        return False
    for sub in subs:
        parts = sub.named_children
        if len(parts) != 1:
            return False
        expr = parts[0]
        sides = [expr]
        if expr.type == "binary_expression" and ctx.text(expr.child_by_field_name("operator") or expr) in ("||", "??"):
            sides = [n for n in (expr.child_by_field_name("left"), expr.child_by_field_name("right")) if n is not None]
        for side in sides:
            text = ctx.text(side)
            if side.type != "member_expression" or not text.startswith(("this.", "process.env.")):
                return False
            if "[" in text or "(" in text:
                return False
    return True


def _shell_enabled(ctx: FileContext, opts: ts.Node | None) -> bool:
    obj = ctx.object_literal(opts)
    if obj is None:
        return False
    shell = ctx.prop(obj, "shell")
    if shell is None:
        return False
    value = ctx.literal(shell)
    return not (value is False or value == 0 or value == "" or shell.type in ("null", "undefined"))


def _spawn_calls(ctx: FileContext, call: ts.Node, qual: str | None) -> Iterator[Finding]:
    if qual not in _SPAWN or call.type != "call_expression":
        return
    args = ctx.args(call)
    if not args:
        return
    argv: ts.Node | None = None
    opts: ts.Node | None = None
    if len(args) > 1:
        second = ctx.resolve(args[1])
        if second is not None and second.type == "object":
            opts = args[1]
        else:
            argv = args[1]
            opts = args[2] if len(args) > 2 else None
    if not _shell_enabled(ctx, opts):
        return
    if ctx.is_constant(args[0]) and (argv is None or ctx.is_constant(ctx.resolve(argv))):
        return
    fn = qual.rsplit(".", 1)[-1]
    yield ctx.finding(
        SPAWN_SHELL,
        call,
        f"Possible command injection: `{fn}` with `shell` enabled and non-constant command or arguments",
        "Drop the `shell` option so arguments reach the program verbatim, and validate them.",
    )


CALLS: tuple[CallPattern, ...] = (
    CallPattern(
        ("eval", "Function", "runInThisContext", "runInNewContext", "runInContext", "compileFunction", "Script", "setTimeout", "setInterval"),
        _eval_calls,
    ),
    CallPattern(("exec", "execSync"), _exec_calls),
    CallPattern(("spawn", "spawnSync", "execFile", "execFileSync"), _spawn_calls),
)

NODES: tuple[NodePattern, ...] = ()
