"""Literal `Authorization: Bearer …` / `Basic …` credentials (reported as NW807).

A hard-coded header is the most direct way a token ends up in code: an axios
default, a `curl -H` line in a deploy script, a Postman-style `headers` block in
a config file.  No provider prefix is needed: the header says what the value is.
Template references (`Bearer ${token}`) cannot match the value's alphabet.
"""

from __future__ import annotations

import re

from nodeward.secrets.detectors.base import Detector
from nodeward.secrets.detectors.config_password import RULE

DETECTOR = Detector(
    rule=RULE,
    kind="HTTP Authorization credential",
    keywords=("bearer ", "basic "),
    patterns=(
        re.compile(
            r"(?i)\bauthorization\b[\"']?\s*[:=]\s*[\"'`]?\s*(?P<key>bearer|basic)\s+"
            r"(?P<secret>[A-Za-z0-9._~+/-]{16,}=*)(?![A-Za-z0-9._~+/=$-])"
        ),
    ),
    fixed_prefix=False,
)
