"""Keep other analyzers from echoing a secret the secrets analyzer found.

A SAST finding on `jwt.sign(payload, 'literal-secret')` captures the raw line
as its snippet.  `mask_overlapping` runs in `finalize` over every command's
findings: each snippet line that is a line where a secrets finding sits is
replaced by that finding's (already redacted) snippet, so no report format
repeats the value.

Two secrets on one line (`export AWS_ACCESS_KEY_ID=AKIA… AWS_SECRET_ACCESS_KEY=…`, a
one-line JSON config) made two findings whose snippets each redacted only their own
value and showed the other in full.  Given the scan root, every snippet, trace step and
message is also redacted with the raw values of all secrets found on its lines, read back
from the file at the findings' own (byte) columns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from nodeward.jsstring import unescape
from nodeward.model import Finding, SourceSpan
from nodeward.project import normalise_newlines
from nodeward.secrets.candidate import SecretDetail, redact, redact_text
from nodeward.secrets.history_merge import fold_history

__all__ = ["mask_overlapping", "raw_secret_values"]


def mask_overlapping(findings: Sequence[Finding], root: str | Path | None = None) -> list[Finding]:
    """`findings` with non-secrets snippets redacted on lines that hold a found secret (and,
    given the scan root, every secret on a line redacted in every finding that quotes it).
    A history finding (NW805) whose value a working-tree finding reports is folded into that
    finding first (`history_merge`): `scan` brings the two from different analyzers."""
    out = _mask_with_secret_snippets(fold_history(findings))
    if root is None:
        return out
    raw = _raw_secrets(out, Path(root))
    return [_redact_raw(f, raw) for f in out] if raw else out


def _mask_with_secret_snippets(findings: Sequence[Finding]) -> list[Finding]:
    masked: dict[tuple[str, int], str] = {}
    for f in findings:
        loc = f.location
        if f.rule_id.startswith("NW8") and isinstance(loc, SourceSpan) and loc.snippet:
            masked.setdefault((loc.path, loc.start_line), loc.snippet)
    if not masked:
        return list(findings)
    out: list[Finding] = []
    for f in findings:
        loc = f.location
        if f.rule_id.startswith("NW8") or not isinstance(loc, SourceSpan) or not loc.snippet:
            out.append(f)
            continue
        lines = loc.snippet.split("\n")
        changed = False
        for i, text in enumerate(lines):
            red = masked.get((loc.path, loc.start_line + i))
            if red is not None and text.strip() != red:
                indent = text[: len(text) - len(text.lstrip())]
                lines[i] = indent + red
                changed = True
        out.append(replace(f, location=replace(loc, snippet="\n".join(lines))) if changed else f)
    return out


_ESCAPE = re.compile(r"\\(?:x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]{1,6}\}|u[0-9a-fA-F]{4}|[0-7]{1,3}|.)")


def _unescaped(text: str) -> str:
    """A JS string literal's body as the engine reads it (`\\x2d` -> `-`)."""
    return _ESCAPE.sub(lambda m: unescape(m.group(0)), text) if "\\" in text else text


_HISTORY_RULES = frozenset({"NW805"})
"""Located in an old commit's text: the working tree's line is not where the value is."""


def _raw_secrets(findings: Sequence[Finding], root: Path) -> dict[tuple[str, int], list[str]]:
    """(path, line) -> raw values of the secrets found on that line. A value is kept only
    when it redacts to what its finding shows, so a span that is not exactly the secret
    never widens the redaction."""
    by_line: dict[tuple[str, int], list[Finding]] = {}
    for f in findings:
        loc = f.location
        if (
            f.rule_id.startswith("NW8")
            and f.rule_id not in _HISTORY_RULES
            and isinstance(loc, SourceSpan)
            and isinstance(f.detail, SecretDetail)
            and f.detail.redacted
            and loc.end_line == loc.start_line
        ):
            by_line.setdefault((loc.path, loc.start_line), []).append(f)
    wanted = by_line
    if not wanted:
        return {}
    base = root.parent if root.is_file() else root
    files: dict[str, list[bytes] | None] = {}
    out: dict[tuple[str, int], list[str]] = {}
    for (path, line), group in wanted.items():
        if path not in files:
            try:
                files[path] = normalise_newlines((base / path).read_bytes()).split(b"\n")
            except (OSError, ValueError):
                files[path] = None
        lines = files[path]
        if lines is None or not 1 <= line <= len(lines):
            continue
        text_bytes = lines[line - 1]
        text = text_bytes.decode("utf-8", "replace")
        values = []
        for f in group:
            loc = f.location
            assert isinstance(loc, SourceSpan) and isinstance(f.detail, SecretDetail)
            for value in (
                text_bytes[loc.start_col - 1 : loc.end_col - 1].decode("utf-8", "replace"),
                text[loc.start_col - 1 : loc.end_col - 1],
            ):
                # A literal spelled with escapes (`'orders\x2dkey'`) redacts as its value.
                if value and f.detail.redacted in (redact(value), redact(_unescaped(value))):
                    values.append(value)
                    break
        if values:
            out[(path, line)] = values
    return out


_MIN_PART = 8
"""The shortest cut-off piece of a secret that is still hidden (`sk_live_` + a few)."""


def _redact_all(text: str, values: Sequence[str]) -> str:
    """`text` with each value redacted, also where a message or snippet window cut it off
    (`... + '<!-- sk_live_4eC39HqLyjW`): a prefix or suffix of at least _MIN_PART characters
    at the cut counts as the value."""
    # A snippet is short: keep only the values it can hold, so a line with hundreds of
    # secrets (a one-line JSON of tokens) costs a substring test per value, not a rewrite.
    values = [v for v in values if v in text or v[:_MIN_PART] in text or v[-_MIN_PART:] in text]
    if not values:
        return text
    text = redact_text(text, values)
    for v in sorted(values, key=len, reverse=True):
        if len(v) <= _MIN_PART or v[:_MIN_PART] not in text and v[-_MIN_PART:] not in text:
            continue
        for k in range(len(v) - 1, _MIN_PART - 1, -1):
            head, tail = v[:k], v[-k:]
            if text.endswith(head) or (head + "`") in text or (head + "…") in text:
                text = text.replace(head, redact(v))
            if text.startswith(tail) or ("…" + tail) in text or ("`" + tail) in text:
                text = text.replace(tail, redact(v))
    return text


def _redact_raw(f: Finding, raw: dict[tuple[str, int], list[str]]) -> Finding:
    loc = f.location
    if not isinstance(loc, SourceSpan):
        return f
    span_values = [v for n in range(loc.start_line, loc.end_line + 1) for v in raw.get((loc.path, n), ())]
    lines = loc.snippet.split("\n")
    snippet = "\n".join(_redact_all(t, raw.get((loc.path, loc.start_line + i), [])) for i, t in enumerate(lines))
    message = _redact_all(f.message, span_values) if span_values else f.message
    trace = tuple(
        replace(s, snippet=_redact_all(s.snippet, raw[(s.path, s.line)]), message=_redact_all(s.message, raw[(s.path, s.line)]))
        if (s.path, s.line) in raw
        else s
        for s in f.trace
    )
    if snippet == loc.snippet and message == f.message and trace == f.trace:
        return f
    return replace(f, location=replace(loc, snippet=snippet), message=message, trace=trace)


def raw_secret_values(findings: Sequence[Finding], root: str | Path) -> set[str]:
    """Every raw value the secrets findings among `findings` located (for reporters that quote
    code outside any finding, such as the route map)."""
    return {v for values in _raw_secrets(findings, Path(root)).values() for v in values}
