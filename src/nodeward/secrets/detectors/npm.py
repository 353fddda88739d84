"""npm access token (NW821)."""

from __future__ import annotations

import re

from nodeward.secrets.detectors.base import ROTATE, Detector, secret_rule

RULE = secret_rule(
    "NW821",
    "npm-access-token",
    "An npm access token outside `.npmrc`",
    what="Finds npm access token values in any text file of the project (code, config, `.env`, docs).",
    why=ROTATE,
    example="""
NPM_PUBLISH_TOKEN=npm_njDQl2Kvf8THRXfEuzcrJaBnx7IfDH5mMDdw
""",
    use_instead="""
const npmpublishtoken = process.env.NPM_PUBLISH_TOKEN;
""",
    references=('https://docs.npmjs.com/about-access-tokens',),
)

DETECTOR = Detector(
    rule=RULE,
    kind="npm access token",
    keywords=('npm_',),
    patterns=(
        re.compile(r"""\b(?P<secret>npm_[A-Za-z0-9]{36})\b"""),
    ),

)
