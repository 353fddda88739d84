"""Each app-model rule's docs are its tests: Example must produce the finding, Use instead must not."""

from __future__ import annotations

from pathlib import Path

import pytest

from nodeward.analysis.rules import RULES
from nodeward.model import Rule
from nodeward.ruledocs import code_blocks
from tests.analysis.helpers import scan_app


def _write(blocks: list, folder: Path) -> None:  # type: ignore[type-arg]
    for i, block in enumerate(blocks):
        name = block.filename or ("app.js" if i == 0 else f"extra{i}.js")
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(block.code)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_docs_example_and_use_instead(rule: Rule, tmp_path: Path) -> None:
    blocks = code_blocks(rule.docs)
    example = [b for b in blocks if b.section == "Example"]
    good = [b for b in blocks if b.section == "Use instead"]
    assert example and good
    bad_dir, good_dir = tmp_path / "example", tmp_path / "use-instead"
    bad_dir.mkdir()
    good_dir.mkdir()
    _write(example, bad_dir)
    _write(good, good_dir)
    assert any(f.rule_id == rule.id for f in scan_app(bad_dir).findings), f"{rule.id}: Example produced no finding"
    assert not any(f.rule_id == rule.id for f in scan_app(good_dir).findings), f"{rule.id}: Use instead was flagged"


def test_taint_rules_supersede_the_pattern_rules() -> None:
    by_id = {r.id: r for r in RULES}
    assert set(by_id["NW110"].supersedes) == {"NW102", "NW103"}
    assert by_id["NW111"].supersedes == ("NW101",)
    assert by_id["NW651"].supersedes == ("NW603",)
    assert by_id["NW652"].supersedes == ("NW601",)
