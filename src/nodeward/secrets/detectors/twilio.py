"""Twilio API key or auth token (NW817)."""

from __future__ import annotations

import re

from nodeward.model import Confidence
from nodeward.secrets.detectors.base import ROTATE, Detector, secret_rule

RULE = secret_rule(
    "NW817",
    "twilio-credential",
    "A Twilio API key or account auth token",
    what="Finds Twilio API key or auth token values in any text file of the project (code, config, `.env`, docs).",
    why=ROTATE,
    example="""
TWILIO_AUTH_TOKEN=9f3c7a1e5b2d8f4a6c0e9b7d3f1a5c8e
""",
    use_instead="""
const twilioauthtoken = process.env.TWILIO_AUTH_TOKEN;
""",
    confidence=Confidence.MEDIUM,
    references=('https://www.twilio.com/docs/iam/api-keys',),
)

DETECTOR = Detector(
    rule=RULE,
    kind="Twilio API key or auth token",
    keywords=('twilio',),
    patterns=(
        re.compile(r"""\b(?P<secret>SK[0-9a-fA-F]{32})\b"""),
        re.compile(r"""(?i)twilio[\w-]*?(?:auth)?[_-]?token[\"']?\s*[:=]\s*[\"']?(?P<secret>[0-9a-f]{32})\b"""),
    ),
    fixed_prefix=False,
)
