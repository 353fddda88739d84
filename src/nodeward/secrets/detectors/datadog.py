"""Datadog API or application key (NW835)."""

from __future__ import annotations

import re

from nodeward.model import Confidence
from nodeward.secrets.detectors.base import ROTATE, Detector, secret_rule

RULE = secret_rule(
    "NW835",
    "datadog-api-key",
    "A Datadog API or application key",
    what="Finds Datadog API or application key values in any text file of the project (code, config, `.env`, docs).",
    why=ROTATE,
    example="""
DD_API_KEY=3f9a1c7e5b2d8f4a6c0e9b7d3f1a5c8e
""",
    use_instead="""
const ddapikey = process.env.DD_API_KEY;
""",
    confidence=Confidence.MEDIUM,
    references=('https://docs.datadoghq.com/account_management/api-app-keys/',),
)

DETECTOR = Detector(
    rule=RULE,
    kind="Datadog API or application key",
    keywords=('datadog', 'dd_api', 'dd_app', 'dd-api', 'dd-app'),
    patterns=(
        re.compile(r"""(?i)(?:datadog|dd)[\w-]*?(?:api|app|application)[_-]?key[\"']?\s*[:=]\s*[\"']?(?P<secret>[a-f0-9]{40}|[a-f0-9]{32})\b"""),
    ),
    fixed_prefix=False,
)
