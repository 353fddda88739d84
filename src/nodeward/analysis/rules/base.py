"""Shared helpers for the app-model rule families: building findings from flows and routes."""

from __future__ import annotations

import re
from dataclasses import replace

from nodeward.analysis.ir import Step
from nodeward.analysis.taint.propagate import Flow
from nodeward.model import Finding, Rule, SourceSpan, TraceStep, make_fingerprint

__all__ = ["finding_at", "flow_finding", "is_test_file", "redact_secrets"]

_TEST_DIRS = frozenset({"test", "tests", "__tests__", "__mocks__", "spec", "specs", "e2e", "fixtures", "__fixtures__"})
_TEST_NAME = re.compile(r"(?i)[._-](?:test|spec|e2e)\.[cm]?[jt]sx?$")


def is_test_file(path: str) -> bool:
    """`app.test.js`, `routes.spec.ts`, `x.e2e.test.js`, anything under `test/`, `__tests__/`,
    `e2e/`...: harness code (supertest apps, mocked routes) that is never deployed, so
    deployment advice about its apps and routes (helmet, error handlers, route guards) is noise.
    """
    parts = path.split("/")
    return bool(_TEST_NAME.search(parts[-1])) or any(p in _TEST_DIRS for p in parts[:-1])


def finding_at(rule: Rule, path: str, line: int, col: int, snippet: str, message: str, fix: str, key: str = "", trace: tuple[TraceStep, ...] = ()) -> Finding:
    """A finding at one place; the fingerprint uses the code (or `key`), never the line (nor a
    secret in it: see `nodeward.secrets.fingerprint`)."""
    from nodeward.secrets.fingerprint import secret_free_text

    span = SourceSpan(path, line, col, line, col + max(1, len(snippet)), snippet)
    return Finding(
        rule_id=rule.id,
        rule_name=rule.name,
        severity=rule.severity,
        confidence=rule.confidence,
        message=message,
        location=span,
        fingerprint=make_fingerprint(rule.id, path, secret_free_text(key or snippet)),
        cwe=rule.cwe,
        owasp=rule.owasp,
        fix=fix,
        trace=trace,
    )


def _trace_step(step: Step) -> TraceStep:
    return TraceStep(step.path, step.line, step.col, step.message, step.snippet)


def flow_finding(rule: Rule, flow: Flow, message: str, fix: str) -> Finding:
    """A taint finding at the sink, with the whole source -> steps -> sink trace."""
    steps = [_trace_step(s) for s in flow.steps]
    steps.append(_trace_step(flow.sink))
    trace: list[TraceStep] = []
    for s in steps:
        if not trace or (trace[-1].path, trace[-1].line, trace[-1].message) != (s.path, s.line, s.message):
            trace.append(s)
    sink = flow.sink
    return finding_at(
        rule,
        sink.path,
        sink.line,
        sink.col,
        sink.snippet,
        message,
        fix,
        key=f"{sink.snippet}|{flow.label.key}",
        trace=tuple(trace),
    )


def redact_secrets(findings: list[Finding]) -> list[Finding]:
    """Findings with any credential in their snippets, trace or message redacted.

    Trace steps quote code lines that may hold a hard-coded key; the secrets analyzer's own
    detectors decide what a secret is, so every output redacts the same things.
    """
    if not findings:
        return findings
    from nodeward.secrets.candidate import redact_text
    from nodeward.secrets.engine import make_engine

    engine = make_engine()
    scopes = frozenset({"any", "config", "npmrc"})
    cache: dict[str, str] = {}

    def clean(text: str) -> str:
        """The text with detected secrets redacted (memoised)."""
        if not text:
            return text
        if text not in cache:
            found = [m.secret for m in engine.scan(text.encode("utf-8", "surrogateescape"), scopes)]
            cache[text] = redact_text(text, found) if found else text
        return cache[text]

    out: list[Finding] = []
    for f in findings:
        loc = f.location
        if isinstance(loc, SourceSpan):
            loc = replace(loc, snippet=clean(loc.snippet))
        trace = tuple(replace(t, snippet=clean(t.snippet)) for t in f.trace)
        out.append(replace(f, location=loc, trace=trace, message=clean(f.message)))
    return out
