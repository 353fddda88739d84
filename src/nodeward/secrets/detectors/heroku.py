"""Heroku API key (NW824)."""

from __future__ import annotations

import re

from nodeward.model import Confidence
from nodeward.secrets.detectors.base import ROTATE, Detector, secret_rule

RULE = secret_rule(
    "NW824",
    "heroku-api-key",
    "A Heroku platform API key",
    what="Finds Heroku API key values in any text file of the project (code, config, `.env`, docs).",
    why=ROTATE,
    example="""
HEROKU_API_KEY=4f9a1c7e-5b2d-4f4a-9c0e-9b7d3f1a5c8e
""",
    use_instead="""
const herokuapikey = process.env.HEROKU_API_KEY;
""",
    confidence=Confidence.MEDIUM,
    references=('https://devcenter.heroku.com/articles/authentication',),
)

DETECTOR = Detector(
    rule=RULE,
    kind="Heroku API key",
    keywords=('heroku', 'hrku-'),
    patterns=(
        re.compile(r"""(?i)heroku[\w-]*?(?:api)?[_-]?(?:key|token)[\"']?\s*[:=]\s*[\"']?(?P<secret>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b"""),
        re.compile(r"""\b(?P<secret>HRKU-[A-Za-z0-9_-]{60})(?![A-Za-z0-9_-])"""),
    ),
    fixed_prefix=False,
)
