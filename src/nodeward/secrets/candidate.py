"""A possible secret as the detectors see it, its redacted form, and the typed
detail every secrets finding carries.

The full value lives only in `Candidate` (in memory, during the scan); nothing
built from it for output ever holds more than a prefix and a suffix.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass

from nodeward.model import FindingDetail, JSONValue

__all__ = ["Candidate", "SecretDetail", "redact", "redact_text", "secret_hash"]


@dataclass(frozen=True, slots=True)
class Candidate:
    """One detector match, before filters decide whether to keep or demote it."""

    path: str
    """POSIX path relative to the scan root (or to the repository for history)."""
    line: int
    secret: str
    detector: str
    """Rule id of the detector that matched."""
    context: str
    """The text the detector confirmed the match in (usually the whole line)."""
    key: str = ""
    """The name the value is assigned to, when the detector saw one (`DB_PASSWORD`)."""
    image: str = ""
    """The container image the line configures (a Compose service's `image:`, a Dockerfile
    stage's `FROM`), when the file says (`nodeward.secrets.local_infra`)."""
    npm_script: str = ""
    """The npm script a package.json line defines (its name), when it is one."""
    npm_command: str = ""
    """That script's command."""


def redact(secret: str) -> str:
    """A prefix and a suffix that together show at most a third of the value and never
    more than four characters each: `ghp_…Ue2X` for a 40-character token, `Su…3!` for
    `Summer2023!` would have shown four of eleven characters of a password, so short values
    keep one character a side (`S…!`) and values under eight characters keep none."""
    s = secret.strip()
    n = len(s)
    keep = min(4, n // 8)
    if keep == 0:
        return "…"
    return f"{s[:keep]}…{s[-keep:]}"


def redact_text(text: str, secrets: list[str] | tuple[str, ...]) -> str:
    """`text` with every given secret replaced by its redacted form (longest first)."""
    for s in sorted({x for x in secrets if x}, key=len, reverse=True):
        text = text.replace(s, redact(s))
    return text


_HASH_SALT = b"nodeward-secret-fingerprint-v2"


@functools.lru_cache(maxsize=4096)
def secret_hash(secret: str) -> str:
    """What fingerprints and baselines store instead of the value.

    A memory-hard hash (scrypt, about 10 ms and 4 MB per value), not plain SHA-256:
    baselines and JSON/SARIF reports are committed and shared, and the values found
    under password-like names are often guessable (`Summer2023!`), so a fast hash of
    one would be a dictionary lookup away from the password itself.  Cached per
    process because history scans see the same value in many commits."""
    raw = secret.encode("utf-8", "surrogatepass")
    return hashlib.scrypt(raw, salt=_HASH_SALT, n=2**12, r=8, p=1, dklen=32).hex()


@dataclass(frozen=True, slots=True)
class SecretDetail(FindingDetail):
    """What a secrets finding adds to the common model; never the full value."""

    kind: str
    """Human name of the secret type (`AWS access key`, `JWT signing secret`)."""
    redacted: str = ""
    entropy: float = 0.0
    commit: str = ""
    author_date: str = ""
    still_present_at_head: bool | None = None
    tracked_by_git: bool | None = None
    value_hash: str = ""
    """`secret_hash` of the value: what tells two findings of one secret apart from two
    secrets (never output; fingerprints already carry it)."""
    history_path: str = ""
    """On a working-tree finding whose value is also in git history: where the oldest
    commit that added it put it (`commit` names that commit)."""
    history_line: int = 0

    def json_fields(self) -> dict[str, JSONValue]:
        """Kind and redacted value, plus history and git-tracking facts when known."""
        out: dict[str, JSONValue] = {"secret_kind": self.kind, "secret_redacted": self.redacted}
        if self.entropy:
            out["secret_entropy"] = round(self.entropy, 2)
        if self.commit:
            out["commit"] = self.commit
            out["author_date"] = self.author_date
            out["still_present_at_head"] = self.still_present_at_head
        if self.history_path:
            out["history_path"] = self.history_path
            out["history_line"] = self.history_line
        if self.tracked_by_git is not None:
            out["tracked_by_git"] = self.tracked_by_git
        return out

    def text_lines(self) -> tuple[str, ...]:
        """For history findings: the commit, its date and whether the secret is still at HEAD;
        for a working-tree finding also in history: the commit that first added it, and where."""
        lines: list[str] = []
        if self.commit and self.history_path:
            where = f"{self.history_path}:{self.history_line}"
            lines.append(f"first committed in {self.commit[:12]} ({self.author_date}) at {where}")
        elif self.commit:
            state = "still present at HEAD" if self.still_present_at_head else "removed since: rotate it, it is in history"
            lines.append(f"commit {self.commit[:12]} ({self.author_date}); {state}")
        return tuple(lines)
