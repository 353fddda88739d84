"""Secrets in git history: every line added by every commit reachable from any ref.

`git log -p --all --unified=0` is streamed line by line; added lines are
buffered per file (flushed at `FLUSH_BYTES`) and run through the same engine
and filters as the working tree.  Memory is bounded by the buffer plus one
entry per distinct secret found, whatever the size of the history.  Each
secret is reported once (whatever the paths it was copied or renamed to), at the
oldest commit that added it, with its author
date and whether it is still present at HEAD (one `git grep` over HEAD for all
of them, fed on stdin so no secret touches the disk or a command line).
"""

from __future__ import annotations

import logging
import re
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from nodeward.model import Finding, ScanError
from nodeward.project import content_skip_reason
from nodeward.sast.parse import language_for
from nodeward.secrets.candidate import Candidate, SecretDetail, redact, secret_hash
from nodeward.secrets.engine import Engine
from nodeward.secrets.entropy import shannon_entropy
from nodeward.secrets.findings import judge, printable, secret_finding
from nodeward.secrets.gitrepo import GitError, _env, in_work_tree, run_git
from nodeward.secrets.rules import HISTORY_SECRET

__all__ = ["HistoryResult", "scan_history"]

logger = logging.getLogger(__name__)

FLUSH_BYTES = 256 * 1024
"""Added lines of one file are scanned in chunks of about this size."""
CARRY_LINES = 128
CARRY_BYTES = 64 * 1024
"""The tail of a chunk scanned again with the next one (bounded), for multi-line values."""

_HUNK = re.compile(rb"^@@+ (?:-\d+(?:,\d+)? )+\+(\d+)(?:,\d+)? @@")
_COMMIT_MARK = b"\x00commit "
_BUNDLE_EXTS = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".css", ".html", ".svg")


@dataclass(frozen=True, slots=True)
class HistoryResult:
    """What a history scan found, what failed, and how many commits it read."""
    findings: tuple[Finding, ...]
    errors: tuple[ScanError, ...]
    commits: int


@dataclass(slots=True)
class _Seen:
    finding: Finding
    secret: str
    commit: str
    date: str


def _stream(root: Path, revisions: str | None) -> Iterator[bytes]:
    """Lines of `git log -p` over all refs (or `revisions`), paths relative to `root`."""
    cmd = [
        "git", "-c", "core.quotepath=off", "log", "-p", "--unified=0", "--no-color",
        "--no-ext-diff", "--no-textconv", "--no-renames", "--relative", "--cc", "--format=%x00commit %H %aI",
    ]
    # A user-given range goes after --end-of-options so it can never be read as an option.
    cmd += ["--end-of-options", revisions] if revisions else ["--all"]
    proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env())
    assert proc.stdout is not None
    try:
        yield from proc.stdout
    finally:
        proc.stdout.close()
        try:
            _, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise GitError("git log did not finish") from None
        if proc.returncode not in (0, None):
            # git's own message, without the usage hints it prints after it
            lines = err.decode("utf-8", "replace").strip().splitlines()
            raise GitError(f"git log failed: {lines[0] if lines else proc.returncode}")


