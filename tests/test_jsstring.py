"""String literal values are what the program sees, not their escapes' spelling."""

from __future__ import annotations

from pathlib import Path

import pytest

from nodeward.jsstring import unescape
from nodeward.sast.context import string_value
from nodeward.sast.parse import parse
from tests.analysis.helpers import link


@pytest.mark.parametrize(
    ("escape", "value"),
    [
        ('\\"', '"'),
        ("\\'", "'"),
        ("\\\\", "\\"),
        ("\\n", "\n"),
        ("\\t", "\t"),
        ("\\x2e", "."),
        ("\\u00e9", "\u00e9"),
        ("\\u{1F600}", "\U0001f600"),
        ("\\0", "\x00"),
        ("\\101", "A"),
        ("\\\n", ""),
        ("\\q", "q"),
        ("\\u{110000}", "u{110000}"),
    ],
)
def test_unescape(escape: str, value: str) -> None:
    assert unescape(escape) == value


def test_string_literal_values_decode_their_escapes() -> None:
    source = b"x = ['..\\x2f..\\/etc', \"it\\'s\", 'caf\\u00e9'];"
    tree = parse(source, "javascript")
    strings = []
    stack = [tree.root_node]
    while stack:
        n = stack.pop()
        if n.type == "string":
            strings.append(n)
        stack.extend(n.children)
    assert sorted(string_value(n) or "" for n in strings) == sorted(["../../etc", "it's", "caf\u00e9"])


def test_route_paths_are_the_string_values(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"name": "esc", "dependencies": {"express": "^4.21.2"}}')
    (tmp_path / "app.js").write_text(
        "const express = require('express');\n"
        "const app = express();\n"
        "app.get('/say/\\\"hi\\\"', (req, res) => res.send('ok'));\n"
        "app.get(\"/caf\\u00e9\", (req, res) => res.send('ok'));\n"
        "app.get(`/tab\\tend`, (req, res) => res.send('ok'));\n"
        "app.listen(3000);\n"
    )
    paths = sorted(r.path for r in link(tmp_path).model.routes)
    assert paths == sorted(['/say/"hi"', "/caf\u00e9", "/tab\tend"])
