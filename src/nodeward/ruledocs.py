"""Build and read rule documentation.

Docs are Markdown with a fixed skeleton (ruff's): What it does / Why is this
bad? / Example / Use instead / References.  The fenced blocks under Example and
Use instead double as the rule's positive and negative tests, so the helpers
here are used both to write docs and to execute them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["CodeBlock", "code_blocks", "make_docs", "REQUIRED_SECTIONS"]

REQUIRED_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "References")


@dataclass(frozen=True, slots=True)
class CodeBlock:
    section: str
    lang: str
    """Fence info string: js, ts, tsx, text, env, json, http, yaml ..."""
    filename: str
    """Optional `title=` on the fence (`js title=app.js`): the file name to scan it as."""
    code: str


def _fence(code: str, lang: str) -> str:
    return f"```{lang}\n{code.strip(chr(10))}\n```"


def make_docs(
    what: str,
    why: str,
    example: str,
    use_instead: str,
    references: Sequence[str] = (),
    lang: str = "js",
    example_lang: str | None = None,
    use_instead_lang: str | None = None,
) -> str:
    """Assemble the Markdown; `example`/`use_instead` may hold several fenced blocks already."""

    def block(text: str, fence_lang: str) -> str:
        return text.strip() if text.lstrip().startswith("```") else _fence(text, fence_lang)

    refs = "\n".join(f"- {r}" for r in references) or "- (none)"
    return (
        f"## What it does\n{what.strip()}\n\n"
        f"## Why is this bad?\n{why.strip()}\n\n"
        f"## Example\n{block(example, example_lang or lang)}\n\n"
        f"## Use instead\n{block(use_instead, use_instead_lang or lang)}\n\n"
        f"## References\n{refs}\n"
    )


_SECTION = re.compile(r"^## (.+)$", re.M)
_BLOCK = re.compile(r"^```([^\n]*)\n(.*?)^```", re.M | re.S)


def sections(docs: str) -> dict[str, str]:
    """Section title -> body."""
    parts = _SECTION.split(docs)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def code_blocks(docs: str) -> list[CodeBlock]:
    """Every fenced block of the Example and Use instead sections."""
    out: list[CodeBlock] = []
    for title, body in sections(docs).items():
        if title not in ("Example", "Use instead"):
            continue
        for m in _BLOCK.finditer(body):
            info = m.group(1).strip().split()
            lang = info[0] if info else ""
            filename = ""
            for tok in info[1:]:
                if tok.startswith("title="):
                    filename = tok.split("=", 1)[1]
            out.append(CodeBlock(title, lang, filename, m.group(2)))
    return out
