"""The scan orchestrator: discover, run analyzers, then judge in one place.

Every command (scan, deps, secrets, probe) ends in `finalize`, so rule
selection, severity overrides, suppressions, thresholds and sorting behave the
same whatever produced the findings.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from nodeward.analyzer import AnalyzerOutput
from nodeward.columns import to_character_columns
from nodeward.config import Config, load_config
from nodeward.errors import UsageError
from nodeward.model import Finding, Rule, ScanError, ScanResult, ScanStats, Skipped
from nodeward.project import Project, discover
from nodeward.secrets.overlap import mask_overlapping
from nodeward.suppress import SuppressionComment, apply_suppressions

__all__ = ["enabled_rules", "finalize", "scan", "scan_project"]

Progress = Callable[[int, int], None]


def enabled_rules(config: Config, rules: Iterable[Rule] | None = None) -> tuple[Rule, ...]:
    """Default-enabled rules plus `enable`, minus `disable` (ids or names; `ALL` enables all)."""
    from nodeward.registry import ALL_RULES, lookup

    pool = tuple(rules) if rules is not None else ALL_RULES
    enable_all = any(e.upper() == "ALL" for e in config.enable)
    enabled_ids = {r.id for e in config.enable if (r := lookup(e)) is not None}
    disabled_ids = {r.id for d in config.disable if (r := lookup(d)) is not None}
    return tuple(
        r
        for r in pool
        if (r.default_enabled or enable_all or r.id in enabled_ids) and r.id not in disabled_ids
    )


def finalize(
    root: Path,
    config: Config,
    outputs: Sequence[AnalyzerOutput],
    *,
    families: Iterable[str],
    suppressions: Sequence[SuppressionComment] = (),
    extra_errors: Sequence[ScanError] = (),
    extra_skipped: Sequence[Skipped] = (),
    started: float | None = None,
    files: int = 0,
    nbytes: int = 0,
    from_cache: int = 0,
) -> ScanResult:
    """Merge analyzer outputs into one deterministic ScanResult."""
    from nodeward import __version__
    from nodeward.registry import ALL_RULES

    fams = set(families) | {"core"}
    active = {r.id: r for r in enabled_rules(config) if r.family in fams}
    findings: list[Finding] = []
    errors: list[ScanError] = list(extra_errors)
    skipped: list[Skipped] = list(extra_skipped)
    counts: dict[str, int] = {}
    for out in outputs:
        findings.extend(out.findings)
        errors.extend(out.errors)
        skipped.extend(out.skipped)
        for k, v in out.counts.items():
            counts[k] = counts.get(k, 0) + v
    known = {r.id for r in ALL_RULES}
    findings = [f for f in findings if f.rule_id in active or f.rule_id not in known]
    findings = _drop_superseded(findings, active)
    findings = mask_overlapping(findings, root)
    findings = apply_suppressions(findings, suppressions, ALL_RULES)
    findings = [f for f in findings if f.rule_id in active or f.rule_id not in known]
    overrides = config.severity
    out_findings: list[Finding] = []
    for f in findings:
        if f.rule_id in overrides:
            f = replace(f, severity=overrides[f.rule_id])
        if f.severity < config.min_severity and not _never_filtered(f):
            continue
        if f.confidence < config.min_confidence and not _never_filtered(f):
            continue
        out_findings.append(f)
    out_findings = to_character_columns(root, out_findings)
    out_findings.sort(key=Finding.sort_key)
    errors.sort(key=lambda e: (e.path, e.line, e.message))
    skipped = sorted(set(skipped), key=lambda s: (s.path, s.reason))
    ran = tuple(r for r in ALL_RULES if r.id in active)
    stats = ScanStats(
        files_scanned=files,
        bytes_scanned=nbytes,
        files_from_cache=from_cache,
        seconds=round(time.perf_counter() - started, 3) if started is not None else 0.0,
        counts=dict(sorted(counts.items())),
    )
    return ScanResult(
        root=str(root),
        findings=tuple(out_findings),
        errors=tuple(errors),
        skipped=tuple(skipped),
        rules=ran,
        stats=stats,
        tool_version=__version__,
    )


def _drop_superseded(findings: list[Finding], active: dict[str, Rule]) -> list[Finding]:
    """Remove pattern findings at a place where a stronger rule (e.g. taint) already reports."""
    covered: set[tuple[str, int, str]] = set()
    for f in findings:
        rule = active.get(f.rule_id)
        if rule is not None and rule.supersedes and f.path:
            covered.update((f.path, f.line, old) for old in rule.supersedes)
    if not covered:
        return findings
    return [f for f in findings if (f.path, f.line, f.rule_id) not in covered]


def _never_filtered(f: Finding) -> bool:
    """Malicious-package advisories are never hidden by a threshold."""
    return 506 in f.cwe and f.rule_id.startswith("NW7")


_LOCKFILES = ("package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock")


def _skips_not_covered(project: Project, wanted: set[str]) -> tuple[Skipped, ...]:
    """Discovery's skips, minus oversized lockfiles: the dependency audit reads those itself."""
    if "deps" not in wanted:
        return project.skipped
    return tuple(
        s
        for s in project.skipped
        if not (s.path.rsplit("/", 1)[-1] in _LOCKFILES and s.reason.startswith("larger than"))
    )


