"""Regressions found by a first-time user's review (QA): messages, exit codes and the README.

Each test reproduces one reported problem through `main`, the way a user meets it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from nodeward.cli import main
from tests.conftest import ROOT, SHARED

APP = """\
const express = require('express');
const app = express();
app.get('/x', (req, res) => { res.send(req.query.q); });
module.exports = app;
"""


def _app(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    root.mkdir()
    (root / "app.js").write_text(APP)
    return root


def test_unknown_top_level_config_key_message_has_no_empty_section(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _app(tmp_path)
    (root / ".nodeward.toml").write_text('fail_onn = "low"\n')
    assert main(["scan", str(root), "--no-cache", "-q"]) == 2
    err = capsys.readouterr().err
    assert err == f"nodeward: error: {root / '.nodeward.toml'}: unknown key 'fail_onn' (did you mean 'fail_on'?)\n"


def test_unknown_section_key_keeps_its_section(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _app(tmp_path)
    (root / ".nodeward.toml").write_text('[secrets]\nexclud = ["docs/"]\n')
    assert main(["scan", str(root), "--no-cache", "-q"]) == 2
    assert capsys.readouterr().err.endswith(".nodeward.toml: secrets: unknown key 'exclud' (did you mean 'exclude'?)\n")


@pytest.mark.parametrize("command", ["scan", "routes"])
def test_output_into_a_missing_folder_creates_it(tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str) -> None:
    root = _app(tmp_path)
    out = tmp_path / "reports" / "nested dir" / "r.json"
    code = main([command, str(root), "--no-cache", "-f", "json", "-o", str(out)])
    assert code == (1 if command == "scan" else 0)
    doc = json.loads(out.read_text(encoding="utf-8"))
    if command == "scan":
        assert [(f["rule_id"], f["path"], f["line"]) for f in doc["findings"] if f["rule_id"] == "NW210"] == [("NW210", "app.js", 3)]
    assert capsys.readouterr().err == f"nodeward: wrote json report to {out}\n"


def test_output_where_a_file_blocks_the_folder_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _app(tmp_path)
    (tmp_path / "blocker").write_text("x")
    assert main(["scan", str(root), "--no-cache", "-o", str(tmp_path / "blocker" / "r.txt")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"nodeward: error: {tmp_path / 'blocker' / 'r.txt'}: cannot write report: ")
    assert "internal error" not in err


def test_db_update_with_a_file_as_cache_dir_is_a_clear_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("")
    monkeypatch.setenv("NODEWARD_CACHE_DIR", str(blocker))
    assert main(["db", "update", "--from", str(SHARED / "advisories")]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"nodeward: error: {blocker}: cannot create the advisory database folder: a file is in the way "
        "(set NODEWARD_CACHE_DIR or pass --db FILE)\n"
    )


def test_db_update_with_db_under_a_file_is_a_clear_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "f").write_text("")
    assert main(["db", "update", "--from", str(SHARED / "advisories"), "--db", str(tmp_path / "f" / "sub" / "a.sqlite")]) == 2
    assert "cannot create the advisory database folder: a file is in the way" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("var", "value", "message"),
    [
        ("NODEWARD_FAIL_ON", "bogus", "--fail-on (or NODEWARD_FAIL_ON): unknown severity 'bogus'"),
        ("NODEWARD_MIN_SEVERITY", "hgh", "--min-severity (or NODEWARD_MIN_SEVERITY): unknown severity 'hgh'"),
        ("NODEWARD_MIN_CONFIDENCE", "sure", "--min-confidence (or NODEWARD_MIN_CONFIDENCE): unknown confidence 'sure'"),
    ],
)
def test_bad_threshold_environment_variable_is_exit_2_not_internal_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, var: str, value: str, message: str
) -> None:
    root = _app(tmp_path)
    monkeypatch.setenv(var, value)
    assert main(["scan", str(root), "--no-cache", "-q"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"nodeward: error: {message}")
    assert "internal error" not in err


def test_environment_threshold_still_applies(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    root = _app(tmp_path)
    monkeypatch.setenv("NODEWARD_FAIL_ON", "critical")
    assert main(["scan", str(root), "--no-cache", "-q"]) == 0  # the XSS is high
    monkeypatch.setenv("NODEWARD_FAIL_ON", "high")
    assert main(["scan", str(root), "--no-cache", "-q"]) == 1


def _readme_block_after(heading: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split(f"## {heading}", 1)[1]
    match = re.search(r"```js\n(.*?)```", section, re.S)
    assert match is not None
    return match.group(1)


def test_readme_suppression_examples_suppress_what_they_say(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The README's two suppression lines, in a small app, leave nothing active at their lines
    and no NW000 (an unused suppression) behind."""
    block = _readme_block_after("Suppressions")
    root = tmp_path / "cli"
    root.mkdir()
    lines = block.splitlines()
    source = (
        "const { exec } = require('child_process');\n"
        "const express = require('express');\n"
        "const app = express();\n"
        "app.get('/theme', (req, res) => {\n"
        "  const value = String(req.query.theme);\n"
        f"  {lines[2]}\n"
        "  res.json({ ok: true });\n"
        "});\n"
        f"{lines[0]}\n{lines[1]}\n"
        "module.exports = app;\n"
    )
    (root / "app.js").write_text(source)
    main(["scan", str(root), "--no-cache", "-f", "json", "--min-severity", "info"])
    doc = json.loads(capsys.readouterr().out)
    by_line = {(f["line"], f["rule_id"]): f["suppressed"] for f in doc["findings"]}
    assert by_line[(6, "NW404")] is True
    assert by_line[(10, "NW110")] is True
    assert [k for k, v in by_line.items() if k[0] in (6, 9, 10) and not v] == []
    assert not any(f["rule_id"] == "NW000" for f in doc["findings"])


