"""Open redirects: which parts of a URL the request controls, and prefix allow-lists.

`data/taint_precision_redirect` is a small shop site written for this test.  Each `// ok:`
line is an idiom that keeps the redirect on this site, each `// ruleid:` line its risky twin:

- `search` and `hash` of a parsed URL start with `?`/`#` (or are empty): they cannot choose a
  host wherever they go;
- the WHATWG `pathname` of the request's own target, and `path.posix.join('/', x)`, start
  with `/`: harmless after a constant origin (`'https://shop.example.org' + pathname`), but
  not alone (`/.//evil.example` parses to the pathname `//evil.example`);
- `url.parse(x).pathname` keeps whatever `x` had (`@evil.example`): not a path;
- `x.startsWith(siteUrl)` or `x.startsWith('https://shop.example.org/')` pins the target;
  `startsWith('/')` and an origin without its slash do not; the check pins the value only where
  it holds (the branch it guards, or after a branch that returns on failure), and a branch that
  replaces the value (`if (!x.startsWith(p)) x = '/'`) is merged with the other path;
- a helper that takes `{ mode, back }` and checks `back` inside returns a pinned URL;
- `req.path` is request data (`/files//evil.example` below a mount point is `//evil.example`),
  except in a handler whose routes all start with a literal segment; Koa's `ctx.path`,
  `ctx.url`, `ctx.originalUrl` and `ctx.hostname` are the same request data;
- a `Location` set through a header object (`res.writeHead(302, { Location })`, `res.set({...})`)
  is a redirect like `res.location()`, except on a 201/202;
- a trailing-slash redirect (`req.originalUrl` + `/`) given to the route `/` of a sub-app built
  by a project factory (`const storefrontApp = createSubApp()`) sees only that path; the same
  middleware `use`d for every address below the mount point does not.
"""

from __future__ import annotations

from pathlib import Path

from tests.analysis.helpers import annotated_lines, scan_app

APP = Path(__file__).resolve().parent / "data" / "taint_precision_redirect"


def _found() -> set[tuple[str, str, int]]:
    return {(f.rule_id, f.path, f.line) for f in scan_app(APP).findings if f.rule_id == "NW116"}


def test_redirect_findings_equal_annotations() -> None:
    expected, forbidden = annotated_lines(APP)
    assert len(expected) == 19 and len(forbidden) == 16
    found = _found()
    assert found == expected
    assert not found & forbidden


def test_each_ruleid_line_names_its_source() -> None:
    """The reported flows start at the request data the risky line uses, not elsewhere."""
    by_line = {(f.path, f.line): f.message for f in scan_app(APP).findings if f.rule_id == "NW116"}
    expected, _ = annotated_lines(APP)
    for _rule, path, line in expected:
        message = by_line[(path, line)]
        assert any(src in message for src in ("req.query", "req.originalUrl", "req.path", "ctx.path"))


def test_trailing_slash_middleware_is_judged_by_its_route() -> None:
    found = _found()
    assert ("NW116", "pages.js", 18) in found
    assert ("NW116", "pages.js", 7) not in found
