"""Every secrets rule's docs run as its tests: Example must produce the rule, Use instead must not."""

from __future__ import annotations

from pathlib import Path

import pytest
from nw_secrets_helpers import git, init_repo, secrets_scan

from nodeward.ruledocs import REQUIRED_SECTIONS, code_blocks, sections
from nodeward.secrets.rules import RULES

DEFAULT_NAMES = {"js": "example.js", "ts": "example.ts", "json": "example.json", "env": ".env.production", "ini": ".npmrc", "text": "example.txt"}


def _materialise(root: Path, rule_id: str, section: str) -> Path:
    """Write the section's blocks into a fresh git repository (`git add -A`, committed).

    For NW805 (history) the files are committed, then deleted, so only history holds them.
    """
    repo = init_repo(root)
    blocks = [b for b in code_blocks(next(r.docs for r in RULES if r.id == rule_id)) if b.section == section]
    assert blocks, f"{rule_id} has no {section} block"
    for b in blocks:
        name = b.filename or DEFAULT_NAMES[b.lang]
        (repo / name).write_text(b.code)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "docs", "--allow-empty")
    if rule_id == "NW805":
        for b in blocks:
            (repo / (b.filename or DEFAULT_NAMES[b.lang])).unlink()
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "remove", "--allow-empty")
    return repo


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_docs_examples(rule: object, tmp_path: Path) -> None:
    from nodeward.model import Rule

    assert isinstance(rule, Rule)
    assert list(sections(rule.docs)) == list(REQUIRED_SECTIONS)
    history = rule.id == "NW805"
    bad = secrets_scan(_materialise(tmp_path / "bad", rule.id, "Example"), history=history)
    assert rule.id in {f.rule_id for f in bad.findings}, f"{rule.id} Example does not produce its finding"
    good = secrets_scan(_materialise(tmp_path / "good", rule.id, "Use instead"), history=history)
    assert rule.id not in {f.rule_id for f in good.findings}, f"{rule.id} Use instead still produces it"


def test_rule_ids_and_names_are_in_the_secrets_block() -> None:
    assert all(r.id.startswith("NW8") and r.family == "secrets" for r in RULES)
    assert len({r.id for r in RULES}) == len(RULES) == len({r.name for r in RULES})
