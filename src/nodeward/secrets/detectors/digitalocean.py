"""DigitalOcean token (NW825)."""

from __future__ import annotations

import re

from nodeward.secrets.detectors.base import ROTATE, Detector, secret_rule

RULE = secret_rule(
    "NW825",
    "digitalocean-token",
    "A DigitalOcean personal access, OAuth or refresh token",
    what="Finds DigitalOcean token values in any text file of the project (code, config, `.env`, docs).",
    why=ROTATE,
    example="""
DO_TOKEN=dop_v1_3f9a1c7e5b2d8f4a6c0e9b7d3f1a5c8e3f9a1c7e5b2d8f4a6c0e9b7d3f1a5c8e
""",
    use_instead="""
const dotoken = process.env.DO_TOKEN;
""",
    references=('https://docs.digitalocean.com/reference/api/create-personal-access-token/',),
)

DETECTOR = Detector(
    rule=RULE,
    kind="DigitalOcean token",
    keywords=('dop_v1_', 'doo_v1_', 'dor_v1_'),
    patterns=(
        re.compile(r"""\b(?P<secret>do[por]_v1_[a-f0-9]{64})\b"""),
    ),

)
