"""JavaScript string escapes, decoded as the engine does.

A string literal's value is what the program sees: `'/a\\"b'` is the route `/a"b`, `'\\x2e'` is
`.`.  Findings, route tables and rule matching must use that value, not the escape's spelling.
"""

from __future__ import annotations

__all__ = ["unescape"]

_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v"}
_LINE_BREAKS = ("\r\n", "\n", "\r", "\u2028", "\u2029")


def _code_point(digits: str) -> str:
    try:
        value = int(digits, 16)
        return chr(value) if value <= 0x10FFFF else ""
    except ValueError:
        return ""


def unescape(escape: str) -> str:
    """The value of one escape sequence as written (`\\n`, `\\x41`, `\\u{1F600}`, `\\'`, a line
    continuation).  Malformed escapes (a syntax error the parser already reported) give their
    spelling without the backslash."""
    if not escape.startswith("\\") or len(escape) < 2:
        return escape
    body = escape[1:]
    head = body[0]
    if head in _SIMPLE and len(body) == 1:
        return _SIMPLE[head]
    if body.startswith(_LINE_BREAKS) and body in _LINE_BREAKS:
        return ""  # a line continuation adds nothing to the value
    if head == "x" and len(body) == 3:
        return _code_point(body[1:]) or body
    if head == "u":
        digits = body[2:-1] if body.startswith("u{") and body.endswith("}") else body[1:]
        if digits and len(digits) <= 6:
            return _code_point(digits) or body
        return body
    if head in "01234567" and all(c in "01234567" for c in body) and len(body) <= 3:
        return chr(int(body, 8))  # `\0` and legacy octal escapes (sloppy mode)
    return body