def _secrets_policy(findings: tuple[Finding, ...], config: Config) -> tuple[Finding, ...]:
    """The secrets analyzer's confidence floor and excludes, for the NW8xx findings the
    engine workers produced (text detectors and syntax-tree checks over JS/TS files)."""
    import pathspec

    excluded = pathspec.GitIgnoreSpec.from_lines(config.secrets.exclude)
    floor = config.secrets.min_confidence
    return tuple(
        f
        for f in findings
        if not f.rule_id.startswith("NW8") or (f.confidence >= floor and not excluded.match_file(f.path))
    )


def scan_project(project: Project, progress: Progress | None = None) -> ScanResult:
    """Run the configured static analyzers over a discovered project."""
    from nodeward.analysis.link import analyze_project as analyze_app
    from nodeward.deps.analyzer import analyze_project as analyze_deps
    from nodeward.sast.engine import sast_session
    from nodeward.secrets.analyzer import analyze_project as analyze_secrets
    from nodeward.secrets.analyzer import text_targets

    started = time.perf_counter()
    config = project.config
    wanted = set(config.analyzers)
    outputs: list[AnalyzerOutput] = []
    # The engine's workers scan the JS/TS files, then the other files' secrets while this
    # process links the app model.
    with sast_session(project, progress, text_targets(project) if "secrets" in wanted else ()) as (sast, text):
        # The engine workers also run the secrets analyzer's syntax-tree checks (NW8xx): keep
        # those when only `secrets` is wanted.
        kept = sast.findings if "sast" in wanted else tuple(f for f in sast.findings if f.rule_id.startswith("NW8"))
        if "secrets" in wanted:
            kept = _secrets_policy(kept, config)
        outputs.append(AnalyzerOutput(kept, sast.errors, sast.skipped))
        imported: dict[str, tuple[str, ...]] = {}
        if "app" in wanted:
            app = analyze_app(project, sast.facts)
            if app.browser_files:
                # Browser code served as static files: server-side rules (injection, ReDoS) do not judge it.
                from nodeward.analysis.static_roots import judged_as_server_code

                outputs[0] = replace(outputs[0], findings=tuple(f for f in outputs[0].findings if not (judged_as_server_code(f.rule_id) and f.path in app.browser_files)))
            outputs.append(app)
            imported = dict(app.imported_packages)
        if "deps" in wanted:
            outputs.append(analyze_deps(project, imported))
        if "secrets" in wanted:
            outputs.append(analyze_secrets(project, sources_scanned=True, prescanned=text()))
    families = {"sast" if a == "sast" else a for a in wanted}
    return finalize(
        project.root,
        config,
        outputs,
        families=families,
        suppressions=sast.suppressions,
        extra_skipped=_skips_not_covered(project, wanted),
        started=started,
        files=sast.files,
        nbytes=sast.bytes,
        from_cache=sast.from_cache,
    )


def scan(
    path: str | Path,
    config: Config | None = None,
    *,
    progress: Progress | None = None,
) -> ScanResult:
    """Scan a Node.js project (or one file) with every static analyzer.

    `config=None` loads `.nodeward.toml` / package.json `"nodeward"` from the root.
    """
    root = Path(path)
    if not root.exists():
        raise UsageError(f"{path}: no such file or directory")
    if config is None:
        config = load_config(root)
    project = discover(root, config)
    return scan_project(project, progress)
