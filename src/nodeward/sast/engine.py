"""Parse every JS/TS file once, in parallel, and collect per-file results.

Each worker process parses a file with tree-sitter, runs the per-file rules
(Hyperscan byte hits, checked on the tree, pick the candidate nodes; Python looks
only at those), extracts the facts the cross-file model needs, and finds
suppression comments; then it runs the secret detectors over the project's other
text files while the parent links.  What comes back is plain picklable data,
cached on disk by (nodeward version, rule set, installed code, path, content
hash) so an unchanged tree re-parses nothing.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import multiprocessing
import multiprocessing.context
import os
import pickle
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import tree_sitter as ts

from nodeward.model import Finding, ScanError, Skipped
from nodeward.project import (
    Project,
    ProjectFile,
    content_skip_reason,
    generated_bundle_reason,
    normalise_newlines,
)
from nodeward.sast.parse import Lang, first_error, get_language, parse
from nodeward.suppress import SuppressionComment, find_suppressions

if TYPE_CHECKING:
    from nodeward.secrets.analyzer import TextScan

__all__ = ["FileResult", "SastOutput", "analyze_file", "cache_dir_for", "run_sast", "sast_session"]

logger = logging.getLogger(__name__)

IN_PROCESS_BELOW = 24
"""Projects with fewer source files are analysed in-process: pool start-up costs more."""

_COMMENT_QUERIES: dict[Lang, ts.Query] = {}
_MARKER = b"nodeward-ignore"


@dataclass(frozen=True, slots=True)
class FileResult:
    path: str
    size: int
    findings: tuple[Finding, ...] = ()
    errors: tuple[ScanError, ...] = ()
    skipped: Skipped | None = None
    suppressions: tuple[SuppressionComment, ...] = ()
    facts: object | None = None
    from_cache: bool = False


@dataclass(frozen=True, slots=True)
class SastOutput:
    findings: tuple[Finding, ...]
    errors: tuple[ScanError, ...]
    skipped: tuple[Skipped, ...]
    suppressions: tuple[SuppressionComment, ...]
    facts: dict[str, object] = field(default_factory=dict)
    files: int = 0
    bytes: int = 0
    from_cache: int = 0


@dataclass(frozen=True, slots=True)
class _Task:
    file: ProjectFile
    cache_dir: str | None
    key_prefix: str


def _comments(tree: ts.Tree, lang: Lang) -> list[ts.Node]:
    query = _COMMENT_QUERIES.get(lang)
    if query is None:
        query = ts.Query(get_language(lang), "(comment) @c")
        _COMMENT_QUERIES[lang] = query
    return ts.QueryCursor(query).captures(tree.root_node).get("c", [])


def analyze_file(path: str, source: bytes, lang: Lang) -> FileResult:
    """Everything nodeward computes from one file on its own. Never raises."""
    # Imported here so the rule packages (which import this module's siblings) load lazily.
    from nodeward.analysis.facts import extract_facts
    from nodeward.sast.checks import run_file_rules
    from nodeward.secrets.analyzer import scan_source_text as secret_text
    from nodeward.secrets.code import check_tree as secret_literals

    reason = content_skip_reason(path, source)
    if reason is not None:
        return FileResult(path, len(source), skipped=Skipped(path, reason))
    bundle = generated_bundle_reason(path, source)
    if bundle is not None:
        try:
            leaked = tuple(secret_text(path, source, None, lang))
        except Exception as e:
            logger.debug("secret detectors crashed on %s", path, exc_info=True)
            err = ScanError(f"internal error in {secret_text.__module__}: {type(e).__name__}: {e}", path, 0, "internal")
            return FileResult(path, len(source), errors=(err,), skipped=Skipped(path, bundle))
        return FileResult(path, len(source), leaked, skipped=Skipped(path, f"{bundle}: code rules not run, secrets scanned"))
    errors: list[ScanError] = []
    try:
        tree = parse(source, lang)
    except Exception as e:  # tree-sitter raises only on internal failure
        return FileResult(path, len(source), errors=(ScanError(f"parser failed: {e}", path, 0, "parse"),))
    bad = first_error(tree.root_node)
    if bad is not None:
        errors.append(
            ScanError(
                "syntax error; analysed the parts that parsed",
                path,
                bad.start_point[0] + 1,
                "parse",
                incomplete=True,
            )
        )
    findings: list[Finding] = []
    for hook in (run_file_rules, secret_literals, secret_text):
        try:
            findings.extend(hook(path, source, tree, lang))
        except Exception as e:  # noqa: PERF203 - one rule crash must not lose the file
            logger.debug("%s crashed on %s", hook.__module__, path, exc_info=True)
            errors.append(ScanError(f"internal error in {hook.__module__}: {type(e).__name__}: {e}", path, 0, "internal"))
    facts: object | None = None
    try:
        facts = extract_facts(path, source, tree, lang)
    except Exception as e:
        logger.debug("fact extraction crashed on %s", path, exc_info=True)
        errors.append(ScanError(f"internal error in app model: {type(e).__name__}: {e}", path, 0, "internal"))
    # Every suppression comment (and every refused blanket one) contains the marker, so
    # files without it skip the comment query: one whole-tree walk less for almost every file.
    suppressions = find_suppressions(path, source, _comments(tree, lang)) if _MARKER in source else []
    return FileResult(path, len(source), tuple(findings), tuple(errors), None, tuple(suppressions), facts)


def _run_task(task: _Task) -> FileResult:
    f = task.file
    try:
        with open(f.abspath, "rb") as fh:
            source = normalise_newlines(fh.read())
    except OSError as e:
        return FileResult(f.path, 0, errors=(ScanError(f"cannot read: {e.strerror}", f.path, 0, "io"),))
    assert f.lang is not None
    cache_file: Path | None = None
    if task.cache_dir is not None:
        digest = hashlib.sha256(task.key_prefix.encode() + f.path.encode() + b"\x00" + source).hexdigest()
        cache_file = Path(task.cache_dir) / digest[:2] / f"{digest}.pickle"
        try:
            with open(cache_file, "rb") as fh:
                cached = pickle.load(fh)
            if isinstance(cached, FileResult) and cached.path == f.path:
                return FileResult(
                    cached.path,
                    cached.size,
                    cached.findings,
                    cached.errors,
                    cached.skipped,
                    cached.suppressions,
                    cached.facts,
                    from_cache=True,
                )
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            pass
    result = analyze_file(f.path, source, f.lang)
    if cache_file is not None and not any(e.kind == "internal" for e in result.errors):
        try:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache_file.with_suffix(f".{os.getpid()}.tmp")
            with open(tmp, "wb") as fh:
                pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, cache_file)
        except OSError:
            logger.debug("cannot write cache entry %s", cache_file)
    return result


def cache_dir_for(explicit: str | None) -> Path:
    """The per-user cache folder (`NODEWARD_CACHE_DIR` overrides, for tests and CI)."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("NODEWARD_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("nodeward"))


