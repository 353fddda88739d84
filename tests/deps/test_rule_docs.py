"""Each NW7xx rule's docs are its tests: Example must produce the finding, Use instead must not."""

from __future__ import annotations

from pathlib import Path

import pytest

from nodeward.deps.rules import RULES
from nodeward.ruledocs import code_blocks
from tests.deps.helpers import audit, by_rule


def _write(folder: Path, section: str, blocks: list) -> None:  # type: ignore[type-arg]
    folder.mkdir()
    for b in blocks:
        if b.section != section:
            continue
        assert b.filename, "deps doc blocks name their file with title="
        path = folder / b.filename
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(b.code)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_docs_examples_are_tests(rule, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    blocks = code_blocks(rule.docs)
    for section in ("Example", "Use instead"):
        folder = tmp_path / section.replace(" ", "-")
        _write(folder, section, blocks)
        out = audit(folder, use_config_file=(folder / ".nodeward.toml").exists())
        hits = by_rule(out, rule.id)
        if section == "Example":
            assert hits, f"{rule.id} Example produced no finding: {[f.rule_id for f in out.findings]} {out.errors}"
            files = {b.filename for b in blocks if b.section == section}
            assert all(h.path in files for h in hits)
        else:
            assert not hits, f"{rule.id} Use instead produced {[h.message for h in hits]}"
