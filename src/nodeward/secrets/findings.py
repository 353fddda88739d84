"""Turn a confirmed match into a redacted Finding (the only place that does).

Filters run first; the message and snippet are redacted before the Finding
exists, and the fingerprint hashes the value, never the line number.
"""

from __future__ import annotations

import re

from nodeward.model import Confidence, Finding, Rule, SourceSpan, Suppression, make_fingerprint
from nodeward.secrets.candidate import Candidate, SecretDetail, redact, redact_text, secret_hash
from nodeward.secrets.entropy import shannon_entropy
from nodeward.secrets.filters import demoted_by, dropped_by

__all__ = ["SNIPPET_MAX", "inline_suppression", "judge", "printable", "secret_finding", "snippet_for"]

SNIPPET_MAX = 200

FIX = "Rotate the credential now, remove it from the file, and load it from the environment or a secret manager."


def printable(text: str) -> str:
    """Undecodable bytes (kept as surrogates so redaction matches) become U+FFFD for output."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


_LINE_BREAK = re.compile(r"\r?\n|\\[rn]")


def _fragments(secrets: list[str]) -> list[str]:
    """Each secret plus, for multi-line ones (PEM bodies), every line of it: the context is
    a single line, which holds only part of such a secret and must not show that part."""
    out = list(secrets)
    for s in secrets:
        parts = [p.strip(" \t\"',+`") for p in _LINE_BREAK.split(s)]
        if len(parts) > 1:
            out.extend(p for p in parts if len(p) >= 8)
    return out


def snippet_for(context: str, secrets: list[str], col: int) -> str:
    """The line with every secret (and every line of a multi-line one) redacted, cut to
    SNIPPET_MAX characters around `col`."""
    text = printable(redact_text(context, _fragments(secrets)))
    if len(text) <= SNIPPET_MAX:
        return text.strip()
    start = max(0, min(col - 1, len(text)) - SNIPPET_MAX // 2)
    return text[start : start + SNIPPET_MAX].strip()


_SOURCE_EXTS = (".js", ".cjs", ".mjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")
_HASH_COMMENT = re.compile(r"(?:^|\s)#\s*nodeward-ignore\b")


def inline_suppression(rule: Rule, c: Candidate) -> Suppression | None:
    """A same-line `# nodeward-ignore NW813 reason` in a `#`-comment file (`.env`, YAML,
    TOML, INI, shell, Dockerfile) that names this rule.  JS/TS comments are found on the
    syntax tree by the core suppression pass instead (a `#` there may sit in a string)."""
    if c.path.lower().endswith(_SOURCE_EXTS):
        return None
    m = _HASH_COMMENT.search(c.context)
    if m is None:
        return None
    from nodeward.suppress import parse_directive

    parsed = parse_directive(c.context[m.start() :].strip())
    if parsed is None:
        return None
    rules, reason = parsed
    names = {t.upper() for t in rules} | {t.lower() for t in rules}
    if rule.id.upper() not in names and rule.name.lower() not in names:
        return None
    return Suppression("inSource", reason or "(no reason given)", c.path, c.line)


def judge(c: Candidate, base: Confidence) -> Confidence | None:
    """The confidence to report `c` at, or None when a filter says it is not a secret."""
    if dropped_by(c) is not None:
        return None
    if demoted_by(c) is not None:
        return Confidence.LOW
    return base


def secret_finding(
    rule: Rule,
    kind: str,
    c: Candidate,
    confidence: Confidence,
    *,
    col: int = 1,
    end_line: int = 0,
    end_col: int = 0,
    message: str = "",
    detail: SecretDetail | None = None,
) -> Finding:
    """A finding whose every text field is already redacted."""
    shown = redact(c.secret)
    if not message:
        where = f" assigned to `{c.key}`" if c.key and c.secret not in c.key else ""
        message = f"Hard-coded {kind} `{shown}`{where}"
    message = printable(redact_text(message.replace("{redacted}", shown), [c.secret]))
    shown = printable(shown)
    span = SourceSpan(
        c.path,
        c.line,
        col,
        end_line or c.line,
        end_col or col + len(c.secret),
        snippet_for(c.context, [c.secret], col),
    )
    return Finding(
        rule_id=rule.id,
        rule_name=rule.name,
        severity=rule.severity,
        confidence=confidence,
        message=message,
        location=span,
        fingerprint=make_fingerprint(rule.id, c.path, secret_hash(c.secret)),
        cwe=rule.cwe,
        owasp=rule.owasp,
        fix=FIX,
        detail=detail
        or SecretDetail(kind=kind, redacted=shown, entropy=shannon_entropy(c.secret), value_hash=secret_hash(c.secret)),
        suppression=inline_suppression(rule, c),
    )