def _locked_app(tmp_path: Path) -> Path:
    root = tmp_path / "locked"
    root.mkdir()
    (root / "package.json").write_text('{"name": "locked", "version": "1.0.0", "dependencies": {"express": "4.17.1"}}')
    lock = {
        "name": "locked",
        "version": "1.0.0",
        "lockfileVersion": 3,
        "requires": True,
        "packages": {
            "": {"name": "locked", "version": "1.0.0", "dependencies": {"express": "4.17.1"}},
            "node_modules/express": {"version": "4.17.1", "dependencies": {"body-parser": "1.19.0"}},
            "node_modules/body-parser": {"version": "1.19.0"},
        },
    }
    (root / "package-lock.json").write_text(json.dumps(lock, indent=2))
    return root


def test_text_report_keeps_a_multi_line_fix_under_its_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The override snippet of a transitive fix was printed at column 0, where it reads as
    the start of a new file group."""
    root = _locked_app(tmp_path)
    main(["deps", str(root), "--advisories", str(SHARED / "advisories"), "--no-color"])
    lines = capsys.readouterr().out.splitlines()
    i = lines.index("            fix: Upgrade express@4.17.1 (which pins an older range), or force 1.20.3 in package.json:")
    assert lines[i + 1] == '                 {"overrides": {"body-parser": "^1.20.3"}}'
    groups = [line for line in lines if line and not line.startswith(" ") and not line.startswith("✖")]
    assert groups == ["package-lock.json"]


def test_fatal_error_is_not_said_to_have_let_the_scan_go_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _locked_app(tmp_path)
    monkeypatch.setenv("NODEWARD_CACHE_DIR", str(tmp_path / "empty-cache"))  # no advisory database
    monkeypatch.delenv("NODEWARD_ADVISORIES", raising=False)
    assert main(["deps", str(root), "--no-color"]) == 3
    out = capsys.readouterr().out
    assert "Errors:\n  source: no advisory data configured: " in out
    assert "the scan went on" not in out


def test_incomplete_error_still_says_the_scan_went_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _app(tmp_path)
    (root / "broken.js").write_text("function (( {\n")
    assert main(["scan", str(root), "--no-cache", "--no-color", "--fail-on", "critical"]) == 0
    out = capsys.readouterr().out
    assert "Errors (the scan went on):\n  broken.js:1 syntax error; analysed the parts that parsed" in out


def test_secrets_baseline_in_a_missing_folder_is_created(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "svc"
    root.mkdir()
    (root / "pay.js").write_text("const key = 'sk_live_4eC39HqLyjWDarjtT1zdp7dcQ8bPq2Zx';\n")
    baseline = tmp_path / ".nodeward" / "secrets-baseline.json"
    assert main(["secrets", str(root), "--no-cache", "--baseline", str(baseline), "-f", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [(f["rule_id"], f["path"], f["line"], f["suppressed"]) for f in doc["findings"]] == [("NW816", "pay.js", 1, True)]
    entries = json.loads(baseline.read_text())["findings"]
    assert [(e["rule_id"], e["path"]) for e in entries] == [("NW816", "pay.js")]
    assert "sk_live_4eC39HqLyjWDarjtT1zdp7dcQ8bPq2Zx" not in baseline.read_text()


def test_checklist_with_an_unreachable_url_does_not_pass_the_live_items(capsys: pytest.CaptureFixture[str]) -> None:
    """An unreachable --url read as PASS ("30 checks ran, no findings") with exit 3 and no word
    of the error."""
    assert main(["checklist", "--url", "http://127.0.0.1:1/", "-f", "json"]) == 3
    items = {i["item"]: i for i in json.loads(capsys.readouterr().out)}
    for key in ("headers", "errors", "authentication", "secrets"):
        assert items[key]["status"] == "WARN", key
        assert items[key]["summary"] == "could not be checked completely"
        assert items[key]["evidence"][0].startswith("http://127.0.0.1:1/: cannot connect")
    assert not any(i["status"] == "PASS" for i in items.values())


def test_checklist_pass_summary_says_1_check() -> None:
    from nodeward.checklist import evaluate
    from nodeward.model import ScanResult, ScanStats
    from nodeward.registry import ALL_RULES, get_rule

    rule = get_rule("NW935")  # the one live check of the error-handling item
    result = ScanResult(root="http://127.0.0.1:3000/", findings=(), errors=(), skipped=(), rules=(rule,), stats=ScanStats(), tool_version="0")
    items = {r.item.key: r for r in evaluate(result, ALL_RULES, has_sources=False, has_manifest=False)}
    assert items["errors"].summary == "1 check ran, no findings"


def test_verbose_logs_progress_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--verbose` says it logs progress; it logged nothing when stderr was not a terminal."""
    root = _app(tmp_path)
    main(["scan", str(root), "--no-cache", "-v", "-f", "json"])
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"nodeward: INFO: {root}: files to scan: 1 (JS/TS: 1); skipped while discovering: 0"
    assert re.fullmatch(r"nodeward: INFO: scanned in \d+\.\d\d s \(JS/TS files from the cache: 0 of 1\); findings: 4, errors: 0", err[1])
    main(["scan", str(root), "--no-cache", "-f", "json"])
    assert capsys.readouterr().err == ""


