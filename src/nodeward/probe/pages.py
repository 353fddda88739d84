"""What the probe needs from an HTML page: forms, script sources and the title.

Parsed with the standard library's tolerant `html.parser` (an HTML tokenizer,
not regular expressions), bounded by the body size the client already capped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

__all__ = ["Form", "PageFacts", "parse_page"]

MAX_FORMS = 50
MAX_SCRIPTS = 50


@dataclass
class Form:
    method: str
    action: str
    hidden_inputs: list[str] = field(default_factory=list)
    """Names of `<input type=hidden>` fields."""


@dataclass
class PageFacts:
    forms: list[Form] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)
    script_integrity: list[bool] = field(default_factory=list)
    """Parallel to `scripts`: whether each `<script src>` carries an `integrity` attribute (SRI)."""
    meta_csrf: bool = False
    """A `<meta name="csrf-token">` tag (Rails/Laravel style tokens sent by JS)."""
    title: str = ""
    meta_referrer: str | None = None
    """`<meta name="referrer" content=...>`, which sets the page's referrer policy."""
    meta_csp: list[str] = field(default_factory=list)
    """`<meta http-equiv="Content-Security-Policy" content=...>` policies (browsers enforce them too)."""


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.facts = PageFacts()
        self._form: Form | None = None
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "form" and len(self.facts.forms) < MAX_FORMS:
            self._form = Form(method=(a.get("method") or "get").strip().lower(), action=a.get("action", ""))
            self.facts.forms.append(self._form)
        elif tag == "input" and self._form is not None and a.get("type", "").lower() == "hidden":
            self._form.hidden_inputs.append(a.get("name", ""))
        elif tag == "script" and a.get("src") and len(self.facts.scripts) < MAX_SCRIPTS:
            self.facts.scripts.append(a["src"].strip())
            self.facts.script_integrity.append(bool(a.get("integrity", "").strip()))
        elif tag == "meta" and a.get("name", "").lower() in ("csrf-token", "_csrf", "xsrf-token"):
            self.facts.meta_csrf = True
        elif tag == "meta" and a.get("name", "").strip().lower() == "referrer" and a.get("content"):
            self.facts.meta_referrer = a["content"]
        elif tag == "meta" and a.get("http-equiv", "").strip().lower() == "content-security-policy" and a.get("content"):
            if len(self.facts.meta_csp) < 10:
                self.facts.meta_csp.append(a["content"])
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title and len(self.facts.title) < 300:
            self.facts.title += data


def parse_page(text: str) -> PageFacts:
    p = _Parser()
    try:
        p.feed(text)
        p.close()
    except (AssertionError, ValueError):  # pragma: no cover - html.parser is tolerant; belt and braces
        pass
    p.facts.title = p.facts.title.strip()
    return p.facts
