"""Okta API token (NW833)."""

from __future__ import annotations

import re

from nodeward.model import Confidence
from nodeward.secrets.detectors.base import ROTATE, Detector, secret_rule

RULE = secret_rule(
    "NW833",
    "okta-api-token",
    "An Okta API token",
    what="Finds Okta API token values in any text file of the project (code, config, `.env`, docs).",
    why=ROTATE,
    example="""
OKTA_API_TOKEN=00QQkYOqQAVW3ToA33wQzahGImaHt8RVkGYZC7nqV2
""",
    use_instead="""
const oktaapitoken = process.env.OKTA_API_TOKEN;
""",
    confidence=Confidence.MEDIUM,
    references=('https://developer.okta.com/docs/guides/create-an-api-token/main/',),
)

DETECTOR = Detector(
    rule=RULE,
    kind="Okta API token",
    keywords=('okta',),
    patterns=(
        re.compile(r"""(?i)okta[\w-]*?(?:api)?[_-]?(?:token|key)[\"']?\s*[:=]\s*[\"']?(?P<secret>00[A-Za-z0-9_-]{40})(?![A-Za-z0-9_-])"""),
    ),
    fixed_prefix=False,
)