def test_routes_says_why_the_map_is_incomplete(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`routes --strict` exited 3 with no word of the parse error in text or JSON (only the
    HTML page listed it)."""
    root = _app(tmp_path)
    (root / "broken.js").write_text("function (( {\n")
    assert main(["routes", str(root), "--no-cache", "--strict"]) == 3
    out = capsys.readouterr().out
    assert out.endswith("\nIncomplete (the map may miss routes or protections):\n  broken.js:1 syntax error; analysed the parts that parsed\n")
    assert "GET     /x    app.js:3" in out
    assert main(["routes", str(root), "--no-cache", "-f", "json"]) == 0
    captured = capsys.readouterr()
    assert [(r["method"], r["path"]) for r in json.loads(captured.out)] == [("GET", "/x")]
    assert captured.err == "nodeward: WARNING: incomplete: broken.js:1 syntax error; analysed the parts that parsed\n"


def test_routes_complete_map_has_no_incomplete_section(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _app(tmp_path)
    assert main(["routes", str(root), "--no-cache", "--strict"]) == 0
    captured = capsys.readouterr()
    assert "Incomplete" not in captured.out
    assert captured.err == ""


def test_deps_on_a_folder_without_a_project_says_there_was_nothing_to_audit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["deps", str(empty), "--advisories", str(SHARED / "advisories")]) == 0
    captured = capsys.readouterr()
    assert captured.err == f"nodeward: WARNING: {empty}: no package.json or lockfile found: nothing to audit\n"
    root = _locked_app(tmp_path)
    main(["deps", str(root), "--advisories", str(SHARED / "advisories"), "-f", "json"])
    assert capsys.readouterr().err == ""


def test_cache_hits_never_exceed_files_scanned(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A skipped file (binary, minified) read back from the cache counted as a cache hit:
    parse-server's second run said 200 files from the cache of 198 scanned."""
    monkeypatch.setenv("NODEWARD_CACHE_DIR", str(tmp_path / "cache"))
    root = _app(tmp_path)
    (root / "blob.js").write_bytes(b"\x00\x01binary\x00" * 20)
    runs = []
    for _ in range(2):
        main(["scan", str(root), "-f", "json", "--fail-on", "critical"])
        runs.append(json.loads(capsys.readouterr().out))
    assert [(r["stats"]["files_scanned"], r["stats"]["files_from_cache"]) for r in runs] == [(1, 0), (1, 1)]
    assert runs[1]["skipped"] == [{"path": "blob.js", "reason": "binary file"}]
    for r in runs:
        r["stats"].pop("seconds")
        r["stats"].pop("files_from_cache")
    assert runs[0] == runs[1]


def test_rules_family_typo_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """`rules --family bogus` printed "0 rules" and exited 0."""
    assert main(["rules", "--family", "secret"]) == 2
    assert "invalid choice: 'secret' (choose from 'core', 'sast', 'app', 'deps', 'secrets', 'probe')" in capsys.readouterr().err
    assert main(["rules", "--family", "secrets", "-f", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and {r["family"] for r in rows} == {"secrets"}


@pytest.mark.parametrize("value", ["0", "-1", "121"])
def test_probe_timeout_message_states_the_real_bounds(capsys: pytest.CaptureFixture[str], value: str) -> None:
    """"between 0 and 120" while 0 itself was refused."""
    assert main(["probe", "http://127.0.0.1:1/", "--timeout", value]) == 2
    assert capsys.readouterr().err == "nodeward: error: --timeout must be more than 0 and at most 120 seconds\n"


def test_config_package_json_without_the_key_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _app(tmp_path)
    pkg = tmp_path / "package.json"
    pkg.write_text('{"name": "svc", "version": "1.0.0"}')
    assert main(["scan", str(root), "--no-cache", "--config", str(pkg)]) == 2
    assert capsys.readouterr().err == f'nodeward: error: {pkg}: has no "nodeward" key (put the settings under "nodeward": {{...}})\n'
    pkg.write_text('{"name": "svc", "nodeward": "low"}')
    assert main(["scan", str(root), "--no-cache", "--config", str(pkg)]) == 2
    assert capsys.readouterr().err == f'nodeward: error: {pkg}: the "nodeward" key must be an object\n'


def test_config_pointing_at_a_folder_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _app(tmp_path)
    assert main(["scan", str(root), "--no-cache", "--config", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"nodeward: error: {tmp_path}: --config takes a file (.nodeward.toml or package.json), not a folder\n"


def test_an_option_before_the_command_is_explained(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`nodeward --format json scan .` said "invalid choice: 'json'" (the option's value was
    taken for the command)."""
    root = _app(tmp_path)
    assert main(["--format", "json", "scan", str(root)]) == 2
    assert capsys.readouterr().err == (
        "nodeward: error: --format goes after the command, e.g. `nodeward scan --format ... PATH` (see `nodeward --help`)\n"
    )
    assert main(["--fail-on=low", "scan", str(root)]) == 2
    assert capsys.readouterr().err.startswith("nodeward: error: --fail-on goes after the command")
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("nodeward ")


def test_unusable_cache_folder_is_said_once_and_the_scan_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache folder that cannot be created made every scan silently uncached."""
    blocker = tmp_path / "cache-file"
    blocker.write_text("")
    monkeypatch.setenv("NODEWARD_CACHE_DIR", str(blocker))
    root = _app(tmp_path)
    assert main(["scan", str(root), "-f", "json"]) == 1
    captured = capsys.readouterr()
    assert [(f["rule_id"], f["line"]) for f in json.loads(captured.out)["findings"] if f["rule_id"] == "NW210"] == [("NW210", 3)]
    assert captured.err == (
        f"nodeward: WARNING: cache folder {blocker / 'files'} unavailable (Not a directory); "
        "scanning without the cache (set NODEWARD_CACHE_DIR or pass --no-cache)\n"
    )
    assert main(["scan", str(root), "-f", "json", "--no-cache"]) == 1
    assert capsys.readouterr().err == ""


def test_readme_config_example_and_every_documented_key_are_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The README's `.nodeward.toml` loads as written, and every key of the config schema is
    named in the README."""
    from nodeward.config import _SCHEMA, load_config

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    example = text.split("```toml\n", 1)[1].split("```", 1)[0]
    root = _app(tmp_path)
    (root / ".nodeward.toml").write_text(example)
    config = load_config(root)
    assert str(config.fail_on) == "medium"
    assert [i.id for i in config.deps.ignore] == ["GHSA-xvch-5gv4-984h"]
    section = text.split("## Configuration", 1)[1].split("## Suppressions", 1)[0]
    assert [k for k in _SCHEMA if f"`{k}`" not in section and f"{k} =" not in section and f"[{k}]" not in section] == []


@pytest.mark.parametrize(("hours", "words"), [(36, "1 day"), (5, "less than a day"), (24 * 12 + 1, "12 days")])
def test_certificate_expiry_message_counts_days_in_words(hours: int, words: str) -> None:
    """"The certificate expires in 1 days" (and "in 0 days" on the last day)."""
    import datetime as dt

    from nodeward.probe.tls import TlsReport, judge_tls

    now = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    report = TlsReport(host="localhost", protocols=("TLSv1.3",), not_after=now + dt.timedelta(hours=hours), names=("localhost",))
    messages = [f.message for f in judge_tls(report, "https://localhost/", now=now) if f.rule_id == "NW921"]
    assert messages == [f"The certificate expires in {words} ({(now + dt.timedelta(hours=hours)).strftime('%Y-%m-%dT%H:%M:%SZ')})"]


def test_checklist_takes_advisories_like_scan(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """`checklist . --advisories DB` was "unrecognized arguments" although `scan` takes it and the
    checklist's first item is the dependency audit."""
    monkeypatch.setenv("NODEWARD_CACHE_DIR", str(tmp_path / "empty-cache"))
    monkeypatch.delenv("NODEWARD_ADVISORIES", raising=False)
    root = _locked_app(tmp_path)
    main(["checklist", str(root), "--no-cache", "-f", "json"])
    items = {i["item"]: i for i in json.loads(capsys.readouterr().out)}
    assert items["dependencies"]["status"] == "WARN"
    assert main(["checklist", str(root), "--no-cache", "-f", "json", "--advisories", str(SHARED / "advisories")]) == 1
    items = {i["item"]: i for i in json.loads(capsys.readouterr().out)}
    assert items["dependencies"]["status"] == "FAIL"
    assert any(e.startswith("package-lock.json:") and "body-parser@1.19.0" in e for e in items["dependencies"]["evidence"])


def test_checklist_honours_strict_from_the_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "lib"
    root.mkdir()
    (root / "index.js").write_text("module.exports = (a, b) => a + b;\n")
    (root / "broken.js").write_text("function (( {\n")
    assert main(["checklist", str(root), "--no-cache", "-f", "json"]) == 0
    (root / ".nodeward.toml").write_text("strict = true\n")
    assert main(["checklist", str(root), "--no-cache", "-f", "json"]) == 3
    capsys.readouterr()


def test_routes_honours_strict_from_the_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _app(tmp_path)
    (root / "broken.js").write_text("function (( {\n")
    assert main(["routes", str(root), "--no-cache"]) == 0
    (root / ".nodeward.toml").write_text("strict = true\n")
    assert main(["routes", str(root), "--no-cache"]) == 3
    capsys.readouterr()


def test_unrecognized_argument_points_at_the_commands_help(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["secrets", str(tmp_path), "--advisories", "db"]) == 2
    assert capsys.readouterr().err == "nodeward: error: unrecognized arguments: --advisories db (see `nodeward secrets --help`)\n"
    assert main(["bogus"]) == 2
    assert capsys.readouterr().err.endswith("(see `nodeward --help`)\n")


def test_utf16_file_is_called_utf16_not_binary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _app(tmp_path)
    (root / "legacy.js").write_bytes("const password = 'Zq8-utf16-pw-2024';\n".encode("utf-16"))
    (root / "blob.js").write_bytes(b"\x00\x01\x02binary")
    main(["scan", str(root), "--no-cache", "-f", "json", "--fail-on", "critical"])
    skipped = {s["path"]: s["reason"] for s in json.loads(capsys.readouterr().out)["skipped"]}
    assert skipped == {"legacy.js": "UTF-16 text: not scanned (save it as UTF-8)", "blob.js": "binary file"}


def test_an_error_while_loading_a_command_is_one_line(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A command module that failed to import escaped `main` as a raw traceback."""
    import nodeward.cli

    def broken(name: str) -> object:
        raise AttributeError("'function' object has no attribute '__mro__'")

    monkeypatch.setattr(nodeward.cli, "load", broken)
    assert main(["checklist", "."]) == 3
    assert capsys.readouterr().err == (
        "nodeward: internal error: AttributeError: 'function' object has no attribute '__mro__' (run with --debug for the traceback)\n"
    )
    with pytest.raises(AttributeError):
        main(["checklist", ".", "--debug"])


def test_readme_links_point_inside_the_repository() -> None:
    """The README sent readers to `../shared/docs/DESIGN.md`, outside any clone."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)#]+)\)", text) + re.findall(r"`((?:\.\./|docs/)[^`]+\.md)`", text)
    assert links
    for link in links:
        if link.startswith("http"):
            continue
        assert (ROOT / link).resolve().is_relative_to(ROOT), link
        assert (ROOT / link).is_file(), link
