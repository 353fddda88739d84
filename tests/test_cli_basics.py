"""Exit codes and one-line errors for bad input, driven in-process through `main`."""

from __future__ import annotations

from pathlib import Path

import pytest

from nodeward.cli import main


def test_missing_path_is_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code = main(["scan", str(tmp_path / "nope")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "no such file or directory" in err


def test_unknown_flag_is_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code = main(["scan", str(tmp_path), "--bogus"])
    err = capsys.readouterr().err
    assert code == 2
    assert "unrecognized arguments: --bogus" in err
    assert "Traceback" not in err


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2


def test_unknown_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rule", "NW99999"]) == 2
    assert "unknown rule" in capsys.readouterr().err


def test_clean_project_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "index.js").write_text("const x = 1;\nmodule.exports = x;\n")
    assert main(["scan", str(tmp_path), "--no-cache"]) == 0
    assert "no findings" in capsys.readouterr().out


def test_command_table_matches_modules() -> None:
    from nodeward.commands import COMMANDS, load

    for name, help_text in COMMANDS:
        module = load(name)
        assert (module.NAME, module.HELP) == (name, help_text)


def test_only_the_invoked_command_is_imported() -> None:
    import subprocess
    import sys

    code = "import sys; from nodeward.cli import main; main(['rules']); print('httpx' in sys.modules, 'jinja2' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "False False"
