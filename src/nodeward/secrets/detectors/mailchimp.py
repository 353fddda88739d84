"""Mailchimp API key (NW820)."""

from __future__ import annotations

import re

from nodeward.secrets.detectors.base import ROTATE, Detector, secret_rule

RULE = secret_rule(
    "NW820",
    "mailchimp-api-key",
    "A Mailchimp marketing API key",
    what="Finds Mailchimp API key values in any text file of the project (code, config, `.env`, docs).",
    why=ROTATE,
    example="""
MAILCHIMP_KEY=7c1e5b2d8f4a6c0e9b7d3f1a5c8e3f9a-us14
""",
    use_instead="""
const mailchimpkey = process.env.MAILCHIMP_KEY;
""",
    references=('https://mailchimp.com/developer/marketing/guides/quick-start/',),
)

DETECTOR = Detector(
    rule=RULE,
    kind="Mailchimp API key",
    keywords=('-us',),
    patterns=(
        re.compile(r"""\b(?P<secret>[0-9a-f]{32}-us[0-9]{1,2})\b"""),
    ),

)
