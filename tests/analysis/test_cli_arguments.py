"""A CLI running what its operator typed is reported, but low: it must not fail `--fail-on high`."""

from __future__ import annotations

from pathlib import Path

from nodeward.cli import main
from nodeward.model import Confidence, Severity
from tests.analysis.helpers import scan_app

SCRIPT = """\
#!/usr/bin/env node
const { execSync } = require('child_process');
const target = process.argv[2];
console.log(execSync('git log --oneline ' + target).toString());
"""


def test_command_from_argv_is_low_and_does_not_fail_the_default_threshold(tmp_path: Path) -> None:
    (tmp_path / "bin.js").write_text(SCRIPT)
    found = [f for f in scan_app(tmp_path).findings if f.rule_id == "NW110"]
    assert [(f.path, f.line, f.severity, f.confidence) for f in found] == [("bin.js", 4, Severity.LOW, Confidence.LOW)]
    assert "Command-line argument `process.argv" in found[0].message
    assert main(["scan", str(tmp_path), "--no-cache", "-q", "-f", "json", "-o", str(tmp_path / "out.json")]) == 0
