"""Line numbers for keys of pretty-printed JSON (npm and bun write one key per line).

`json.loads` forgets where things were; SARIF needs the lockfile line of each
package.  This walks the text once and records the line of every object key by
its path of parent keys, which is exact for the indented output package
managers write and degrades to line 1 for anything else.
"""

from __future__ import annotations

import re

__all__ = ["key_lines", "key_lines_exact", "strip_jsonc"]

_KEY = re.compile(r'^(\s*)"((?:[^"\\]|\\.)*)"\s*:')
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]')
EXACT_BELOW = 256 * 1024
"""Files smaller than this (every package.json) always get the exact scanner."""


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """(parent keys..., key) -> 1-based line.

    Hand-written files (package.json) and anything not laid out one key per line go
    through the exact tokenizer; the big pretty-printed lockfiles take the fast
    line scanner, which gives the same answer on that layout."""
    if len(text) < EXACT_BELOW or text.count('":') > text.count("\n") + 1:
        return key_lines_exact(text)
    return _key_lines_by_indent(text)


def key_lines_exact(text: str) -> dict[tuple[str, ...], int]:
    """(parent keys..., key) -> line of the key, for any JSON layout (array indices are not
    part of the path, as in the line scanner)."""
    import json

    out: dict[tuple[str, ...], int] = {}
    # Stack of (is_object, path); `expect_key` is True right after `{` or `,` in an object.
    stack: list[tuple[bool, tuple[str, ...]]] = []
    expect_key = False
    pending: tuple[str, ...] | None = None
    line, pos = 1, 0
    for m in _TOKEN.finditer(text):
        tok = m.group(0)
        line += text.count("\n", pos, m.start())
        pos = m.start()
        if tok[0] == '"':
            if stack and stack[-1][0] and expect_key:
                try:
                    key = json.loads(tok)
                except ValueError:
                    key = tok[1:-1]
                path = (*stack[-1][1], key)
                out.setdefault(path, line)
                pending = path
                expect_key = False
            continue
        if tok in "{[":
            base = pending if pending is not None else (stack[-1][1] if stack else ())
            stack.append((tok == "{", base))
            expect_key = tok == "{"
            pending = None
        elif tok in "}]":
            if stack:
                stack.pop()
            expect_key = False
            pending = None
        elif tok == ",":
            expect_key = bool(stack) and stack[-1][0]
            pending = None
    return out


def _key_lines_by_indent(text: str) -> dict[tuple[str, ...], int]:
    """(parent keys..., key) -> 1-based line, for keys that begin a line (pretty-printed JSON)."""
    out: dict[tuple[str, ...], int] = {}
    stack: list[tuple[int, tuple[str, ...]]] = []
    match = _KEY.match
    for lineno, line in enumerate(text.splitlines(), 1):
        m = match(line)
        if m is None:
            continue
        indent = len(m.group(1))
        while stack and stack[-1][0] >= indent:
            stack.pop()
        path = (*stack[-1][1], m.group(2)) if stack else (m.group(2),)
        if path not in out:
            out[path] = lineno
        rest = line[m.end() :].strip()
        if rest[:1] in ("{", "[") and rest.rstrip(",")[-1:] not in ("}", "]"):
            stack.append((indent, path))
    return out


def strip_jsonc(text: str) -> str:
    """JSON with comments and trailing commas (bun.lock) to plain JSON, strings untouched."""
    out: list[str] = []
    i, n = 0, len(text)
    pending_comma: list[str] = []
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.extend(pending_comma)
            pending_comma = []
            out.append(text[i : j + 1])
            i = j + 1
            continue
        if c == "/" and i + 1 < n and text[i + 1] == "/":
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if c == "/" and i + 1 < n and text[i + 1] == "*":
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
            continue
        if c == ",":
            out.extend(pending_comma)
            pending_comma = [","]
            i += 1
            continue
        if c in "}]":
            pending_comma = []
            out.append(c)
            i += 1
            continue
        if c.isspace():
            if pending_comma:
                pending_comma.append(c)
            else:
                out.append(c)
            i += 1
            continue
        out.extend(pending_comma)
        pending_comma = []
        out.append(c)
        i += 1
    out.extend(pending_comma)
    return "".join(out)
