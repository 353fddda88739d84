"""OpenAI API key (NW829)."""

from __future__ import annotations

import re

from nodeward.secrets.detectors.base import ROTATE, Detector, secret_rule

RULE = secret_rule(
    "NW829",
    "openai-api-key",
    "An OpenAI API key",
    what="Finds OpenAI API key values in any text file of the project (code, config, `.env`, docs).",
    why=ROTATE,
    example="""
OPENAI_API_KEY=sk-proj-Xk7Rm2Tq9Lz4Wn8Vp3Hs6Jd1T3BlbkFJFb5Gc0Ya7Ue2PXk7Rm2Tq9Lz4
""",
    use_instead="""
const openaiapikey = process.env.OPENAI_API_KEY;
""",
    references=('https://help.openai.com/en/articles/5112595-best-practices-for-api-key-safety',),
)

DETECTOR = Detector(
    rule=RULE,
    kind="OpenAI API key",
    keywords=('t3blbkfj', 'sk-proj-', 'sk-svcacct-', 'sk-admin-'),
    patterns=(
        re.compile(r"""\b(?P<secret>sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,})(?![A-Za-z0-9_-])"""),
        re.compile(r"""\b(?P<secret>sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{80,})(?![A-Za-z0-9_-])"""),
    ),

)
