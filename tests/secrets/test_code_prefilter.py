"""The byte prefilters in `nodeward.secrets.code` skip files that cannot hold NW806/NW807.

They must never hide a finding: both implementations (Hyperscan and plain `bytes` search)
agree, every secret-like word and sink module is a hint whatever its case rules, and a file
whose only trace of a secret is an upper-case or dashed name still reports it.
"""

from __future__ import annotations

import pytest

from nodeward.model import Confidence
from nodeward.sast.parse import parse
from nodeward.secrets import code

SAMPLES = [
    b"",
    b"const a = 1;\n",
    b"const DB_PASSWORD = 'Summer2023!';\n",
    b"cfg['Api-Key'] = 'k';\n",
    b"x.PRIVATEKEY = 'p';\n",
    b"const Jwt = require('JSONWEBTOKEN');\n",  # module names are case-sensitive in require()
    b"import c from 'node:crypto';\n",
    b"new Strategy(require('passport-github2'));\n",
    b"const tokenizer = lex(src);\n",
    b"const monkey = 1; const donkey = 2;\n",
    b"const signing_key = 's';\n",
    b"\x00binary\xff crypto",
]


@pytest.mark.parametrize("source", SAMPLES)
def test_hyperscan_and_plain_hints_agree(source: bytes) -> None:
    """Same name hint; the Hyperscan sink hint (quoted module names) implies the plain one."""
    pytest.importorskip("hyperscan")
    sink, name, ends = code._HyperscanHints()(source)
    plain_sink, plain_name, plain_ends = code._plain_hints(source)
    assert name == plain_name
    assert plain_sink or not sink
    assert plain_ends is None and (ends == []) == (not name)


@pytest.mark.parametrize(
    ("source", "hints"),
    [
        (b"const a = 1;\n", (False, False)),
        (b"const monkey = 1;\n", (False, False)),
        (b"const DB_PASSWORD = 'x';\n", (False, True)),
        (b"cfg['Api-Key'] = 'k';\n", (False, True)),
        (b"const Jwt = require('JSONWEBTOKEN');\n", (False, True)),
        (b"const c = require('crypto');\n", (True, False)),
    ],
)
def test_hints(source: bytes, hints: tuple[bool, bool]) -> None:
    assert code._plain_hints(source)[:2] == hints
    assert code._hints(source)[:2] == hints


@pytest.mark.parametrize(
    ("source", "rule", "line"),
    [
        ("const a = 1;\nconst DB_PASSWORD = 'Summer2023!x';\n", "NW807", 2),
        ("const cfg = {};\ncfg.Api_Key = 'q8Zr2Lm5Xv9Tn3Wp';\n", "NW807", 2),
        ("module.exports = {\n  'ENCRYPTION-KEY': 'q8Zr2Lm5Xv9Tn3Wp',\n};\n", "NW807", 2),
        ("const h = require('node:crypto');\n\nh.createHmac('sha256', 'hmac-key-1');\n", "NW806", 3),
    ],
)
def test_prefiltered_files_still_report(source: str, rule: str, line: int) -> None:
    data = source.encode()
    findings = [f for f in code.check_tree("src/config.js", data, parse(data, "javascript"), "javascript") if f.confidence >= Confidence.MEDIUM]
    assert [(f.rule_id, f.path, f.line) for f in findings] == [(rule, "src/config.js", line)]


def test_files_without_hints_are_not_walked(monkeypatch: pytest.MonkeyPatch) -> None:
    """No sink module and no secret-like word: no query runs at all."""

    def boom(*_args: object) -> None:
        raise AssertionError("query walk on a file without hints")

    monkeypatch.setattr(code, "_query", boom)
    data = b"const total = items.reduce((a, b) => a + b, 0);\nmodule.exports = total;\n"
    assert code.check_tree("lib/sum.js", data, parse(data, "javascript"), "javascript") == []


NAME_CASES = [
    "module.exports = {\n  'DB_PASSWORD': 'Summer2023!x',\n  apiKey: `q8Zr2Lm5Xv9Tn3Wp`,\n};\n",
    "const cfg = {};\ncfg.client_secret = 'q8Zr2Lm5Xv9Tn3Wp';\nthis.authToken = 'q8Zr2Lm5Xv9Tn3Wp';\n",
    "let dbPassword;\ndbPassword = 'Summer2023!x';\nconst secretKey = \"q8Zr2Lm5Xv9Tn3Wp\";\n",
    "const o = { ['password']: 'Summer2023!x', tokenizer: 'q8Zr2Lm5Xv9Tn3Wp', password: `a${b}` };\n",
    "const o = { 'pass\\u0077ord': 'Summer2023!x', nested: { accessKey: 'AKq8Zr2Lm5Xv9Tn3Wp' } };\n",
    "// password: 'not code'\nconst s = 'password = hunter2hunter2';\n",
]


@pytest.mark.parametrize("source", NAME_CASES)
def test_word_ends_give_the_query_findings(source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """NW807 from the Hyperscan word ends equals NW807 from the name query, finding for finding."""
    pytest.importorskip("hyperscan")
    data = source.encode()
    tree = parse(data, "javascript")
    by_ends = code.check_tree("src/config.js", data, tree, "javascript")
    monkeypatch.setattr(code, "_HINTS", [code._plain_hints])
    by_query = code.check_tree("src/config.js", data, tree, "javascript")
    assert [repr(f) for f in by_ends] == [repr(f) for f in by_query]


def test_word_ends_find_string_keys_and_assignments() -> None:
    pytest.importorskip("hyperscan")
    data = NAME_CASES[0].encode() + NAME_CASES[1].encode()
    found = {(f.rule_id, f.line) for f in code.check_tree("src/config.js", data, parse(data, "javascript"), "javascript")}
    assert {("NW807", 2), ("NW807", 3), ("NW807", 6), ("NW807", 7)} <= found


def test_env_fallback_literal_is_reported_at_medium_confidence(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from nodeward.model import Confidence
    from nodeward.sast.parse import parse
    from nodeward.secrets.code import check_tree

    src = (
        b"const session = require('express-session');\n"
        b"const jwt = require('jsonwebtoken');\n"
        b"app.use(session({ secret: process.env.SESSION_SECRET || 'keyboard cat', resave: false }));\n"
        b"const t = jwt.sign({ a: 1 }, process.env.JWT_SECRET ?? 'dev-jwt-secret-123');\n"
        b"const u = jwt.sign({ a: 1 }, process.env.JWT_SECRET);\n"
        b"const v = jwt.sign({ a: 1 }, other || someDefault);\n"
    )
    found = check_tree("app.js", src, parse(src, "javascript"), "javascript")
    assert [(f.rule_id, f.line, f.confidence) for f in found] == [
        ("NW806", 3, Confidence.MEDIUM),
        ("NW806", 4, Confidence.MEDIUM),
    ]
    assert all("fallback" in f.message and "keyboard" not in f.message for f in found)