def _code_identity() -> str:
    """Size and modification time of every module of the installed package.

    A cached result is only valid for the code that computed it: the version number alone
    does not change when a development install is edited or a fix is installed over the
    same version, and stale findings are worse than a slower scan.  About 200 `stat` calls."""
    package = Path(__file__).resolve().parent.parent
    parts: list[str] = []
    stack = [package]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                stack.append(Path(entry.path))
            elif entry.name.endswith(".py"):
                try:
                    st = entry.stat()
                except OSError:
                    continue
                parts.append(f"{Path(entry.path).relative_to(package).as_posix()}:{st.st_size}:{st.st_mtime_ns}")
    return "|".join(sorted(parts))


def _ruleset_key() -> str:
    """The per-file cache's key prefix: nodeward's version, rule table and code."""
    from nodeward import __version__
    from nodeward.registry import ALL_RULES

    ids = ",".join(f"{r.id}:{r.name}" for r in ALL_RULES)
    return hashlib.sha256(f"{__version__}|{ids}|{_code_identity()}".encode()).hexdigest()[:16]


_WARM_SOURCE = b"const m = require('m');\nimport d from 'd';\nm.f(new d.C({ k: 1 }), /a+/);\n"


def _warm(langs: Iterable[Lang]) -> None:
    """Import the per-file stages and compile their queries here, before the pool forks.

    Forked workers inherit the compiled queries and imported modules instead of each
    building them again (about 0.4 CPU-s per worker: three grammars times every stage's
    query).  The parent needs the same modules afterwards (the app model's linker), so
    this costs the parent almost nothing extra."""
    for lang in sorted(set(langs)):
        analyze_file("warm.js", _WARM_SOURCE, lang)


