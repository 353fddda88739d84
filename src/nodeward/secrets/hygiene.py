"""File-level hygiene: `.env` files tracked by git or not ignored, and literal
secrets in `package.json` scripts.

Git questions are asked through `gitrepo` with a timeout.  Without git (or
outside a work tree) nothing is guessed: each `.env` file is reported as
skipped for these checks, with the reason.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

from nodeward.model import Confidence, Finding, ScanError, Skipped, SourceSpan, make_fingerprint
from nodeward.secrets.candidate import Candidate, SecretDetail, redact
from nodeward.secrets.filters import in_docs_or_tests, is_env_template
from nodeward.secrets.findings import judge, secret_finding
from nodeward.secrets.gitrepo import (
    GitError,
    git_available,
    ignored,
    in_work_tree,
    run_git,
    tracked,
)
from nodeward.secrets.rules import ENV_NOT_IGNORED, ENV_TRACKED, SCRIPT_SECRET

__all__ = ["env_findings", "is_encrypted_env", "is_env_file", "is_env_template", "mark_tracked_npmrc", "script_findings"]

def is_env_file(path: str) -> bool:
    """`.env`, `.env.local`, `.env.production`, `prod.env` (not `.envrc` or `env.js`)."""
    name = path.rsplit("/", 1)[-1].lower()
    return name == ".env" or name.startswith(".env.") or (name.endswith(".env") and len(name) > 4)


def is_encrypted_env(path: str) -> bool:
    """`.env.vault` (dotenv-vault): encrypted and meant to be committed; its key file
    `.env.keys` is not, and stays reported."""
    return path.rsplit("/", 1)[-1].lower() == ".env.vault"


def env_findings(
    root: Path,
    discovered: Iterable[str],
    files_with_secrets: set[str],
) -> tuple[list[Finding], list[Skipped], list[ScanError]]:
    """NW801/NW802 for the project's `.env` files.

    `discovered` are the project's files (gitignored ones are not among them);
    tracked `.env` files are added from `git ls-files` since git keeps tracking a
    file after it is added to `.gitignore`.  A template (`.env.example`) is exempt
    unless a secret was found in it (`files_with_secrets`).

    A tracked `.env` or `.npmrc` that discovery skipped (a `.gitignore` rule added
    after the commit) is still in the repository, so its contents are scanned here too.
    """
    discovered_all = set(discovered)
    discovered_env = {p for p in discovered_all if is_env_file(p)}
    env_paths = sorted(discovered_env)
    findings: list[Finding] = []
    skipped: list[Skipped] = []
    errors: list[ScanError] = []
    if not in_work_tree(root):
        # Only the git checks are skipped: the file's secrets are scanned like any other
        # file's, and a bare "skipped" next to its findings read as a contradiction.
        reason = (
            "not inside a git work tree: cannot tell whether this .env file is tracked or ignored "
            "(NW801/NW802 not checked; its secrets were scanned)"
            if git_available()
            else "git is not installed: cannot tell whether this .env file is tracked or ignored "
            "(NW801/NW802 not checked; its secrets were scanned)"
        )
        skipped.extend(Skipped(p, reason) for p in env_paths)
        return findings, skipped, errors
    try:
        listed = run_git(
            ["ls-files", "-z", "--", ":(glob)**/.env", ":(glob)**/.env.*", ":(glob)**/*.env", ":(glob)**/.npmrc"], root
        )
        listed_paths = {p for p in listed.decode("utf-8", "surrogateescape").split("\0") if p}
        all_tracked = {p for p in listed_paths if is_env_file(p)}
        hidden_npmrc = sorted(p for p in listed_paths if p.rsplit("/", 1)[-1] == ".npmrc" and p not in discovered_all)
        env_paths = sorted(discovered_env | all_tracked)
        is_tracked = tracked(root, env_paths) if env_paths else set()
        is_ignored = ignored(root, env_paths)
    except GitError as e:
        errors.append(ScanError(f"cannot check .env files against git: {e}", "", 0, "git", incomplete=True))
        return findings, skipped, errors
    hidden = sorted(p for p in all_tracked - discovered_env if p in is_tracked)
    content, content_errors = _scan_hidden_tracked(root, hidden + hidden_npmrc)
    content = mark_tracked_npmrc(root, content)
    findings.extend(content)
    errors.extend(content_errors)
    with_secrets = files_with_secrets | {f.path for f in content if f.confidence >= Confidence.MEDIUM}
    for path in env_paths:
        if (is_env_template(path) or is_encrypted_env(path)) and path not in with_secrets:
            continue
        # A fixture project's `.env` under test/ or examples/ is test data, like the values in it
        # (which the same demotion reports at LOW): reported when asked for, not by default.
        confidence = Confidence.LOW if in_docs_or_tests(Candidate(path, 1, "", "NW801", "")) else Confidence.HIGH
        if path in is_tracked:
            also = (
                " (a .gitignore rule covers it now, but git keeps tracking a file committed before the rule)"
                if path in is_ignored
                else ""
            )
            findings.append(
                Finding(
                    rule_id=ENV_TRACKED.id,
                    rule_name=ENV_TRACKED.name,
                    severity=ENV_TRACKED.severity,
                    confidence=confidence,
                    message=f"`{path}` is committed to git: every secret in it is in the repository history{also}",
                    location=SourceSpan(path, 1, 1, 1, 1, ""),
                    fingerprint=make_fingerprint(ENV_TRACKED.id, path, "tracked"),
                    cwe=ENV_TRACKED.cwe,
                    owasp=ENV_TRACKED.owasp,
                    fix=f"`git rm --cached {path}`, add it to .gitignore, and rotate every secret it held.",
                    detail=SecretDetail(kind=".env file", tracked_by_git=True),
                )
            )
        if path not in is_ignored and not is_env_template(path) and not is_encrypted_env(path):
            # A template is meant to be committed: NW801 and the value's own finding say what to fix.
            findings.append(
                Finding(
                    rule_id=ENV_NOT_IGNORED.id,
                    rule_name=ENV_NOT_IGNORED.name,
                    severity=ENV_NOT_IGNORED.severity,
                    confidence=confidence,
                    message=f"`{path}` is not covered by any .gitignore rule",
                    location=SourceSpan(path, 1, 1, 1, 1, ""),
                    fingerprint=make_fingerprint(ENV_NOT_IGNORED.id, path, "not-ignored"),
                    cwe=ENV_NOT_IGNORED.cwe,
                    owasp=ENV_NOT_IGNORED.owasp,
                    fix="Add `.env` and `.env.*` (with `!.env.example`) to the project's .gitignore.",
                    detail=SecretDetail(kind=".env file", tracked_by_git=path in is_tracked),
                )
            )
    return findings, skipped, errors


def _scan_hidden_tracked(root: Path, paths: list[str]) -> tuple[list[Finding], list[ScanError]]:
    """Secrets in tracked `.env`/`.npmrc` files that discovery skipped because `.gitignore` covers them."""
    if not paths:
        return [], []
    from nodeward.project import content_skip_reason
    from nodeward.secrets.analyzer import scan_bytes
    from nodeward.secrets.engine import Engine

    engine = Engine("auto")
    findings: list[Finding] = []
    errors: list[ScanError] = []
    for path in paths:
        try:
            data = (root / path).read_bytes()
        except OSError as e:
            # Deleted from the work tree but still in the index: history (--history) has it.
            errors.append(ScanError(f"cannot read tracked .env file: {e.strerror}", path, 0, "io"))
            continue
        if content_skip_reason(path, data) is None:
            findings.extend(scan_bytes(engine, path, data, False))
    return findings, errors


_SCRIPT_PATTERNS = (
    # NAME=value assignments before a command: API_TOKEN=abc node deploy.js
    re.compile(
        r"(?:^|[\s;&|(])(?P<key>[A-Za-z0-9_]*(?:TOKEN|SECRET|PASSWORD|PASSWD|PWD|API_?KEY|AUTH|ACCESS_KEY|PRIVATE_KEY))"
        r"=(?P<secret>[^\s$\"'`;&|()]{6,})",
        re.I,
    ),
    # --password=value / --token value
    re.compile(
        r"(?:^|\s)--?(?P<key>password|passwd|token|secret|api-?key|auth-?token|access-?token|client-?secret)[= ]+"
        r"(?P<secret>[^\s$\"'`;&|()-][^\s\"'`;&|()]{5,})",
        re.I,
    ),
    # curl -u user:SECRET / --user user:SECRET (basic auth on the command line)
    re.compile(r"\bcurl\b[^;&|]*?\s(?P<key>-u|--user)[= ]?[\"']?[^\s:$\"'`;&|()]+:(?P<secret>[^\s$\"'`;&|()]{4,})"),
    # mysql -pSECRET / mysqldump -pSECRET
    re.compile(r"\bmysql(?:dump|admin)?\b[^;&|]*?\s-p(?P<secret>[^\s$\"'`;&|()]{4,})"),
)


def script_findings(path: str, data: bytes) -> list[Finding]:
    """NW804 for one package.json: literal credentials in `scripts` commands."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return []
    scripts = doc.get("scripts") if isinstance(doc, dict) else None
    if not isinstance(scripts, dict):
        return []
    lines = data.decode("utf-8", "replace").splitlines()
    scripts_line = next((i for i, ln in enumerate(lines) if '"scripts"' in ln), 0)
    out: list[Finding] = []
    for name, cmd in scripts.items():
        if not isinstance(cmd, str):
            continue
        line_no, context = _locate(lines, scripts_line, name)
        for pattern in _SCRIPT_PATTERNS:
            for m in pattern.finditer(cmd):
                secret = m.group("secret")
                key = m.groupdict().get("key") or "-p"
                c = Candidate(path, line_no, secret, SCRIPT_SECRET.id, context, key, npm_script=name, npm_command=cmd)
                confidence = judge(c, SCRIPT_SECRET.confidence)
                if confidence is None:
                    continue
                # The same value may sit in several scripts on one line: look after this script's name.
                at = context.find(secret, max(0, context.find(json.dumps(name))))
                col = (at if at >= 0 else max(0, context.find(secret))) + 1
                msg = f"Script `{name}` passes a literal credential as `{key}` (`{redact(secret)}`)"
                out.append(secret_finding(SCRIPT_SECRET, "secret in an npm script", c, confidence, col=col, message=msg))
    return out


def _locate(lines: list[str], start: int, name: str) -> tuple[int, str]:
    needle = json.dumps(name) + ":"
    for i in range(start, len(lines)):
        if needle in lines[i].replace('": ', '":').replace('" :', '":'):
            return i + 1, lines[i]
    return start + 1, lines[start] if lines else ""


def mark_tracked_npmrc(root: Path, findings: list[Finding]) -> list[Finding]:
    """NW803 findings in an `.npmrc` that git tracks say so: the token is in the repository."""
    from dataclasses import replace

    paths = sorted({f.path for f in findings if f.rule_id == "NW803"})
    if not paths or not in_work_tree(root):
        return findings
    try:
        committed = tracked(root, paths)
    except GitError:
        return findings
    out = []
    for f in findings:
        if f.rule_id == "NW803" and isinstance(f.detail, SecretDetail):
            is_tracked = f.path in committed
            msg = f.message + (" in a file tracked by git" if is_tracked else "")
            f = replace(f, message=msg, detail=replace(f.detail, tracked_by_git=is_tracked))
        out.append(f)
    return out
