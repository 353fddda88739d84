"""tree-sitter parsing, the grammar chosen by file extension.

Parsers are created once per process (workers each build their own) because
building a `Language` and `Parser` costs far more than parsing a small file.
"""

from __future__ import annotations

from pathlib import PurePath

import tree_sitter as ts
import tree_sitter_javascript as _tsjs
import tree_sitter_typescript as _tsts

__all__ = ["EXTENSIONS", "Lang", "first_error", "get_language", "language_for", "parse"]

Lang = str
"""One of `javascript`, `typescript`, `tsx`."""

EXTENSIONS: dict[str, Lang] = {
    ".js": "javascript",
    ".cjs": "javascript",
    ".mjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
}

_LANGUAGES: dict[Lang, ts.Language] = {}
_PARSERS: dict[Lang, ts.Parser] = {}


def language_for(path: str | PurePath) -> Lang | None:
    """The grammar for a file name, or None when it is not JS/TS source."""
    name = str(path)
    if name.endswith((".d.ts", ".d.mts", ".d.cts")):
        return None  # type declarations: no code runs, and they trip the TS grammar
    dot = name.rfind(".")
    return EXTENSIONS.get(name[dot:].lower()) if dot >= 0 else None


def get_language(lang: Lang) -> ts.Language:
    language = _LANGUAGES.get(lang)
    if language is None:
        if lang == "javascript":
            language = ts.Language(_tsjs.language())
        elif lang == "typescript":
            language = ts.Language(_tsts.language_typescript())
        elif lang == "tsx":
            language = ts.Language(_tsts.language_tsx())
        else:
            raise ValueError(f"unknown language {lang!r}")
        _LANGUAGES[lang] = language
    return language


def parse(source: bytes, lang: Lang) -> ts.Tree:
    parser = _PARSERS.get(lang)
    if parser is None:
        parser = ts.Parser(get_language(lang))
        _PARSERS[lang] = parser
    return parser.parse(source)


def first_error(node: ts.Node) -> ts.Node | None:
    """The first ERROR or MISSING node in document order, to name the line of a syntax error."""
    if not node.has_error:
        return None
    cursor = node.walk()
    while True:
        current = cursor.node
        if current is not None and (current.is_error or current.is_missing):
            return current
        if current is not None and current.has_error and cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return None