def _run_chunk(tasks: list[_Task]) -> list[FileResult]:
    return [_run_task(t) for t in tasks]


CHUNK_FILES = 64
"""At most this many files per pool task (fewer round trips; big files get chunks of their own)."""


def _chunks(tasks: list[_Task], jobs: int) -> list[list[int]]:
    """Task indices grouped into pool work units, biggest files first.

    Longest-processing-time-first scheduling: handing out the large files (bundles,
    generated parsers) first and the many small ones last keeps every worker busy until
    the end, where path order left one worker parsing the last big file alone."""
    order = sorted(range(len(tasks)), key=lambda i: (-tasks[i].file.size, i))
    total = sum(t.file.size for t in tasks)
    target = max(64 * 1024, total // (jobs * 24))
    chunks: list[list[int]] = []
    current: list[int] = []
    size = 0
    for i in order:
        current.append(i)
        size += tasks[i].file.size
        if size >= target or len(current) >= CHUNK_FILES:
            chunks.append(current)
            current, size = [], 0
    if current:
        chunks.append(current)
    return chunks


def _run_text_chunk(files: list[ProjectFile]) -> list[TextScan]:
    from nodeward.secrets.analyzer import scan_text_file

    return [scan_text_file(f) for f in files]


def _text_chunks(files: Sequence[ProjectFile], jobs: int) -> list[list[ProjectFile]]:
    """About equal byte shares, a few per worker, so the last one does not run alone."""
    parts = max(1, min(len(files), jobs * 4))
    chunks: list[list[ProjectFile]] = [[] for _ in range(parts)]
    sizes = [0] * parts
    for f in sorted(files, key=lambda f: -f.size):
        i = sizes.index(min(sizes))
        chunks[i].append(f)
        sizes[i] += f.size
    return [c for c in chunks if c]


def _pool_context() -> multiprocessing.context.BaseContext | None:
    """`fork` on Linux, whatever the interpreter's default: the workers then inherit the
    modules, queries and pattern databases `_warm` prepared (Python 3.14 makes `forkserver`
    the default, whose workers would each import and compile everything again).  Elsewhere
    the platform default (`spawn` on macOS and Windows, where forking is unsafe)."""
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return None


class _Session:
    """One pool for a scan's per-file work: the JS/TS files first, then the other text files'
    secret detectors, which run while the caller links the app model from the first part's
    results (so that pass costs the scan no wall time of its own on a multi-core machine)."""

    def __init__(self, files: list[ProjectFile], text_files: Sequence[ProjectFile], jobs: int, cache_dir: str | None) -> None:
        key = _ruleset_key() if cache_dir is not None else ""  # once: it hashes the whole rule table
        self._tasks = [_Task(f, cache_dir, key) for f in files]
        self._text_files = list(text_files)
        self._pool: ProcessPoolExecutor | None = None
        self._text: list[Future[list[TextScan]]] = []
        self._frozen = False
        if jobs > 1 and len(self._tasks) >= IN_PROCESS_BELOW:
            self._jobs = jobs
            self._pool = ProcessPoolExecutor(max_workers=jobs, mp_context=_pool_context())

    def __enter__(self) -> _Session:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=exc[0] is not None)
        if self._frozen:
            gc.unfreeze()  # a library caller's later collections see these objects again

    def freeze(self) -> None:
        """Exempt every object alive now from garbage collection until the session ends.

        Before the fork the workers inherit the imported modules, compiled queries and pattern
        databases; after the merge the parent holds every file's facts.  Neither is garbage, but
        each full collection would walk them all again (in each worker, and in the parent while
        it links): `gc.freeze()` is the interpreter's documented remedy for both."""
        gc.freeze()
        self._frozen = True

    def results(self) -> Iterator[tuple[int, FileResult]]:
        """(index, result) of every JS/TS file, in completion order."""
        tasks = self._tasks
        if self._pool is None:
            for i, t in enumerate(tasks):
                yield i, _run_task(t)
            return
        _warm(t.file.lang for t in tasks if t.file.lang is not None)
        self.freeze()
        pending = {self._pool.submit(_run_chunk, [tasks[i] for i in chunk]): chunk for chunk in _chunks(tasks, self._jobs)}
        # Queued behind every source chunk: the workers take these when the sources are done.
        self._text = [self._pool.submit(_run_text_chunk, c) for c in _text_chunks(self._text_files, self._jobs)]
        for future in as_completed(pending):
            yield from zip(pending[future], future.result(), strict=True)

    def text_results(self) -> dict[str, TextScan]:
        """Every text file's secret scan by path (computed here when no pool runs)."""
        if self._pool is None or not self._text:
            return {t.path: t for t in _run_text_chunk(self._text_files)}
        return {t.path: t for future in self._text for t in future.result()}


