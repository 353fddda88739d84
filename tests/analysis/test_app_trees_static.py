"""Browser code served as static files (`express.static`, `koa-static` ...): server-side
rules (injection NW1xx, ReDoS NW603/NW604) do not judge it; server modules keep their findings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.analysis.helpers import annotated_lines, scan_app

DATA = Path(__file__).resolve().parent / "data" / "app_trees_static"


def _server_side(root: Path) -> set[tuple[str, str, int]]:
    return {(f.rule_id, f.path, f.line) for f in scan_app(root).findings if f.rule_id.startswith(("NW1", "NW60"))}


@pytest.mark.parametrize("app", ["express", "koa"])
def test_static_folder_is_browser_code(app: str) -> None:
    expected, forbidden = annotated_lines(DATA / app)
    assert expected and forbidden
    found = _server_side(DATA / app)
    assert expected <= found
    assert not found & forbidden


def test_without_the_static_server_the_folder_is_judged(tmp_path: Path) -> None:
    copy = tmp_path / "express"
    shutil.copytree(DATA / "express", copy)
    server = copy / "server.js"
    server.write_text(server.read_text().replace("app.use('/static', express.static(path.join(__dirname, 'public'), { maxAge: '1d' }));\n", ""))
    assert {("NW101", "public/vendor/loader.js", 5), ("NW604", "public/vendor/loader.js", 15)} <= _server_side(copy)


def test_an_unknown_base_with_an_ambiguous_tail_assumes_nothing(tmp_path: Path) -> None:
    copy = tmp_path / "koa"
    shutil.copytree(DATA / "koa", copy)
    (copy / "src" / "assets").mkdir()
    (copy / "src" / "assets" / "render.js").write_text("module.exports = (code) => new Function(code);\n")
    found = _server_side(copy)
    assert ("NW101", "assets/js/chart.js", 4) in found
    assert ("NW101", "src/assets/render.js", 1) in found


def test_a_served_folder_holding_server_modules_is_still_judged(tmp_path: Path) -> None:
    copy = tmp_path / "express"
    shutil.copytree(DATA / "express", copy)
    (copy / "public" / "render.js").write_text("module.exports = (code) => eval(code);\n")
    server = copy / "server.js"
    server.write_text(server.read_text().replace("const { evaluate } = require('./lib/formula');\n", "const { evaluate } = require('./lib/formula');\nconst render = require('./public/render');\n"))
    found = _server_side(copy)
    assert ("NW101", "public/render.js", 1) in found
    assert ("NW101", "public/vendor/loader.js", 5) in found


@pytest.mark.parametrize(
    ("module", "code", "served"),
    [
        ("src/app.js", "app.use(express.static(path.join(__dirname, '..', 'public')));", [("public", True)]),
        ("server.js", "app.use('/img', express.static(__dirname + '/assets/img'));", [("assets/img", True)]),
        ("server.js", "app.use(express.static(`${__dirname}/web`));", [("web", True)]),
        ("server.js", "app.use(express.static('static'));", [("static", True)]),
        ("server.js", "app.use(express.static(process.cwd() + '/dist/client'));", [("dist/client", True)]),
        ("src/main.js", "const fastifyStatic = require('@fastify/static');\nfastify.register(fastifyStatic, { root: path.join(__dirname, 'ui'), prefix: '/ui/' });", [("src/ui", True)]),
        ("dist/main.js", "app.useStaticAssets({ root: resolve(process.env.BASE, 'public') });", [("public", False)]),
        ("dist/main.js", "app.useStaticAssets(join(__dirname, '..', 'client'));", [("client", True)]),
        ("src/app.module.ts", "@Module({ imports: [ServeStaticModule.forRoot({ rootPath: join(__dirname, '..', 'site') })] })\nexport class AppModule {}", [("site", True)]),
        ("server.js", "import serve from 'koa-static';\napp.use(serve(config.assets));", []),
        ("server.js", "app.use(express.static(path.join(__dirname, '..', '..')));", []),
        ("server.js", "const x = { static: true };\nlogger.static('x');", []),
    ],
)
def test_served_folder_shapes(module: str, code: str, served: list[tuple[str, bool]]) -> None:
    from nodeward.analysis.static_roots import folders_served

    lang = "typescript" if module.endswith(".ts") else "javascript"
    assert [(f, k) for f, k, _m in folders_served(module, code.encode(), lang)] == served
