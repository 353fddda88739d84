"""A Fastify handler that sets `reply.type('text/html')` and returns a string sends that string
as HTML: request data in it is reflected XSS.  Without the HTML type the reply is not HTML."""

from __future__ import annotations

from pathlib import Path

from tests.analysis.helpers import app_findings, scan_app

SERVER = """\
const fastify = require('fastify')();
const escapeHtml = require('escape-html');
fastify.get('/hello', async (request, reply) => {
  reply.type('text/html');
  return `<p>Hello ${request.query.name}</p>`;
});
fastify.get('/safe', async (request, reply) => {
  reply.type('text/html; charset=utf-8');
  return `<p>Hello ${escapeHtml(request.query.name)}</p>`;
});
fastify.get('/json', async (request, reply) => {
  return { greeting: `Hello ${request.query.name}` };
});
fastify.get('/text', async (request, reply) => {
  reply.type('text/plain');
  return `Hello ${request.query.name}`;
});
fastify.listen({ port: 3000 });
"""


def test_html_reply_bodies_returned_by_fastify_handlers(tmp_path: Path) -> None:
    (tmp_path / "server.js").write_text(SERVER)
    found = {f for f in app_findings(scan_app(tmp_path)) if f[0] == "NW210"}
    assert found == {("NW210", "server.js", 5)}
