"""Module resolution: extensions, index files, .js written for .ts, workspaces, tsconfig paths."""

from __future__ import annotations

import json
from pathlib import Path

from nodeward.analysis.modules import Resolver, package_name


def _project(tmp_path: Path, files: dict[str, str]) -> Resolver:
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    sources = [r for r in files if r.endswith((".js", ".ts", ".tsx", ".mjs", ".cjs"))]
    manifests = [r for r in files if r.endswith(".json")]
    return Resolver.for_project(tmp_path, sources, manifests)


def test_relative_paths_extensions_and_index(tmp_path: Path) -> None:
    r = _project(tmp_path, {"app.js": "", "lib/db.js": "", "routes/index.js": "", "src/svc.ts": ""})
    assert r.resolve("./lib/db", "app.js") == "lib/db.js"
    assert r.resolve("./lib/db.js", "app.js") == "lib/db.js"
    assert r.resolve("./routes", "app.js") == "routes/index.js"
    assert r.resolve("../lib/db", "routes/index.js") == "lib/db.js"
    assert r.resolve("./svc.js", "src/x.ts") == "src/svc.ts"  # TS writes .js for .ts files
    assert r.resolve("./missing", "app.js") is None
    assert r.resolve("../../outside", "app.js") is None
    assert r.resolve("express", "app.js") is None


def test_workspace_package_main_and_exports(tmp_path: Path) -> None:
    r = _project(
        tmp_path,
        {
            "packages/auth/package.json": json.dumps({"name": "@acme/auth", "main": "lib/main.js"}),
            "packages/auth/lib/main.js": "",
            "packages/util/package.json": json.dumps({"name": "acme-util", "exports": {".": {"require": "./dist/cjs.js"}}}),
            "packages/util/dist/cjs.js": "",
            "apps/api/app.js": "",
        },
    )
    assert r.resolve("@acme/auth", "apps/api/app.js") == "packages/auth/lib/main.js"
    assert r.resolve("acme-util", "apps/api/app.js") == "packages/util/dist/cjs.js"


def test_tsconfig_paths_with_comments(tmp_path: Path) -> None:
    tsconfig = '{\n  // comments are allowed in tsconfig\n  "compilerOptions": {"baseUrl": ".", "paths": {"@app/*": ["src/*"],},},\n}\n'
    r = _project(tmp_path, {"tsconfig.json": tsconfig, "src/users/service.ts": "", "src/main.ts": ""})
    assert r.resolve("@app/users/service", "src/main.ts") == "src/users/service.ts"
    assert r.resolve("fs", "src/main.ts") is None


def test_package_names() -> None:
    assert package_name("lodash/merge") == "lodash"
    assert package_name("@koa/router") == "@koa/router"
    assert package_name("@scope/pkg/sub/path") == "@scope/pkg"
    assert package_name("node:fs") == "fs"
