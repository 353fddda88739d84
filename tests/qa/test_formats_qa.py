"""QA: the four report formats agree, are valid, and never show a secret in full."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from nodeward.cli import main
from tests.conftest import SHARED

HANDLER = """\
const { exec } = require('child_process');
module.exports = (req, res) => exec('ls ' + req.query.dir);
"""
CONFIG = """\
module.exports = {
  stripeKey: 'sk_live_4eC39HqLyjWDarjtT1zdp7dcQ8bPq2Zx',
  mongoUrl: 'mongodb://shop:Qx7-prod-pw-2024@db.internal.example:27017/shop',
};
"""
SECRETS = ("sk_live_4eC39HqLyjWDarjtT1zdp7dcQ8bPq2Zx", "Qx7-prod-pw-2024")


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    odd = root / "dir with space" / "ünï"
    odd.mkdir(parents=True)
    (odd / "handler#1.js").write_text(HANDLER, encoding="utf-8")
    (root / "config.js").write_text(CONFIG, encoding="utf-8")
    return root


def _render(root: Path, fmt: str, tmp_path: Path) -> str:
    out = tmp_path / f"report.{fmt}"
    main(["scan", str(root), "--no-cache", "-f", fmt, "-o", str(out), "-q"])
    return out.read_text(encoding="utf-8")


def test_sarif_uris_are_percent_encoded_and_valid(tmp_path: Path) -> None:
    root = _project(tmp_path)
    doc = json.loads(_render(root, "sarif", tmp_path))
    schema = json.loads((SHARED / "schemas" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.validate(doc, schema)
    results = doc["runs"][0]["results"]
    nw110 = [r for r in results if r["ruleId"] == "NW110"]
    assert len(nw110) == 1
    loc = nw110[0]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "dir%20with%20space/%C3%BCn%C3%AF/handler%231.js", "uriBaseId": "%SRCROOT%"}
    assert loc["region"]["startLine"] == 2
    steps = nw110[0]["codeFlows"][0]["threadFlows"][0]["locations"]
    assert {s["location"]["physicalLocation"]["artifactLocation"]["uri"] for s in steps} == {"dir%20with%20space/%C3%BCn%C3%AF/handler%231.js"}


def _finding_keys_json(text: str) -> list[tuple[str, str, int]]:
    return sorted((f["rule_id"], f["path"], f["line"]) for f in json.loads(text)["findings"] if not f["suppressed"])


def test_formats_report_the_same_findings_and_redact_secrets(tmp_path: Path) -> None:
    root = _project(tmp_path)
    texts = {fmt: _render(root, fmt, tmp_path) for fmt in ("text", "json", "sarif", "html")}
    keys = _finding_keys_json(texts["json"])
    assert ("NW110", "dir with space/ünï/handler#1.js", 2) in keys
    assert ("NW816", "config.js", 2) in keys
    assert ("NW808", "config.js", 3) in keys
    sarif = json.loads(texts["sarif"])["runs"][0]["results"]
    assert len(sarif) == len(keys)
    assert sorted(r["ruleId"] for r in sarif) == sorted(k[0] for k in keys)
    for rule_id, _path, line in keys:
        assert re.search(rf"^\s+{line}:\d+\s+\w+\s+{rule_id} ", texts["text"], re.M), (rule_id, line)
        assert rule_id in texts["html"]
    summary = texts["text"].strip().splitlines()[-1]
    assert summary.startswith(f"✖ {len(keys)} findings")
    for fmt, text in texts.items():
        for secret in SECRETS:
            assert secret not in text, (fmt, secret)


@pytest.mark.parametrize("command", [["routes", "--findings", "-f", "json"], ["routes", "--findings", "-f", "html"], ["checklist", "-f", "json"], ["checklist", "-f", "markdown"]])
def test_other_commands_redact_secrets(tmp_path: Path, command: list[str]) -> None:
    root = _project(tmp_path)
    (root / "app.js").write_text(
        "const express = require('express');\nconst session = require('express-session');\nconst app = express();\n"
        "app.use(session({ secret: 'Kp9-shop-session-2024-x', resave: false }));\n"
        "app.post('/pay', (req, res) => res.json({ key: 'sk_live_4eC39HqLyjWDarjtT1zdp7dcQ8bPq2Zx' }));\n"
        "module.exports = app;\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    main([command[0], str(root), "--no-cache", *command[1:], "-o", str(out), "-q"])
    text = out.read_text(encoding="utf-8")
    assert "pay" in text or "Secret" in text
    for secret in (*SECRETS, "Kp9-shop-session-2024-x"):
        assert secret not in text, secret


def _html_summary(text: str) -> str:
    match = re.search(r"(\d+ findings?[^<]*\.)", text)
    assert match is not None
    return match.group(1)


def test_html_summary_counts_like_the_text_report(tmp_path: Path) -> None:
    """The HTML page said "1 errors" and never mentioned suppressed findings or severities."""
    root = _project(tmp_path)
    (root / "broken.js").write_text("function (( {\n")
    (root / "cli.js").write_text(
        "const { exec } = require('child_process');\n"
        "// nodeward-ignore NW110 the operator's own argument\n"
        "exec(process.argv[2]);\n"
    )
    html_text = _render(root, "html", tmp_path)
    assert _html_summary(html_text) == "3 findings (1 critical, 2 high), 4 files scanned, 1 suppressed, 1 error, 0 skipped."
    text = _render(root, "text", tmp_path)
    assert text.strip().splitlines()[-4] == "✖ 3 findings (1 critical, 2 high) in 2 locations; 4 files scanned, 1 suppressed, 1 error"


def test_columns_count_characters_not_utf8_bytes(tmp_path: Path) -> None:
    """Columns were UTF-8 byte offsets: after `é` or `日本` on the line every column was one or
    two too far right, while the SARIF report declares `unicodeCodePoints`."""
    root = tmp_path / "i18n"
    root.mkdir()
    line1 = 'const msg = "héllo wörld"; eval(process.env.X);'
    line2 = "const 名前 = '日本'; eval(process.env.Y);"
    line3 = "/* ü */ app.get('/x', (req, res) => { /* ö */ res.send(req.query.q); });"
    (root / "a.js").write_text(
        f"{line1}\n{line2}\nconst express = require('express');\nconst app = express();\n{line3}\nmodule.exports = app;\n",
        encoding="utf-8",
    )
    (root / "pay.yml").write_text("# ü\nlabel: \"é\"  # stripe: sk_live_4eC39HqLyjWDarjtT1zdp7dcQ8bPq2Zx\n", encoding="utf-8")
    doc = json.loads(_render(root, "json", tmp_path))
    cols = {(f["rule_id"], f["line"]): (f["column"], f["end_column"]) for f in doc["findings"]}
    assert cols[("NW101", 1)] == (line1.index("eval") + 1, len(line1))
    assert cols[("NW101", 2)] == (line2.index("eval") + 1, len(line2))
    assert cols[("NW210", 5)][0] == line3.index("res.send") + 1
    assert cols[("NW816", 2)][0] == 'label: "é"  # stripe: '.index("stripe: ") + len("stripe: ") + 1
    nw210 = next(f for f in doc["findings"] if f["rule_id"] == "NW210")
    assert [(s["line"], s["column"]) for s in nw210["trace"]] == [(5, line3.index("req.query") + 1), (5, line3.index("res.send") + 1)]
    sarif = json.loads(_render(root, "sarif", tmp_path))["runs"][0]
    assert sarif["columnKind"] == "unicodeCodePoints"
    regions = {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]): r["locations"][0]["physicalLocation"]["region"]["startColumn"] for r in sarif["results"]}
    assert regions[("NW101", 2)] == line2.index("eval") + 1
    text = _render(root, "text", tmp_path)
    assert f"2:{line2.index('eval') + 1}  high     NW101" in text


def test_own_reports_inside_the_project_are_not_rescanned(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`scan . -f sarif -o nodeward.sarif` then `scan .` again found a dozen "secrets" in the
    SARIF rule help's examples and in the JSON report's quoted code."""
    root = _project(tmp_path)
    main(["scan", str(root), "--no-cache", "-f", "json"])
    before = _finding_keys_json(capsys.readouterr().out)
    for fmt in ("sarif", "json", "html"):
        main(["scan", str(root), "--no-cache", "-f", fmt, "-o", str(root / f"nodeward.{fmt}"), "-q"])
    main(["routes", str(root), "--no-cache", "-f", "html", "-o", str(root / "routes.html"), "-q"])
    main(["scan", str(root), "--no-cache", "-f", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert _finding_keys_json(json.dumps(doc)) == before
    assert {s["path"]: s["reason"] for s in doc["skipped"]} == dict.fromkeys(("nodeward.sarif", "nodeward.json", "nodeward.html", "routes.html"), "a nodeward report (its own output)")


def test_a_json_config_is_not_taken_for_a_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "tool.json").write_text('{\n  "tool": {\n    "name": "nodeward",\n    "stripe": "sk_live_4eC39HqLyjWDarjtT1zdp7dcQ8bPq2Zx"\n  }\n}\n')
    main(["secrets", str(tmp_path), "--no-cache", "-f", "json"])
    assert [(f["rule_id"], f["path"], f["line"]) for f in json.loads(capsys.readouterr().out)["findings"]] == [("NW816", "tool.json", 4)]


ANSI_APP = (
    "const express = require('express');\nconst app = express();\n"
    "app.get('/x\\u202e', (req, res) => res.send('\x1b[2J\x1b]0;pwned\x07<b>' + req.query.x));\n"
    "module.exports = app;\n"
)


@pytest.mark.parametrize("command", [["scan"], ["scan", "-v"], ["routes", "-v"], ["routes", "--findings"], ["checklist"], ["checklist", "-f", "markdown"], ["secrets"]])
def test_terminal_escapes_from_scanned_code_are_neutralised(tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    """An ESC byte in a string literal or a file name reached the terminal as is: the scanned
    repository could clear the screen, retitle the window or overwrite its own findings."""
    root = tmp_path / "evil"
    root.mkdir()
    (root / "app.js").write_text(ANSI_APP, encoding="utf-8")
    (root / "evil\x1b[8mname.js").write_text("eval(process.argv[2]);\nconst k = 'sk_live_4eC39HqLyjWDarjtT1zdp7dcQ8bPq2Zx';\n", encoding="utf-8")
    main([command[0], str(root), "--no-cache", *command[1:]])
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    if command[0] == "scan":
        assert "res.send('\\x1b[2J\\x1b]0;pwned\\x07<b>' + req.query.x)" in out
    if command[0] != "routes" and command != ["checklist"]:
        assert "evil\\x1b[8mname.js" in out
    if command[0] == "routes":
        assert "/x\\u202e" in out  # the Trojan Source override in a route path, made visible


def test_cr_only_line_endings_give_the_real_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file with classic Mac line endings (lone CR, a JavaScript line terminator) was one
    line: every finding on line 1, at a column hundreds of characters along."""
    root = tmp_path / "mac"
    root.mkdir()
    (root / "cr.js").write_bytes(b"const a = 1;\rconst password = 'Zq8-cr-pw-2031xq';\reval(process.env.X);\r")
    (root / "cr.env").write_bytes(b"# settings\rSTRIPE=sk_live_4eC39HqLyjWDarjtT1zdp7dcQ8bPq2Zx\r")
    (root / "crlf.js").write_bytes(b"const a = 1;\r\neval(process.env.Y);\r\n")
    main(["scan", str(root), "--no-cache", "-f", "json"])
    doc = json.loads(capsys.readouterr().out)
    found = sorted((f["rule_id"], f["path"], f["line"], f["column"]) for f in doc["findings"])
    assert found == [
        ("NW101", "cr.js", 3, 1),
        ("NW101", "crlf.js", 2, 1),
        ("NW807", "cr.js", 2, 19),
        ("NW816", "cr.env", 2, 8),
    ]
    snippets = {f["path"]: f["snippet"] for f in doc["findings"] if f["rule_id"] in ("NW807", "NW816")}
    assert snippets == {"cr.js": "const password = 'Zq…xq';", "cr.env": "STRIPE=sk_l…q2Zx"}
