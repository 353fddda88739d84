"""The byte-hit candidate finder must find exactly the query's nodes, in the same order.

`hit_captures` replaces a whole-tree query with a Hyperscan pass plus a check of each hit on
the tree; any difference would silently change routes and taint findings, so both are
compared node for node on every test app and on snippets built to trip the byte search.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nodeward.analysis import candidates
from nodeward.analysis.candidates import Captures, captures, hit_captures, query_captures
from nodeward.analysis.facts import extract_facts
from nodeward.sast.parse import language_for, parse

pytest.importorskip("hyperscan")

ROOT = Path(__file__).resolve().parents[2]
TRICKY_JS = """\
// req.body.x in a comment, require('nope'), app.get('/c', h)
const s = "req.query.q + require('str') + import('x')";
const request = require('request'), prequest = 1, req$ = 2, _req = 3;
const { exec } = require('child_process');
exec(request.body.cmd); execute(x); obj.exec(y); exec.call(z);
const é = 1; const reqé = { get: 1 }; reqé.get;
app.get('/a', (req, res) => res.send(req.params.id));
app.getter('/b'); apps.get('/c', h); app['get']('/d', h);
router.use(require(dir + '/x')); router.use(/* c */ require('./y'));
new RegExp(req.query.re); new Function(ctx.request.body.f); new Koa(); new Router(); Router(); express.Router();
const schema = { Query: {}, Mutation: {}, query: 1 };
db.query(sql); db.$queryRawUnsafe(q); import.meta.url;
const m = await import('./dyn.js');
label: for (;;) { break label; }
process.argv[2]; process.env.X; ctx.body = 1; v1.post('/v1', h); v2x.post('/x', h);
`${req.query.t}`; /req.query/.test(s);
export { a } from './reexport.js'; export * from "./star.js";
parentApp.use(x); webapp.get('/w', h); adminRouter.post('/p', h); AppRouter.get; myApp.getter(); "fooApp.get()";
éApp.get('/e', h); x.parentApp.get(1); parentApp$.get(2); approuter.get(3); App.get(4); Router.get(5); _app.get(6); admin_app.get(7); whatsapp.delete(8);
""".encode()
TRICKY_TS = b"""\
import type { T } from './types';
import express, { Router } from 'express';
import x = require('legacy');
export type { U } from './u';
/** @param req the request @Controller('no') */
@Controller('users')
export class UsersController {
  constructor(@Inject(TOKEN) private readonly svc: Svc) {}
  @Get(':id') @UseGuards(AuthGuard) find(@Param('id') id: string, req: Request) { return this.svc.raw(req.query); }
}
const api: express.Router = Router();
api.post('/x', (req: Request, res: Response) => res.redirect(req.body.to));
export default api;
"""


def _shape(caps: Captures) -> dict[str, list[tuple[int, int, str]]]:
    return {k: [(n.start_byte, n.end_byte, n.type) for n in v] for k, v in caps.items() if v}


def _fixture_files() -> list[Path]:
    files: list[Path] = []
    for base in (ROOT / "tests" / "apps", ROOT / "examples"):
        files.extend(p for p in sorted(base.rglob("*")) if p.is_file() and language_for(p) is not None and "node_modules" not in p.parts)
    return files


def test_fixtures_are_found() -> None:
    assert len(_fixture_files()) > 20


@pytest.mark.parametrize(("name", "source", "lang"), [("tricky.js", TRICKY_JS, "javascript"), ("tricky.ts", TRICKY_TS, "typescript"), ("tricky.tsx", TRICKY_TS, "tsx")])
def test_hits_equal_query_on_tricky_snippets(name: str, source: bytes, lang: str) -> None:
    tree = parse(source, lang)
    hits = hit_captures(source, tree, lang)
    assert hits is not None
    assert _shape(hits) == _shape(query_captures(tree, lang))


def test_tricky_snippet_captures_exactly_these() -> None:
    """Comments, strings and longer identifiers that contain a name are not candidates."""
    tree = parse(TRICKY_JS, "javascript")
    caps = hit_captures(TRICKY_JS, tree, "javascript")
    assert caps is not None

    def lines(name: str) -> list[tuple[int, str]]:
        return [(n.start_point[0] + 1, (n.text or b"").decode()) for n in caps.get(name, [])]

    assert lines("obj") == [(5, "request"), (7, "req"), (10, "req"), (10, "ctx"), (15, "process"), (15, "process"), (15, "ctx"), (16, "req")]
    assert lines("app") == [
        (7, "app"), (9, "router"), (9, "router"), (15, "v1"),
        (18, "parentApp"), (18, "adminRouter"), (19, "\u00e9App"), (19, "admin_app"),
    ]  # not: `AppRouter.get` (no call), `myApp.getter()`, strings, `x.parentApp.get`, `parentApp$`, `App`, `Router`,
    # nor lowercase endings (`webapp`, `approuter`, `whatsapp`: an HTTP client), nor `_app` alone
    assert lines("req") == [(3, "require"), (4, "require"), (9, "require"), (9, "require")]
    assert lines("gql") == [(11, "Query"), (11, "Mutation")]
    assert [s for _, s in lines("spec")] == ["'./reexport.js'", '"./star.js"']
    assert [s for _, s in lines("arg")] == ["'request'", "'child_process'", "dir + '/x'", "'./y'", "'./dyn.js'"]
    assert lines("fn") == [(5, "exec"), (10, "RegExp"), (10, "Function"), (10, "Koa"), (10, "Router"), (10, "Router"), (10, "Router"), (12, "query"), (12, "$queryRawUnsafe")]


def test_hits_equal_query_on_every_fixture() -> None:
    for path in _fixture_files():
        lang = language_for(path)
        assert lang is not None
        source = path.read_bytes()
        tree = parse(source, lang)
        hits = hit_captures(source, tree, lang)
        assert hits is not None
        assert _shape(hits) == _shape(query_captures(tree, lang)), path


def test_facts_are_the_same_without_hyperscan(monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [p for p in _fixture_files() if "taint" in str(p) or "routes-" in str(p)]
    assert paths
    parsed = []
    for p in paths:
        lang = language_for(p)
        assert lang is not None
        src = p.read_bytes()
        parsed.append((str(p.relative_to(ROOT)), src, parse(src, lang), lang))
    fast = [extract_facts(*item) for item in parsed]
    monkeypatch.setattr(candidates, "_SCANNER", [None])
    tree = parse(TRICKY_JS, "javascript")
    assert hit_captures(TRICKY_JS, tree, "javascript") is None
    assert _shape(captures(TRICKY_JS, tree, "javascript")) == _shape(query_captures(tree, "javascript"))
    slow = [extract_facts(*item) for item in parsed]
    assert fast == slow
    assert sum(len(f.routes) for f in fast if f is not None) > 10


def test_facts_pickle_round_trip_compactly() -> None:
    """Facts are pickled as constructor calls (`ir._Compact`) and come back equal."""
    import pickle

    path = ROOT / "tests" / "apps" / "taint-flows"
    files = [p for p in _fixture_files() if path in p.parents]
    assert files
    for p in files:
        lang = language_for(p)
        assert lang is not None
        src = p.read_bytes()
        ff = extract_facts(str(p.relative_to(ROOT)), src, parse(src, lang), lang)
        if ff is None:
            continue
        blob = pickle.dumps(ff, protocol=pickle.HIGHEST_PROTOCOL)
        assert pickle.loads(blob) == ff
        assert b"__setstate__" not in blob and b"functions" not in blob  # no per-field state dicts


BROKEN_JS = b"""\
const express = require('express');
const app = express(;
app.get('/x', (req, res) => { res.send(req.query.a ;
import y from 'z'
router.post('/y', h
new RegExp(req.body.re
"""


def test_hits_equal_query_on_a_file_that_does_not_parse() -> None:
    tree = parse(BROKEN_JS, "javascript")
    assert tree.root_node.has_error
    hits = hit_captures(BROKEN_JS, tree, "javascript")
    assert hits is not None
    assert _shape(hits) == _shape(query_captures(tree, "javascript"))
    assert [(n.text or b"").decode() for n in hits.get("arg", [])] == ["'express'"]


def test_a_failing_scan_falls_back_to_the_query(monkeypatch: pytest.MonkeyPatch) -> None:
    hit_captures(TRICKY_JS, parse(TRICKY_JS, "javascript"), "javascript")  # build the scanner
    scanner = candidates._SCANNER[0]
    assert scanner is not None

    class Broken:
        def scan(self, *args: object, **kwargs: object) -> None:
            raise RuntimeError("no scratch space")

    monkeypatch.setattr(scanner, "_dbs", {False: Broken(), True: Broken()})
    tree = parse(TRICKY_JS, "javascript")
    assert hit_captures(TRICKY_JS, tree, "javascript") is None
    assert _shape(captures(TRICKY_JS, tree, "javascript")) == _shape(query_captures(tree, "javascript"))
