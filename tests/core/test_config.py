"""Strict configuration: one schema, three places, clear errors with hints."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from nodeward.cli import main
from nodeward.config import load_config
from nodeward.errors import ConfigError
from nodeward.model import Severity


def test_defaults_without_config(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config.fail_on is Severity.HIGH and config.source is None


def test_toml_values(tmp_path: Path) -> None:
    (tmp_path / ".nodeward.toml").write_text(
        'fail_on = "medium"\nexclude = ["test/"]\ndisable = ["unused-suppression"]\n'
        '[severity]\nNW001 = "high"\n'
        '[deps]\nignore = [{id = "GHSA-xvch-5gv4-984h", reason = "dev only", expires = 2027-01-31}]\n'
    )
    config = load_config(tmp_path)
    assert config.fail_on is Severity.MEDIUM
    assert config.exclude == ("test/",)
    assert config.disable == ("unused-suppression",)
    assert config.severity == {"NW001": Severity.HIGH}
    assert config.deps.ignore[0].id == "GHSA-xvch-5gv4-984h"
    assert config.deps.ignore[0].expires == dt.date(2027, 1, 31)


def test_package_json_key(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(json.dumps({"name": "x", "nodeward": {"fail_on": "low"}}))
    assert load_config(tmp_path).fail_on is Severity.LOW


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('fail_onn = "low"', "unknown key 'fail_onn' (did you mean 'fail_on'?)"),
        ('fail_on = "severe"', "fail_on: unknown severity 'severe'"),
        ('exclude = 3', "exclude: expected a list of strings"),
        ('disable = ["unused-supression"]', "unknown rule 'unused-supression' (did you mean 'unused-suppression'?)"),
        ('[deps]\nignore = [{id = "GHSA-1"}]', "deps.ignore[0]: `reason` is required"),
        ('[deps]\nignores = []', "unknown key 'ignores' (did you mean 'ignore'?)"),
        ('fail_on = ', "invalid TOML"),
    ],
)
def test_invalid_config_is_clear(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / ".nodeward.toml").write_text(toml + "\n")
    with pytest.raises(ConfigError) as exc:
        load_config(tmp_path)
    assert message in str(exc.value)
    assert str(exc.value).startswith(str(tmp_path / ".nodeward.toml"))


def test_invalid_config_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".nodeward.toml").write_text('fail_onn = "low"\n')
    assert main(["scan", str(tmp_path), "--no-cache"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "did you mean 'fail_on'?" in err


def test_explicit_config_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(tmp_path), "--config", str(tmp_path / "nope.toml")]) == 2
    assert "config file not found" in capsys.readouterr().err
