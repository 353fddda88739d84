"""Secrets scan entry point used by `scan` and `secrets`.

Reads every discovered file once, runs the keyword-prefiltered detectors over
its bytes, filters and redacts, then adds the file-level hygiene checks and,
when configured, the git history.  Code checks that need the syntax tree run
in the SAST engine workers during `scan` (`nodeward.secrets.code`); the
`secrets` command runs them here (`code=True`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import pathspec

from nodeward.analyzer import AnalyzerOutput
from nodeward.model import Confidence, Finding, ScanError, Skipped
from nodeward.project import (
    Project,
    ProjectFile,
    content_skip_reason,
    generated_bundle_reason,
    normalise_newlines,
)
from nodeward.secrets.candidate import Candidate
from nodeward.secrets.engine import Engine, RawMatch
from nodeward.secrets.findings import judge, secret_finding
from nodeward.secrets.history_merge import fold_history
from nodeward.secrets.hygiene import env_findings, is_env_file, mark_tracked_npmrc, script_findings
from nodeward.secrets.local_infra import container_images, is_container_file, npm_script_lines

__all__ = ["TextScan", "analyze_project", "scan_bytes", "scan_source_text", "scan_text_file", "scopes_for", "text_targets"]

logger = logging.getLogger(__name__)

_CONFIG_EXTS = (
    ".json", ".json5", ".yml", ".yaml", ".toml", ".ini", ".properties", ".conf", ".cfg", ".cnf", ".xml",
    ".tf", ".tfvars", ".hcl",
)
_CONFIG_NAMES = frozenset({".sequelizerc", ".babelrc", ".htpasswd", "dockerfile", ".netrc", ".pgpass", ".my.cnf", ".envrc"})
_NOT_CONFIG = frozenset(
    {"package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "yarn.lock", "tsconfig.json", "jsconfig.json", "composer.lock"}
)


def scopes_for(path: str, is_source: bool) -> frozenset[str]:
    """Which detector scopes apply to a file (`any`, plus `config` or `npmrc`)."""
    name = path.rsplit("/", 1)[-1].lower()
    if name == ".npmrc":
        return frozenset({"any", "npmrc"})
    if not is_source and name not in _NOT_CONFIG and (
        is_env_file(name)
        or name in _CONFIG_NAMES
        or name.endswith(_CONFIG_EXTS)
        or name.startswith(("docker-compose", "dockerfile."))
    ):
        return frozenset({"any", "config"})
    return frozenset({"any"})


def scan_bytes(engine: Engine, path: str, data: bytes, is_source: bool) -> list[Finding]:
    """Redacted findings for one file's contents (every confidence; callers threshold)."""
    out: list[Finding] = []
    matches = engine.scan(data, scopes_for(path, is_source))
    where = _LineRoles(path, data) if matches and not is_source else None
    for m in matches:
        f = _judge_match(path, m, where=where)
        if f is not None:
            out.append(f)
    return out


class _LineRoles:
    """What a line of a container file or package.json configures (the image, the npm
    script), worked out once per file and only when a name-based match asks."""

    def __init__(self, path: str, data: bytes) -> None:
        self.path = path
        self.data = data
        self._images: dict[int, str] | None = None
        self._scripts: dict[int, tuple[str, str]] | None = None

    def image(self, line: int) -> str:
        """The image that `line` configures, or ``."""
        if self._images is None:
            self._images = container_images(self.path, self.data) if is_container_file(self.path) else {}
        return self._images.get(line, "")

    def script(self, line: int) -> tuple[str, str]:
        """(name, command) of the npm script `line` defines, or (``, ``)."""
        if self._scripts is None:
            is_manifest = self.path.rsplit("/", 1)[-1] == "package.json"
            self._scripts = npm_script_lines(self.data) if is_manifest else {}
        return self._scripts.get(line, ("", ""))


_ENGINES: dict[str, Engine] = {}
"""One compiled detector database per worker process (built before the pool forks)."""


def _auto_engine() -> Engine:
    engine = _ENGINES.get("auto")
    if engine is None:
        engine = _ENGINES["auto"] = Engine("auto")
    return engine


