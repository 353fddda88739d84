"""Baseline file format: deterministic, versioned, strict on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nodeward.errors import BaselineError
from nodeward.model import Confidence, Finding, Severity, SourceSpan
from nodeward.secrets.baseline import VERSION, apply_baseline, dump_baseline, load_baseline


def _finding(fp: str, path: str = "a.js", line: int = 1) -> Finding:
    return Finding("NW816", "stripe-live-key", Severity.HIGH, Confidence.HIGH, "m", SourceSpan(path, line, 1, line, 2), fp)


def test_dump_is_sorted_deduplicated_and_line_free() -> None:
    text = dump_baseline([_finding("b", "z.js", 9), _finding("a", "a.js", 3), _finding("a", "a.js", 40)])
    doc = json.loads(text)
    assert doc == {
        "version": VERSION,
        "findings": [
            {"fingerprint": "a", "path": "a.js", "rule_id": "NW816"},
            {"fingerprint": "b", "path": "z.js", "rule_id": "NW816"},
        ],
    }
    assert dump_baseline([_finding("a", "a.js", 3), _finding("b", "z.js", 9)]) == text


def test_apply_marks_only_listed_fingerprints(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text(dump_baseline([_finding("a")]))
    out = apply_baseline([_finding("a"), _finding("c")], load_baseline(path), str(path))
    assert [f.suppression is not None for f in out] == [True, False]
    assert out[0].suppression is not None and out[0].suppression.kind == "external"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "invalid JSON"),
        ("[]", "no integer"),
        ('{"version": 99, "findings": []}', "newer than this nodeward supports"),
        ('{"version": 1, "findings": {}}', "must be a list"),
        ('{"version": 1, "findings": [{"rule_id": "NW816"}]}', "findings[0] has no"),
    ],
)
def test_bad_baselines_name_the_file(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "base.json"
    path.write_text(content)
    with pytest.raises(BaselineError) as err:
        load_baseline(path)
    assert str(err.value).startswith(str(path)) and message in str(err.value)