def scan_history(
    root: Path,
    engine: Engine,
    skip_path: Callable[[str], bool] | None = None,
    revisions: str | None = None,
) -> HistoryResult:
    """Findings (rule NW805) for secrets added anywhere in the repository's history.

    `revisions` limits the walk to a git range (`origin/main..HEAD` in CI) instead of
    every ref.
    `skip_path(path)` drops files the working-tree scan would not look at either
    (configured excludes, `node_modules/` committed by mistake unless included).
    """
    if not in_work_tree(root):
        msg = "--history needs a git work tree (is git installed and is this folder a repository?)"
        return HistoryResult((), (ScanError(msg, "", 0, "git", fatal=True),), 0)
    seen: dict[tuple[str, str], _Seen] = {}
    commits = 0
    commit, date = "", ""
    path: str | None = None
    # Between `diff --git` and the first hunk: only there is `+++ ` a file header (an
    # added line whose text starts with `++ ` also begins with `+++ `).
    in_header = False
    # A merge's combined diff (`--cc`) has one prefix column per parent: only a line with
    # `+` in every column is new in the merge itself (a conflict resolution, an "evil merge");
    # the others came from a parent, whose own commit is scanned.
    parents = 1
    line_no = 0
    buf: list[tuple[int, bytes]] = []
    size = 0

    def flush(carry: bool = False) -> None:
        """Scan the buffer; `carry` (a size flush inside one file's additions) keeps its tail
        so a multi-line value (a PEM block) cut at the chunk boundary is still seen whole."""
        nonlocal buf, size
        if buf and path is not None:
            _scan_chunk(engine, path, buf, commit, date, seen)
        tail: list[tuple[int, bytes]] = []
        if carry:
            kept = 0
            for entry in reversed(buf[-CARRY_LINES:]):
                kept += len(entry[1]) + 1
                if kept > CARRY_BYTES:
                    break
                tail.append(entry)
            tail.reverse()
        buf, size = tail, sum(len(t) + 1 for _, t in tail)

    try:
        for raw in _stream(root, revisions):
            if raw.startswith(_COMMIT_MARK):
                flush()
                parts = raw[len(_COMMIT_MARK):].split()
                commit = parts[0].decode() if parts else ""
                date = parts[1].decode() if len(parts) > 1 else ""
                commits += 1
                path = None
                in_header = False
            elif raw.startswith((b"diff --git ", b"diff --cc ", b"diff --combined ")):
                flush()
                path = None
                in_header = True
                parents = 1
            elif in_header and raw.startswith(b"+++ "):
                # git ends the name with a tab when it holds a space, and C-quotes special characters
                target = _unquote(raw[4:].rstrip(b"\n").rstrip(b"\t"))
                if target == b"/dev/null":
                    path = None
                else:
                    path = (target[2:] if target.startswith(b"b/") else target).decode("utf-8", "surrogateescape")
                    if skip_path is not None and skip_path(path):
                        path = None
            elif raw.startswith(b"@@"):
                in_header = False
                parents = max(1, len(raw) - len(raw.lstrip(b"@")) - 1)
                m = _HUNK.match(raw)
                line_no = int(m.group(1)) if m else 0
            elif parents == 1 and raw.startswith(b"+") and path is not None:
                text = raw[1:].rstrip(b"\n")
                buf.append((line_no, text))
                size += len(text) + 1
                line_no += 1
                if size >= FLUSH_BYTES:
                    flush(carry=True)
            elif parents > 1 and path is not None and not in_header:
                prefix = raw[:parents]
                if prefix == b"+" * parents:
                    text = raw[parents:].rstrip(b"\n")
                    buf.append((line_no, text))
                    size += len(text) + 1
                    if size >= FLUSH_BYTES:
                        flush(carry=True)
                if b"-" not in prefix:
                    line_no += 1  # the line is in the merge result
        flush()
    except (GitError, OSError) as e:
        return HistoryResult(tuple(s.finding for s in seen.values()), (ScanError(f"history scan failed: {e}", "", 0, "git", fatal=True),), commits)
    present = _present_at_head(root, [s.secret for s in seen.values()])
    findings = []
    for s in seen.values():
        detail = s.finding.detail
        assert isinstance(detail, SecretDetail)
        still = s.secret in present
        state = "still present at HEAD" if still else "removed since, but it is in history: rotate it"
        findings.append(
            replace(
                s.finding,
                message=f"{detail.kind} `{detail.redacted}` committed in {s.commit[:12]} ({s.date}); {state}",
                detail=replace(detail, still_present_at_head=still),
            )
        )
    return HistoryResult(tuple(findings), (), commits)


_C_ESCAPES = {b"a": 7, b"b": 8, b"t": 9, b"n": 10, b"v": 11, b"f": 12, b"r": 13, b'"': 34, b"\\": 92}