def scan_source_text(path: str, source: bytes, tree: object, lang: str) -> list[Finding]:
    """The text detectors over a JS/TS file, as an engine hook: `scan` runs this in the
    worker processes, where the file's bytes are already in memory, instead of reading
    every source file a second time in the parent after the pool is done."""
    return scan_bytes(_auto_engine(), path, source, True)


@dataclass(frozen=True, slots=True)
class TextScan:
    """The text detectors' results for one file, picklable: `scan` computes these in the
    engine's worker processes while the parent links the app model."""

    path: str
    findings: tuple[Finding, ...] = ()
    skipped: Skipped | None = None
    error: ScanError | None = None
    size: int = 0


def scan_text_file(f: ProjectFile, engine: Engine | None = None) -> TextScan:
    """Read one file and run the text detectors (and the package.json script checks) over it."""
    errors: list[ScanError] = []
    data = _read(f, errors)
    if data is None:
        return TextScan(f.path, error=errors[0] if errors else None)
    reason = content_skip_reason(f.path, data)
    if reason is not None:
        return TextScan(f.path, skipped=Skipped(f.path, reason))
    found = scan_bytes(engine or _auto_engine(), f.path, data, f.lang is not None)
    if f.path.rsplit("/", 1)[-1] == "package.json":
        found.extend(script_findings(f.path, data))
    return TextScan(f.path, tuple(found), size=len(data))


def text_targets(project: Project) -> list[ProjectFile]:
    """The files `analyze_project(project, sources_scanned=True)` reads itself: every file
    that is neither JS/TS (the engine workers scan those) nor excluded by `secrets.exclude`."""
    excludes = pathspec.PathSpec.from_lines("gitignore", project.config.secrets.exclude)
    return [f for f in project.files if f.lang is None and not excludes.match_file(f.path)]


_LOCATED = frozenset({"NW807", "NW808"})
"""Name-based detections whose filters ask where the line sits (`nodeward.secrets.local_infra`)."""


def _judge_match(path: str, m: RawMatch, line_offset: int = 0, where: _LineRoles | None = None) -> Finding | None:
    det = m.detector
    image, script, command = "", "", ""
    if where is not None and det.rule.id in _LOCATED:
        image = where.image(m.line)
        script, command = where.script(m.line)
    c = Candidate(path, m.line + line_offset, m.secret, det.rule.id, m.context, m.key, image, script, command)
    confidence = judge(c, det.rule.confidence)
    if confidence is None:
        return None
    return secret_finding(
        det.rule, det.kind, c, confidence, col=m.col, end_line=m.end_line + line_offset, end_col=m.end_col
    )


