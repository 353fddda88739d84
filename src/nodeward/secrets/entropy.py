"""Shannon entropy of a candidate string, for providers without a fixed prefix.

A random 40-character base64 key scores above 4.5 bits per character; English
words, repeated characters and sequential runs score far lower.  The score is
one signal among keyword context and placeholders, never a verdict on its own
(entropy-only detectors are the noisiest part of detect-secrets).
"""

from __future__ import annotations

import math
from collections import Counter

__all__ = ["shannon_entropy"]


def shannon_entropy(text: str) -> float:
    """Bits per character of `text` (0.0 for the empty string)."""
    if not text:
        return 0.0
    n = len(text)
    return -sum((c / n) * math.log2(c / n) for c in Counter(text).values())
