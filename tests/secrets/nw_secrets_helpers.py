"""Shared helpers for the secrets tests: run the real pipeline, read labels, make git repos."""

from __future__ import annotations

import os
import subprocess
from dataclasses import replace
from pathlib import Path

from nodeward.config import Config
from nodeward.model import Confidence, Finding, ScanResult
from nodeward.project import discover
from nodeward.scanner import finalize
from nodeward.secrets.analyzer import analyze_project
from nodeward.secrets.engine import Engine

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
REPO = HERE.parent.parent

# Hygiene rules depend on the git state of the checkout, not on file contents.
FILE_LEVEL_RULES = frozenset({"NW801", "NW802"})


def secrets_scan(
    root: Path,
    *,
    engine: str = "auto",
    min_confidence: Confidence = Confidence.MEDIUM,
    history: bool = False,
    config: Config | None = None,
) -> ScanResult:
    """What `nodeward secrets ROOT` computes, in-process."""
    cfg = config or Config()
    cfg = replace(cfg, secrets=replace(cfg.secrets, min_confidence=min_confidence, history=history))
    project = discover(root, cfg)
    out = analyze_project(project, code=True, engine=Engine(engine))
    return finalize(project.root, cfg, [out], families={"secrets"}, extra_skipped=project.skipped)


def triples(result: ScanResult, *, skip: frozenset[str] = FILE_LEVEL_RULES) -> set[tuple[str, int, str]]:
    return {(f.path, f.line, f.rule_id) for f in result.findings if f.rule_id not in skip}


def labels() -> set[tuple[str, int, str]]:
    """The evaluation set's truth table: (path, line, rule) expected at default confidence."""
    out: set[tuple[str, int, str]] = set()
    for name in ("labels.tsv", "providers.labels.tsv"):
        for raw in (CORPUS / name).read_text().splitlines():
            if raw.strip() and not raw.startswith("#"):
                path, line, rule = raw.split("\t")
                out.add((path, int(line), rule.strip()))
    return out


def git(cwd: Path, *args: str, date: str | None = None) -> str:
    env = dict(os.environ)
    env.update(
        {
            "GIT_AUTHOR_NAME": "Test",
            "GIT_AUTHOR_EMAIL": "test@example.invalid",
            "GIT_COMMITTER_NAME": "Test",
            "GIT_COMMITTER_EMAIL": "test@example.invalid",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_SYSTEM": os.devnull,
        }
    )
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def init_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    return path


def history_sightings(result: ScanResult) -> dict[tuple[str, int], Finding]:
    """(path, line) where history first saw each secret -> its finding: an NW805, or (for a
    value still in the working tree) the working-tree finding that carries the commit."""
    from nodeward.secrets.candidate import SecretDetail

    out: dict[tuple[str, int], Finding] = {}
    for f in result.findings:
        d = f.detail
        if isinstance(d, SecretDetail) and d.commit:
            out[(d.history_path or f.path, d.history_line or f.line)] = f
    return out
