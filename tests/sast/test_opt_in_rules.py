"""Rules that are off by default run only when the configuration enables them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nodeward import scan
from nodeward.config import Config

SEARCH = "function search(items, term) {\n  const re = new RegExp(term, 'i');\n  return items.filter((i) => re.test(i));\n}\nmodule.exports = { search };\n"


def _found(root: Path, **config: object) -> set[tuple[str, str, int]]:
    result = scan(root, Config(use_cache=False, analyzers=("sast",), **config))  # type: ignore[arg-type]
    return {(f.rule_id, f.path, f.line) for f in result.active_findings}


def test_dynamic_regexp_is_opt_in(tmp_path: Path) -> None:
    (tmp_path / "search.js").write_text(SEARCH)
    assert _found(tmp_path) == set()
    assert _found(tmp_path, enable=("NW603",)) == {("NW603", "search.js", 2)}
    assert _found(tmp_path, enable=("ALL",)) == {("NW603", "search.js", 2)}


def test_dynamic_regexp_enabled_from_the_config_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from nodeward.cli import main

    (tmp_path / "search.js").write_text(SEARCH)
    assert main(["scan", str(tmp_path), "--format", "json", "--no-cache", "--fail-on", "low"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == []
    (tmp_path / ".nodeward.toml").write_text('enable = ["regexp-from-dynamic-input"]\n')
    assert main(["scan", str(tmp_path), "--format", "json", "--no-cache", "--fail-on", "low"]) == 1
    found = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["rule_id"], f["path"], f["line"]) for f in found] == [("NW603", "search.js", 2)]