def _unquote(name: bytes) -> bytes:
    """git C-quotes a path holding `"`, `\\` or control characters (`"b/we\\"ird.env"`)."""
    if not (len(name) >= 2 and name.startswith(b'"') and name.endswith(b'"')):
        return name
    body, out, i = name[1:-1], bytearray(), 0
    while i < len(body):
        c = body[i : i + 1]
        if c == b"\\" and i + 1 < len(body):
            nxt = body[i + 1 : i + 2]
            if nxt in _C_ESCAPES:
                out.append(_C_ESCAPES[nxt])
                i += 2
                continue
            if body[i + 1 : i + 4].isdigit():
                out.append(int(body[i + 1 : i + 4], 8) & 0xFF)
                i += 4
                continue
        out += c
        i += 1
    return bytes(out)


def _scan_chunk(
    engine: Engine,
    path: str,
    buf: list[tuple[int, bytes]],
    commit: str,
    date: str,
    seen: dict[tuple[str, str], _Seen],
) -> None:
    data = b"\n".join(text for _, text in buf)
    reason = content_skip_reason(path, data)
    if reason is not None and (not reason.startswith("minified bundle (average") or path.endswith(_BUNDLE_EXTS)):
        # The line-length heuristic is for bundles: a commit's added lines of a config file
        # are often one long line (compact JSON, a base64 key in `.env`) and must be read.
        return
    from nodeward.secrets.analyzer import scopes_for

    matches = engine.scan(data, scopes_for(path, language_for(path) is not None))
    # As in the working tree (rule `supersedes`), a provider match makes the generic
    # name-based match on the same line redundant.
    covered = {(m.line, old) for m in matches for old in m.detector.rule.supersedes}
    for m in matches:
        det = m.detector
        if (m.line, det.rule.id) in covered:
            continue
        real_line = buf[m.line - 1][0] if 0 < m.line <= len(buf) else m.line
        c = Candidate(path, real_line, m.secret, det.rule.id, m.context, m.key)
        confidence = judge(c, det.rule.confidence)
        if confidence is None:
            continue
        # One finding per secret, not per path: a rename (`--no-renames` shows it as a new
        # file) or a copy is the same credential to rotate, reported where it first appeared.
        key = (det.rule.id, m.secret)
        detail = SecretDetail(
            kind=det.kind,
            redacted=printable(redact(m.secret)),
            entropy=shannon_entropy(m.secret),
            commit=commit,
            author_date=date,
            value_hash=secret_hash(m.secret),
        )
        base = secret_finding(HISTORY_SECRET, det.kind, c, confidence, col=m.col, detail=detail)
        # git log runs newest first: a later sighting is an older commit, which wins.
        seen[key] = _Seen(replace(base, fingerprint=_fingerprint(det.rule.id, path, m.secret)), m.secret, commit, date)


def _fingerprint(detector_id: str, path: str, secret: str) -> str:
    from nodeward.model import make_fingerprint

    return make_fingerprint(HISTORY_SECRET.id, path, f"{detector_id}:{secret_hash(secret)}")


def _present_at_head(root: Path, secrets: list[str]) -> set[str]:
    """Which secrets occur anywhere in HEAD's tree (fixed-string `git grep`, patterns on stdin)."""
    by_pattern: dict[str, list[str]] = {}
    for s in secrets:
        first = s.strip().splitlines()[0][:80] if s.strip() else ""
        if len(first) >= 4:
            by_pattern.setdefault(first, []).append(s)
    if not by_pattern:
        return set()
    try:
        out = run_git(
            ["grep", "-F", "-o", "-h", "-I", "--no-color", "-f", "-", "HEAD", "--", "."],
            root,
            stdin="\n".join(by_pattern).encode("utf-8", "surrogateescape") + b"\n",
            ok_codes=(0, 1),
            timeout=120,
        )
    except GitError as e:
        logger.debug("cannot check HEAD for history secrets: %s", e)
        return set()
    found = set(out.decode("utf-8", "surrogateescape").splitlines())
    return {s for p, group in by_pattern.items() if p in found for s in group}
