"""What a provider detector is: a rule, trigger keywords and confirming patterns.

Every detector is triggered by literal keywords (matched case-insensitively by
the Hyperscan prefilter, or by `bytes.find` in the pure-Python fallback) and
confirmed by its regular expressions on the window around each hit: the line,
or a few lines for multi-line formats such as PEM blocks.  Because both engines
produce the same keyword hits and run the same confirmation, they return the
same findings by construction.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from nodeward.model import Confidence, Rule, Severity
from nodeward.ruledocs import make_docs

__all__ = ["Detector", "Scope", "secret_rule"]

Scope = str
"""`any` (every text file), `config` (non-code configuration files) or `npmrc`."""

GUIDE = "How to Secure Keys and Environment Variables"


@dataclass(frozen=True, slots=True)
class Detector:
    """One provider's patterns; each pattern has a `secret` group (or `secret2`, ...)."""

    rule: Rule
    kind: str
    """Human name of what it finds (`Stripe live secret key`)."""
    keywords: tuple[str, ...]
    """Lower-case literals; a hit on one of them runs `patterns` on its window."""
    patterns: tuple[re.Pattern[str], ...]
    scope: Scope = "any"
    window_lines: int = 0
    """Extra lines after the hit's line that the confirmation may span."""
    fixed_prefix: bool = True
    """The format has a provider prefix; hash-context filters do not apply."""
    min_entropy: float = 0.0
    validate: Callable[[str], bool] | None = None
    """Extra structural check of the value (a JWT header that decodes, ...)."""


def secret_rule(
    id: str,
    name: str,
    summary: str,
    *,
    what: str,
    why: str,
    example: str,
    use_instead: str,
    references: tuple[str, ...] = (),
    severity: Severity = Severity.HIGH,
    confidence: Confidence = Confidence.HIGH,
    lang: str = "env title=.env.production",
    use_lang: str = "js title=config.js",
    cwe: tuple[int, ...] = (798,),
    supersedes: tuple[str, ...] = ("NW807",),
) -> Rule:
    """A secrets-family rule with the standard docs skeleton (examples run as tests)."""
    return Rule(
        id=id,
        name=name,
        summary=summary,
        severity=severity,
        confidence=confidence,
        cwe=cwe,
        owasp=("A07:2021",),
        guide_section=GUIDE,
        family="secrets",
        supersedes=supersedes,
        docs=make_docs(
            what=what,
            why=why,
            example=example,
            use_instead=use_instead,
            references=references,
            example_lang=lang,
            use_instead_lang=use_lang,
        ),
    )


ROTATE = (
    "Anyone who can read the repository, a build log or a published package can use the "
    "credential until it is revoked; once committed it stays in git history even after the "
    "line is deleted, so the only fix is to rotate it."
)
