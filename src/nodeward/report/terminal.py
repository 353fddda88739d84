"""Text that is safe to print on a terminal.

Scanned code, file names and server responses end up in the text reports. An ESC byte in a
string literal or a file name (`\\x1b[2J`, `\\x1b]0;title\\x07`) went to the terminal as is: the
repository being audited could clear the screen, retitle the window, or move the cursor and
overwrite the findings about itself. Control characters (C0 except tab and newline, DEL, C1)
and the bidirectional overrides of "Trojan Source" (CVE-2021-42574), which reorder how a line
reads, are shown as `\\x1b` / `\\u202e` instead. JSON and SARIF escape them by their own rules;
HTML is rendered by a browser, which shows no terminal escape.
"""

from __future__ import annotations

import re

__all__ = ["safe_text"]

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _show(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe_text(text: str) -> str:
    """`text` with every terminal control character and bidi override made visible."""
    return _UNSAFE.sub(_show, text)
