"""SAST candidates from byte hits (`sast/hits.py`) equal those of the combined query.

`run_file_rules` uses the hits when the `hyperscan` wheel is installed and the query otherwise,
so both must give the same findings and the same import bindings: on every annotated fixture,
on the example apps, and on the shapes the hit search treats specially (aliases found through
bound names, a comment between `=` and the value, option keys spelled as strings,
`(0, fn)(...)` calls, regex literals with and without repeated groups).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nodeward.model import Finding
from nodeward.sast import checks
from nodeward.sast.context import FileContext
from nodeward.sast.parse import Lang, language_for, parse

pytest.importorskip("hyperscan")

ROOT = Path(__file__).resolve().parent.parent.parent
FILES = sorted(
    p
    for base in (ROOT / "tests" / "fixtures" / "sast", ROOT / "examples")
    for p in base.rglob("*")
    if p.is_file() and language_for(p.name) is not None and "node_modules" not in p.parts
)


def _both(path: str, source: bytes, lang: Lang, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Finding], list[Finding]]:
    tree = parse(source, lang)
    by_hits = checks.run_file_rules(path, source, tree, lang)
    with monkeypatch.context() as m:
        m.setattr(checks, "hit_candidates", lambda *_a: None)
        by_query = checks.run_file_rules(path, source, tree, lang)
    return by_hits, by_query


def _bindings(path: str, source: bytes, lang: Lang) -> tuple[dict[str, str], dict[str, str]]:
    tree = parse(source, lang)
    hits = checks.hit_candidates(source, tree, lang)
    assert hits is not None
    query = checks.query_candidates(tree, lang)
    return (
        FileContext(path, source, tree, lang, hits[0], hits[2]).aliases,
        FileContext(path, source, tree, lang, query[0], query[2]).aliases,
    )


def test_fixture_set_is_not_empty() -> None:
    assert len(FILES) > 20


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_same_findings_and_bindings_on_fixtures(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lang = language_for(path.name)
    assert lang is not None
    source = path.read_bytes()
    by_hits, by_query = _both(str(path), source, lang, monkeypatch)
    assert sorted(map(repr, by_hits)) == sorted(map(repr, by_query))
    hits_aliases, query_aliases = _bindings(str(path), source, lang)
    assert hits_aliases == query_aliases


CASES = [
    # alias chain through bound names, with a comment between `=` and the value
    ("const cp = require('child_process');\nconst a = cp;\nconst run = /* x */ a.exec;\nrun(req.query.cmd);\n", "NW102", 4),
    # non-ASCII space before the value
    ("const cp = require('child_process');\nconst run =\u00a0cp.exec;\nrun(req.query.cmd);\n", "NW102", 3),
    # `(0, fn)(...)`, as bundlers emit
    ("const cp = require('child_process');\n(0, cp.exec)(req.query.cmd);\n", "NW102", 2),
    # renamed named import
    ("import { exec as run } from 'child_process';\nrun(req.query.cmd);\n", "NW102", 2),
    # nested quantifier in a regex literal
    ("const re = /^(a+)+$/;\nre.test(s);\n", "NW604", 1),
    # option key spelled as a string (a string_fragment node, not a property_identifier)
    ("const https = require('https');\nhttps.request({ 'rejectUnauthorized': false });\n", "NW405", 2),
]


@pytest.mark.parametrize(("source", "rule", "line"), CASES)
def test_special_shapes(source: str, rule: str, line: int, monkeypatch: pytest.MonkeyPatch) -> None:
    data = source.encode()
    by_hits, by_query = _both("src/app.js", data, "javascript", monkeypatch)
    assert sorted(map(repr, by_hits)) == sorted(map(repr, by_query))
    assert (rule, "src/app.js", line) in {(f.rule_id, f.path, f.line) for f in by_hits}


def test_names_inside_longer_words_strings_and_comments_are_not_candidates() -> None:
    source = b"const appendix = 'exec';\n// exec(x)\nextend(end2);\nobj.executor(x);\n"
    tree = parse(source, "javascript")
    found = checks.hit_candidates(source, tree, "javascript")
    assert found is not None
    assert found[1] == [] and found[2] == []


def test_regex_without_repeated_group_is_not_a_candidate() -> None:
    source = b"const a = /(ab)c+/;\nconst b = /x(?:y)*z/;\n"
    tree = parse(source, "javascript")
    found = checks.hit_candidates(source, tree, "javascript")
    assert found is not None
    regexes = [caps["re"][0] for _h, caps in found[3] if "re" in caps]
    assert [(n.start_point[0] + 1) for n in regexes] == [2]


def test_alias_search_over_budget_falls_back_to_the_query(monkeypatch: pytest.MonkeyPatch) -> None:
    """One-letter bound names in a big file: past the budget the query runs instead, same findings."""
    from nodeward.sast import hits

    names = "abcdefghijklmnopqrstuvwxyz"
    head = "var " + ",".join(f"{c}=require('m{c}')" for c in names) + ",cp=require('child_process');\n"
    body = "".join(f"var {c}{c}={c}.x;\n" for c in names) * 20 + "var run=cp.exec;\nrun(req.query.cmd);\n"
    source = (head + body).encode()
    tree = parse(source, "javascript")
    assert checks.hit_candidates(source, tree, "javascript") is not None
    monkeypatch.setattr(hits, "ALIAS_SEARCH_BUDGET", 10)
    monkeypatch.setattr(hits, "ALIAS_BUDGET_BYTES", len(source))
    assert checks.hit_candidates(source, tree, "javascript") is None
    by_hits, by_query = _both("src/app.js", source, "javascript", monkeypatch)
    assert sorted(map(repr, by_hits)) == sorted(map(repr, by_query))
    assert ("NW102", source.decode().count("\n")) in {(f.rule_id, f.line) for f in by_hits}


def test_whole_word_expressions_do_not_require_a_word_character_before_a_dollar() -> None:
    from nodeward.sast import hits

    assert hits._expression(b"exec", True) == rb"\bexec\b"
    assert hits._expression(b"$run", True) == rb"\x24run\b"
    assert hits._expression(b"noEscape", False) == b"noEscape"


ODD_GAPS = (
    "const cp = require('child_process');\n"
    "const a =\n  cp.exec;\n"
    "const b = /* why */ cp.exec;\n"
    "const c =  cp.exec;\n"
    "const d =\u00a0cp.exec;\n"
    "const e = // note\n  cp.exec;\n"
    "const f =\tcp.exec, g=cp.exec;\n"
    "a(req.query.x);\nb(req.query.x);\nc(req.query.x);\nd(req.query.x);\ne(req.query.x);\nf(req.query.x);\ng(req.query.x);\n"
    "const h = cp;\nconst i = h.exec;\ni(req.query.x);\n"
)


def test_aliases_behind_every_kind_of_gap_after_the_equals_sign(monkeypatch: pytest.MonkeyPatch) -> None:
    """Line breaks, comments, runs of spaces, a tab and a no-break space between `=` and the
    aliased name: the value sites the byte search must not miss (`_ValueSites`)."""
    source = ODD_GAPS.encode()
    by_hits, by_query = _both("src/run.js", source, "javascript", monkeypatch)
    assert sorted(map(repr, by_hits)) == sorted(map(repr, by_query))
    lines = source.decode().splitlines()
    calls = {n for n, text in enumerate(lines, 1) if text.endswith("(req.query.x);")}
    assert len(calls) == 8
    assert {f.line for f in by_hits if f.rule_id == "NW102"} == calls
