"""The rule table: unique ids and names, complete docs, and docs/rules.md in sync."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nodeward import scan
from nodeward.config import Config
from nodeward.registry import ALL_RULES, get_rule, lookup
from nodeward.report.markdown import rules_table
from nodeward.ruledocs import REQUIRED_SECTIONS, code_blocks, sections
from tests.conftest import ROOT


def test_ids_and_names() -> None:
    ids = [r.id for r in ALL_RULES]
    names = [r.name for r in ALL_RULES]
    assert len(set(ids)) == len(ids) and len(set(names)) == len(names)
    for r in ALL_RULES:
        assert re.fullmatch(r"NW\d{3}", r.id), r.id
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", r.name), r.name
        assert r.family in {"core", "sast", "app", "deps", "secrets", "probe"}, r.family


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_docs_have_every_section(rule) -> None:  # type: ignore[no-untyped-def]
    found = sections(rule.docs)
    for title in REQUIRED_SECTIONS:
        assert title in found, f"{rule.id} docs lack '## {title}'"
    kinds = {b.section for b in code_blocks(rule.docs)}
    assert kinds == {"Example", "Use instead"}, f"{rule.id} needs code blocks in Example and Use instead"


def test_lookup_by_id_and_name() -> None:
    assert lookup("nw000") is get_rule("NW000")
    assert lookup("unused-suppression") is get_rule("NW000")
    assert lookup("nope") is None


def test_rules_md_matches_registry() -> None:
    path = ROOT / "docs" / "rules.md"
    assert path.read_text() == rules_table(ALL_RULES), (
        "docs/rules.md is stale: run `.venv/bin/nodeward rules --format markdown > docs/rules.md`"
    )


@pytest.mark.parametrize("rule_id", ["NW000", "NW001"])
def test_core_rule_docs_are_tests(rule_id: str, tmp_path: Path) -> None:
    rule = get_rule(rule_id)
    for i, block in enumerate(code_blocks(rule.docs)):
        folder = tmp_path / str(i)
        folder.mkdir()
        (folder / (block.filename or "example.js")).write_text(block.code)
        result = scan(folder, Config(use_cache=False, analyzers=("sast",)))
        hits = [f for f in result.findings if f.rule_id == rule_id]
        if block.section == "Example":
            assert hits, f"{rule_id} Example produced no finding"
        else:
            assert not hits, f"{rule_id} Use instead produced {hits}"