def analyze_project(
    project: Project,
    *,
    code: bool = False,
    engine: Engine | None = None,
    history_range: str | None = None,
    sources_scanned: bool = False,
    prescanned: Mapping[str, TextScan] | None = None,
) -> AnalyzerOutput:
    """Findings for every text file of the project (and git history when configured).

    `code=True` also runs the syntax-tree checks (`secrets` command; `scan` gets
    them from the SAST engine).  `history_range` limits a history scan to a git
    revision range.  `sources_scanned=True` leaves JS/TS files to the engine workers
    (`scan_source_text`); `prescanned` holds files already read and scanned elsewhere (the
    engine workers, by `scan_text_file`).  Findings below `secrets.min_confidence` are dropped.
    """
    cfg = project.config.secrets
    prescanned = prescanned or {}
    excludes = pathspec.PathSpec.from_lines("gitignore", cfg.exclude)
    findings: list[Finding] = []
    skipped: list[Skipped] = []
    errors: list[ScanError] = []
    nbytes = 0
    nfiles = 0
    code_files: list[ProjectFile] = []
    for f in project.files:
        if excludes.match_file(f.path):
            skipped.append(Skipped(f.path, "excluded by secrets.exclude"))
            continue
        if sources_scanned and f.lang is not None and not code:
            nfiles += 1  # read, skipped or scanned by the engine workers
            nbytes += f.size
            continue
        done = prescanned.get(f.path)
        if done is None:
            if engine is None:
                engine = Engine("auto")
            done = scan_text_file(f, engine)
        if done.error is not None:
            errors.append(done.error)
            continue
        if done.skipped is not None:
            skipped.append(done.skipped)
            continue
        nfiles += 1
        nbytes += done.size
        findings.extend(done.findings)
        if code and f.lang is not None:
            code_files.append(f)
    for code_findings, code_errors in _run_code_checks(code_files, project.config.jobs):
        findings.extend(code_findings)
        errors.extend(code_errors)
    findings = mark_tracked_npmrc(project.root, findings)
    with_secrets = {x.path for x in findings if x.confidence >= Confidence.MEDIUM}
    env, env_skipped, env_errors = env_findings(project.root, (f.path for f in project.files), with_secrets)
    findings.extend(env)
    skipped.extend(env_skipped)
    errors.extend(env_errors)
    counts = {"secret_files": nfiles, "secret_bytes": nbytes}
    if cfg.history:
        from nodeward.secrets.history import scan_history

        hist = scan_history(project.root, engine or Engine("auto"), _history_filter(project, excludes.match_file), history_range)
        findings.extend(hist.findings)
        errors.extend(hist.errors)
        counts["history_commits"] = hist.commits
        # Before the confidence floor: a value still in the tree is judged there, with the
        # file's context (an image, a script), not again as a bare history line.
        findings = fold_history(findings)
    findings = [f for f in findings if f.confidence >= cfg.min_confidence]
    return AnalyzerOutput(tuple(findings), tuple(errors), tuple(skipped), counts)


def _history_filter(project: Project, secrets_excluded: Callable[[str], bool]) -> Callable[[str], bool]:
    """Paths from history to skip, by the same rules as discovery (excludes, dependency folders)."""
    from nodeward.project import SKIP_DIRS

    config = project.config
    project_excludes = pathspec.PathSpec.from_lines("gitignore", config.exclude)
    dep_dirs = {d for d, why in SKIP_DIRS.items() if why == "dependency folder"}

    def skip(path: str) -> bool:
        """True when discovery would not have scanned `path`."""
        if not config.include_node_modules and any(part in dep_dirs for part in path.split("/")[:-1]):
            return True
        return bool(project_excludes.match_file(path) or secrets_excluded(path))

    return skip


def _read(f: ProjectFile, errors: list[ScanError]) -> bytes | None:
    try:
        with open(f.abspath, "rb") as fh:
            return normalise_newlines(fh.read())
    except OSError as e:
        errors.append(ScanError(f"cannot read: {e.strerror}", f.path, 0, "io"))
        return None


PARALLEL_CODE_CHECKS_FROM = 48
"""Below this many JS/TS files the syntax-tree checks run in-process (pool start-up costs more)."""


def _run_code_checks(
    files: list[ProjectFile], jobs: int
) -> Iterator[tuple[list[Finding], list[ScanError]]]:
    """NW806/NW807 on each JS/TS file, in worker processes when there are many (`--jobs`)."""
    workers = jobs or os.cpu_count() or 1
    if workers == 1 or len(files) < PARALLEL_CODE_CHECKS_FROM:
        yield from map(_code_task, files)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(_code_task, files, chunksize=32)


def _code_task(f: ProjectFile) -> tuple[list[Finding], list[ScanError]]:
    """Syntax-tree secret checks of one file; never raises (a crash becomes a ScanError)."""
    from nodeward.sast.parse import parse
    from nodeward.secrets.code import check_tree

    errors: list[ScanError] = []
    data = _read(f, errors)
    if data is None or f.lang is None or generated_bundle_reason(f.path, data) is not None:
        return [], errors  # bundles: text detectors only, as in `scan`
    try:
        return check_tree(f.path, data, parse(data, f.lang), f.lang), errors
    except Exception as e:  # a crash in one file must not end the scan
        logger.debug("secret code checks crashed on %s", f.path, exc_info=True)
        errors.append(ScanError(f"internal error in secrets code checks: {type(e).__name__}: {e}", f.path, 0, "internal"))
        return [], errors
