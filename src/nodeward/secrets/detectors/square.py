"""Square access token or OAuth secret (NW827)."""

from __future__ import annotations

import re

from nodeward.secrets.detectors.base import ROTATE, Detector, secret_rule

RULE = secret_rule(
    "NW827",
    "square-credential",
    "A Square access token or application secret",
    what="Finds Square access token or OAuth secret values in any text file of the project (code, config, `.env`, docs).",
    why=ROTATE,
    example="""
SQUARE_ACCESS_TOKEN=sq0atp-Xk7Rm2Tq9Lz4Wn8Vp3Hs6J
""",
    use_instead="""
const squareaccesstoken = process.env.SQUARE_ACCESS_TOKEN;
""",
    references=('https://developer.squareup.com/docs/build-basics/access-tokens',),
)

DETECTOR = Detector(
    rule=RULE,
    kind="Square access token or OAuth secret",
    keywords=('sq0atp-', 'sq0csp-', 'eaaa'),
    patterns=(
        re.compile(r"""\b(?P<secret>sq0(?:atp|csp)-[0-9A-Za-z_-]{22,43})(?![0-9A-Za-z_-])"""),
        re.compile(r"""\b(?P<secret>EAAA[A-Za-z0-9_-]{60})(?![A-Za-z0-9_-])"""),
    ),

)
