"""Engine behaviour the SAST rules rely on: partial parses, skips, cache, parallelism."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nodeward import scan
from nodeward.config import Config
from nodeward.model import ScanResult
from nodeward.sast.engine import IN_PROCESS_BELOW
from nodeward.sast.rules import RULES

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sast"
SAST_IDS = {r.id for r in RULES}


def _sast(root: Path, **kw: object) -> ScanResult:
    opts: dict[str, object] = {"use_cache": False, "analyzers": ("sast",)}
    opts.update(kw)
    return scan(root, Config(**opts))  # type: ignore[arg-type]


def _keys(result: ScanResult) -> list[tuple[str, str, int, int, str]]:
    return [(f.rule_id, f.path, f.line, f.location.start_col, f.fingerprint) for f in result.findings if f.rule_id in SAST_IDS]  # type: ignore[union-attr]


def test_syntax_error_file_is_analysed_and_listed(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "broken.js", tmp_path / "broken.js")
    result = _sast(tmp_path)
    assert ("NW102", "broken.js", 4) in {(f.rule_id, f.path, f.line) for f in result.findings}
    parse_errors = [e for e in result.errors if e.kind == "parse"]
    assert [(e.path, e.line) for e in parse_errors] == [("broken.js", 6)]
    assert parse_errors[0].incomplete


def test_binary_file_named_js_is_skipped_with_reason(tmp_path: Path) -> None:
    (tmp_path / "image.js").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (tmp_path / "ok.js").write_text("eval(process.argv[2]);\n")
    result = _sast(tmp_path)
    assert [(s.path, s.reason) for s in result.skipped] == [("image.js", "binary file")]
    assert {(f.rule_id, f.path) for f in result.findings} == {("NW101", "ok.js")}


def test_minified_bundle_is_skipped(tmp_path: Path) -> None:
    line = "var a=function(b){return eval(b)};" * 400
    (tmp_path / "bundle.js").write_text(line + "\n" + line + "\n")
    (tmp_path / "vendor.min.js").write_text("eval(x);\n")
    result = _sast(tmp_path)
    reasons = {s.path: s.reason for s in result.skipped}
    assert reasons["vendor.min.js"] == "minified bundle (*.min.js)"
    assert reasons["bundle.js"].startswith("minified bundle (average line length")
    assert not result.findings


def test_second_scan_reparses_nothing(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for name in ("injection.js", "crypto.js", "typed.ts"):
        shutil.copy(FIXTURES / name, src / name)
    cache = tmp_path / "cache"
    first = _sast(src, use_cache=True, cache_dir=str(cache), jobs=1)
    second = _sast(src, use_cache=True, cache_dir=str(cache), jobs=1)
    assert first.stats.files_from_cache == 0
    assert second.stats.files_from_cache == 3 == second.stats.files_scanned
    assert _keys(first) == _keys(second) and _keys(first)


def test_jobs_1_and_2_give_identical_results(tmp_path: Path) -> None:
    fixtures = sorted(p for p in FIXTURES.iterdir() if p.is_file())
    count = 0
    while count <= IN_PROCESS_BELOW:  # enough files for the process pool to be used
        for p in fixtures:
            sub = tmp_path / f"pkg{count // len(fixtures)}"
            sub.mkdir(exist_ok=True)
            shutil.copy(p, sub / p.name)
            count += 1
    one = _sast(tmp_path, jobs=1)
    two = _sast(tmp_path, jobs=2)
    assert _keys(one) == _keys(two)
    assert len(_keys(one)) > 50
    assert [(e.path, e.line, e.message) for e in one.errors] == [(e.path, e.line, e.message) for e in two.errors]


def test_cached_results_are_not_reused_after_nodeward_code_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edited or reinstalled module (same version number) must not serve stale findings."""
    from nodeward.sast import engine

    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(FIXTURES / "injection.js", src / "injection.js")
    cache = tmp_path / "cache"
    assert _sast(src, use_cache=True, cache_dir=str(cache), jobs=1).stats.files_from_cache == 0
    assert _sast(src, use_cache=True, cache_dir=str(cache), jobs=1).stats.files_from_cache == 1
    monkeypatch.setattr(engine, "_code_identity", lambda: "sast/checks.py:1234:1")
    assert _sast(src, use_cache=True, cache_dir=str(cache), jobs=1).stats.files_from_cache == 0