def run_sast(project: Project, progress: Callable[[int, int], None] | None = None) -> SastOutput:
    """Analyse every JS/TS source of the project."""
    with sast_session(project, progress) as (out, _text):
        return out


@contextmanager
def sast_session(
    project: Project,
    progress: Callable[[int, int], None] | None = None,
    text_files: Sequence[ProjectFile] = (),
) -> Iterator[tuple[SastOutput, Callable[[], dict[str, TextScan]]]]:
    """`run_sast`'s output, plus a function giving the secret detectors' results for
    `text_files` (the non-JS files), which the pool computes after the sources while the
    caller goes on with the output; call it before the block ends."""
    config = project.config
    jobs = config.jobs or os.cpu_count() or 1
    cache: str | None = None
    from nodeward.hsdb import set_cache_dir

    set_cache_dir(cache_dir_for(config.cache_dir))  # compiled patterns, before `_warm` compiles them
    if config.use_cache:
        path = cache_dir_for(config.cache_dir) / "files"
        try:
            path.mkdir(parents=True, exist_ok=True)
            cache = str(path)
        except OSError as e:
            # Said once per run: a silently slower scan every time is worse than one line.
            logger.warning("cache folder %s unavailable (%s); scanning without the cache (set NODEWARD_CACHE_DIR or pass --no-cache)", path, e.strerror or e)
    sources = project.sources
    results: list[tuple[int, FileResult]] = []
    with _Session(list(sources), text_files, jobs, cache) as session:
        for done, item in enumerate(session.results(), 1):
            results.append(item)
            if progress is not None:
                progress(done, len(sources))
        merged = _merge(results, len(sources))
        session.freeze()
        yield merged, session.text_results


def _merge(results: list[tuple[int, FileResult]], count: int) -> SastOutput:
    findings: list[Finding] = []
    errors: list[ScanError] = []
    skipped: list[Skipped] = []
    suppressions: list[SuppressionComment] = []
    facts: dict[str, object] = {}
    nbytes = 0
    cached = 0
    results.sort(key=lambda item: item[0])  # path order, whatever order the workers finished in
    for _i, r in results:
        nbytes += r.size
        cached += r.from_cache and r.skipped is None  # of `files`, which leaves skipped ones out
        findings.extend(r.findings)
        errors.extend(r.errors)
        suppressions.extend(r.suppressions)
        if r.skipped is not None:
            skipped.append(r.skipped)
        if r.facts is not None:
            facts[r.path] = r.facts
    return SastOutput(
        tuple(findings),
        tuple(errors),
        tuple(skipped),
        tuple(suppressions),
        facts,
        files=count - len(skipped),
        bytes=nbytes,
        from_cache=cached,
    )
