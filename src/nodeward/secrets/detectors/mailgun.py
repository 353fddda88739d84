"""Mailgun API key (NW819)."""

from __future__ import annotations

import re

from nodeward.secrets.detectors.base import ROTATE, Detector, secret_rule

RULE = secret_rule(
    "NW819",
    "mailgun-api-key",
    "A Mailgun private API key",
    what="Finds Mailgun API key values in any text file of the project (code, config, `.env`, docs).",
    why=ROTATE,
    example="""
MAILGUN_API_KEY=key-3f9a1c7e5b2d8f4a6c0e9b7d3f1a5c8e
""",
    use_instead="""
const mailgunapikey = process.env.MAILGUN_API_KEY;
""",
    references=('https://documentation.mailgun.com/docs/mailgun/user-manual/get-started/#api-keys',),
)

DETECTOR = Detector(
    rule=RULE,
    kind="Mailgun API key",
    keywords=('key-',),
    patterns=(
        re.compile(r"""\b(?P<secret>key-[0-9a-f]{32})\b"""),
    ),

)