def test_code_identity_follows_every_module(tmp_path: Path) -> None:
    from nodeward.sast import engine

    identity = engine._code_identity()
    modules = {line.split(":", 1)[0] for line in identity.split("|")}
    assert {"sast/engine.py", "analysis/facts.py", "secrets/code.py", "registry.py"} <= modules


BUNDLED_SINK = "module.exports = function (req) { return eval(req.query.code); };\n"
AWS_KEY = "var k = 'AKIAQYLPMN5HHHFPZAM2';\n"


@pytest.mark.parametrize(
    ("path", "head"),
    [
        ("public/js/app.js", "/******/ (() => { // webpackBootstrap\n"),
        ("static/js/main.js", '"use strict";(self.webpackChunkshop=self.webpackChunkshop||[]).push([[179],{});\n'),
        ("dist/assets/index-B4jZ8hyg.js", 'import{s as e}from"./react-BXwhMTuc.js";\n'),
        ("core/built/admin/assets/vendor-97e91ff8dd1457c668f9ef103ee1a77b.js", ""),
        ("build/static/js/main.3f2a1b9c.chunk.js", ""),
        (
            "vendor/geo.js",
            'require=(function(){function r(e,n,t){function o(i,f){if(!n[i]){if(!e[i]){var c="function"==typeof require'
            '&&require;if(!f&&c)return c(i,!0);var a=new Error("Cannot find module \'"+i+"\'");throw a.code="MODULE_NOT_FOUND",a}}}'
            "return o}return r})()({1:[function(require,module,exports){\n",
        ),
    ],
)
def test_generated_bundles_get_secrets_but_no_code_rules(tmp_path: Path, path: str, head: str) -> None:
    target = tmp_path / path
    target.parent.mkdir(parents=True)
    target.write_text(head + BUNDLED_SINK + AWS_KEY)
    result = scan(tmp_path, Config(use_cache=False, analyzers=("sast", "secrets"), jobs=1))
    assert [(f.rule_id, f.path, f.line) for f in result.findings] == [("NW810", path, head.count("\n") + 2)]
    (skip,) = [s for s in result.skipped if s.path == path]
    assert skip.reason.startswith("generated bundle") and "secrets scanned" in skip.reason


@pytest.mark.parametrize(
    "path",
    [
        "src/assets/user-settings.js",  # a build-like folder, but no content hash in the name
        "lib/vendor-97e91ff8dd1457c668f9ef103ee1a77b.js",  # a hash-like name outside a build folder
        "dist/server.js",  # compiled server code keeps its name: still analysed
    ],
)
def test_source_files_that_only_look_like_bundles_are_analysed(tmp_path: Path, path: str) -> None:
    target = tmp_path / path
    target.parent.mkdir(parents=True)
    target.write_text("// uses __webpack_require__ and webpackChunk names in its own code\n" + BUNDLED_SINK)
    result = _sast(tmp_path)
    assert ("NW101", path, 2) in {(f.rule_id, f.path, f.line) for f in result.findings}
    assert not [s for s in result.skipped if s.path == path]


def test_a_scan_leaves_garbage_collection_as_it_found_it(tmp_path: Path) -> None:
    """The engine freezes long-lived objects for its own collections; a library caller's
    process must get every object back under normal collection when the scan returns."""
    import gc

    src = tmp_path / "src"
    src.mkdir()
    for i in range(IN_PROCESS_BELOW + 2):  # enough files for the worker pool
        shutil.copy(FIXTURES / "injection.js", src / f"f{i}.js")
    assert gc.get_freeze_count() == 0
    result = _sast(src, jobs=2)
    assert result.stats.files_scanned == IN_PROCESS_BELOW + 2
    assert gc.get_freeze_count() == 0
