"""One finding per leaked value: a secret still in the working tree is not also NW805.

With `--history`, a secret committed and still in the code was reported twice: NW805 at the
oldest commit that added it, and the detector's own finding (NW816, NW807, ...) where it sits
now.  Both ask for the same action on the same credential, so a reader (and a CI gate that
counts findings) saw one leak as two.

`fold_history` keeps the working-tree finding, the one that points at the line to fix, and
folds the history facts into it: the message says since which commit (and where, if the value
was first committed under another path) the value is in history, so it must be rotated and not
only removed; the detail carries the commit, its date and that path.  The finding keeps its
own rule id, confidence and fingerprint, so a baseline or a suppression made without
`--history` still matches it with `--history`, and run after run.  Its severity is raised to
NW805's when that is higher: a value in history counts as compromised.

Values are matched by `SecretDetail.value_hash` (the slow hash every secrets finding already
computes for its fingerprint), never by a raw value.  A secret no longer in the working tree
stays NW805 ("removed since, but it is in history"); a secret never committed has no NW805 to
fold.  Idempotent: once folded there is no NW805 left for that value, so running it both in
the secrets analyzer and in `finalize` (where `scan` brings the JS/TS findings of the engine
workers) changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from nodeward.model import Finding
from nodeward.secrets.candidate import SecretDetail
from nodeward.secrets.rules import HISTORY_SECRET

__all__ = ["fold_history"]


def _value_hash(f: Finding) -> str:
    return f.detail.value_hash if isinstance(f.detail, SecretDetail) else ""


def fold_history(findings: Sequence[Finding]) -> list[Finding]:
    """`findings` without the NW805 findings whose value a working-tree secrets finding
    reports, that finding carrying the oldest commit that added the value."""
    history: dict[str, Finding] = {}
    for f in findings:
        h = _value_hash(f)
        if f.rule_id == HISTORY_SECRET.id and h:
            old = history.get(h)
            # Two detectors may have matched the same value in different commits: the oldest wins.
            if old is None or _commit_order(f) < _commit_order(old):
                history[h] = f
    if not history:
        return list(findings)
    in_tree = {
        _value_hash(f) for f in findings if f.rule_id.startswith("NW8") and f.rule_id != HISTORY_SECRET.id
    } & history.keys()
    if not in_tree:
        return list(findings)
    out: list[Finding] = []
    for f in findings:
        h = _value_hash(f)
        if h not in in_tree:
            out.append(f)
        elif f.rule_id != HISTORY_SECRET.id:
            out.append(_with_history(f, history[h]))
    return out


def _commit_order(f: Finding) -> tuple[str, str, str, int]:
    d = f.detail
    assert isinstance(d, SecretDetail)
    return (d.author_date, d.commit, f.path, f.line)


def _with_history(f: Finding, hist: Finding) -> Finding:
    d, hd = f.detail, hist.detail
    assert isinstance(d, SecretDetail) and isinstance(hd, SecretDetail)
    if d.commit:  # already folded
        return f
    message = f"{f.message}; in git history since commit {hd.commit[:12]} ({hd.author_date})"
    if (hist.path, hist.line) != (f.path, f.line):
        message += f" at {hist.path}:{hist.line}"
    message += ": rotate it, removing it is not enough"
    detail = replace(
        d,
        commit=hd.commit,
        author_date=hd.author_date,
        still_present_at_head=hd.still_present_at_head,
        history_path=hist.path,
        history_line=hist.line,
    )
    return replace(f, message=message, detail=detail, severity=max(f.severity, hist.severity))
