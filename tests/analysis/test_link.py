"""The linker: stale cached facts, on-demand walking of skipped files, AnalyzerOutput contents."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from nodeward.analysis.facts import extract_facts
from nodeward.analysis.ir import FileFacts
from nodeward.analysis.link import analyze_project, link_project
from nodeward.config import Config
from nodeward.project import discover
from nodeward.sast.engine import run_sast
from nodeward.sast.parse import parse

APP = (
    "const express = require('express');\n"
    "const { run } = require('./lib/runner');\n"
    "const app = express();\n"
    "app.get('/run', (req, res) => run(req.query.cmd));\n"
)
# No request source, no route, and bigger than the eager threshold: skipped by the workers.
RUNNER = "const cp = require('child_process');\nfunction run(c) {\n  cp.exec('sh -c ' + c);\n}\nmodule.exports = { run };\n" + "// padding\n" * 4000


def _project(tmp_path: Path) -> tuple[object, dict[str, object]]:
    (tmp_path / "lib").mkdir()
    (tmp_path / "app.js").write_text(APP)
    (tmp_path / "lib" / "runner.js").write_text(RUNNER)
    project = discover(tmp_path, Config(use_cache=False, jobs=1))
    return project, dict(run_sast(project).facts)


def test_skipped_file_is_walked_on_demand(tmp_path: Path) -> None:
    project, facts = _project(tmp_path)
    runner = facts["lib/runner.js"]
    assert isinstance(runner, FileFacts) and not runner.walked
    out = analyze_project(project, facts)  # type: ignore[arg-type]
    assert {(f.rule_id, f.path, f.line) for f in out.findings if f.rule_id == "NW110"} == {("NW110", "lib/runner.js", 3)}


def test_facts_of_another_version_are_extracted_again(tmp_path: Path) -> None:
    project, facts = _project(tmp_path)
    app = facts["app.js"]
    assert isinstance(app, FileFacts)
    facts["app.js"] = replace(app, routes=(), version=0)
    facts["lib/other.js"] = object()  # not facts at all: ignored
    linked = link_project(project, facts)  # type: ignore[arg-type]
    assert [(r.method, r.path) for r in linked.model.routes] == [("GET", "/run")]


def test_imported_packages_and_counts(tmp_path: Path) -> None:
    project, facts = _project(tmp_path)
    out = analyze_project(project, facts)  # type: ignore[arg-type]
    assert dict(out.imported_packages) == {"express": ("app.js",)}  # child_process is a built-in
    assert out.counts == {"routes": 1, "apps": 1}


def test_extract_facts_is_none_for_files_without_anything() -> None:
    src = b"const x = 1 + 2;\n"
    assert extract_facts("x.js", src, parse(src, "javascript"), "javascript") is None


def test_type_only_imports_load_no_package(tmp_path: Path) -> None:
    (tmp_path / "a.ts").write_text(
        "import type { Request } from 'express';\n"
        "import {\n  Pool,\n} from 'pg';\n"
        "export type { Options } from 'cors';\n"
        "export const handler = (req: Request) => new Pool();\n"
    )
    project = discover(tmp_path, Config(use_cache=False, jobs=1))
    out = analyze_project(project, dict(run_sast(project).facts))
    assert dict(out.imported_packages) == {"pg": ("a.ts",)}


def test_big_module_wrapper_is_walked_statement_by_statement(tmp_path: Path) -> None:
    filler = "".join(f"  function f{i}(a) {{ return a * {i}; }}\n" for i in range(3000))
    (tmp_path / "bundle.js").write_text(
        "(function (root, factory) {\n  module.exports = factory();\n})(this, function () {\n"
        + filler
        + "  const express = require('express');\n"
        "  const { exec } = require('child_process');\n"
        "  const app = express();\n"
        "  app.get('/run', (req, res) => exec(req.query.cmd));\n"
        "  return app;\n"
        "});\n"
    )
    assert (tmp_path / "bundle.js").stat().st_size > 64 * 1024
    project = discover(tmp_path, Config(use_cache=False, jobs=1))
    facts = dict(run_sast(project).facts)
    ff = facts["bundle.js"]
    assert isinstance(ff, FileFacts) and "f1" not in ff.functions  # filler not walked
    out = analyze_project(project, facts)
    assert {(f.rule_id, f.line) for f in out.findings if f.rule_id == "NW110"} == {("NW110", 3007)}


SMALL_RUNNER = "const { exec } = require('child_process');\nfunction run(c) {\n  exec('sh -c ' + c);\n}\nmodule.exports = { run };\n"


def test_small_sink_helper_is_walked_eagerly_in_the_app_but_lazily_in_installed_packages() -> None:
    src = SMALL_RUNNER.encode()
    tree = parse(src, "javascript")
    own = extract_facts("lib/runner.js", src, tree, "javascript")
    dep = extract_facts("node_modules/pkg/lib/runner.js", src, tree, "javascript")
    assert own is not None and own.walked and "run" in own.functions
    assert dep is not None and not dep.walked and not dep.functions
    assert [i.spec for i in dep.imports] == ["child_process"]


def test_installed_package_helper_is_walked_when_request_data_reaches_it(tmp_path: Path) -> None:
    pkg = tmp_path / "node_modules" / "pkg"
    (pkg / "lib").mkdir(parents=True)
    (pkg / "index.js").write_text(APP)
    (pkg / "lib" / "runner.js").write_text(SMALL_RUNNER)
    (tmp_path / "server.js").write_text("require('pkg');\n")
    project = discover(tmp_path, Config(use_cache=False, jobs=1, include_node_modules=True))
    facts = dict(run_sast(project).facts)
    runner = facts["node_modules/pkg/lib/runner.js"]
    assert isinstance(runner, FileFacts) and not runner.walked
    out = analyze_project(project, facts)
    assert {(f.rule_id, f.path, f.line) for f in out.findings if f.rule_id == "NW110"} == {("NW110", "node_modules/pkg/lib/runner.js", 3)}


HTTP_CLIENT = (
    "const http = require('http');\n"
    "function send(req, body) {\n"
    "  req.setHeader('content-length', body.length);\n"
    "  return req.end(body);\n"
    "}\n"
    "function fetchOne(instance, id) {\n"
    "  return instance.get('/' + id);\n"
    "}\n"
    "module.exports = { send, fetchOne };\n"
)


def test_installed_code_is_walked_only_where_it_builds_a_server() -> None:
    """`req.` in an HTTP client and `instance.get('/')` in an ORM are not request data or a
    route: installed files that do not create an app are left to the linker's on-demand walks,
    as in a scan without `--include-node-modules`."""
    src = HTTP_CLIENT.encode()
    tree = parse(src, "javascript")
    own = extract_facts("lib/client.js", src, tree, "javascript")
    dep = extract_facts("node_modules/orm/lib/client.js", src, tree, "javascript")
    assert own is not None and own.walked and {"send", "fetchOne"} <= set(own.functions)
    assert dep is not None and not dep.walked and not dep.functions and not dep.routes
    server = APP.encode()
    installed_app = extract_facts("node_modules/pkg/index.js", server, parse(server, "javascript"), "javascript")
    assert installed_app is not None and installed_app.walked
    assert [(r.method, r.path, r.line) for r in installed_app.routes] == [("get", "/run", 4)]
