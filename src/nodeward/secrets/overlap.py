"""Keep other analyzers from echoing a secret the secrets analyzer found.

A SAST finding on `jwt.sign(payload, 'literal-secret')` captures the raw line
as its snippet.  `mask_overlapping` runs in `finalize` over every command's
findings: each snippet line that is a line where a secrets finding sits is
replaced by that finding's (already redacted) snippet, so no report format
repeats the value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from nodeward.model import Finding, SourceSpan

__all__ = ["mask_overlapping"]


def mask_overlapping(findings: Sequence[Finding]) -> list[Finding]:
    """`findings` with non-secrets snippets redacted on lines that hold a found secret."""
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
