"""GitHub token (NW813)."""

from __future__ import annotations

import re

from nodeward.secrets.detectors.base import ROTATE, Detector, secret_rule

RULE = secret_rule(
    "NW813",
    "github-token",
    "A GitHub personal access, OAuth, app or refresh token",
    what="Finds GitHub token values in any text file of the project (code, config, `.env`, docs).",
    why=ROTATE,
    example="""
GITHUB_TOKEN=ghp_R7kLm2Qx9Tz4Wv8Np3Hs6Jd1Fb5Gc0Ya7Ue2X
""",
    use_instead="""
const githubtoken = process.env.GITHUB_TOKEN;
""",
    references=('https://docs.github.com/en/code-security/secret-scanning/introduction/supported-secret-scanning-patterns',),
)

DETECTOR = Detector(
    rule=RULE,
    kind="GitHub token",
    keywords=('ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'),
    patterns=(
        re.compile(r"""\b(?P<secret>gh[pousr]_[A-Za-z0-9]{36,255})\b"""),
        re.compile(r"""\b(?P<secret>github_pat_[A-Za-z0-9_]{82})\b"""),
    ),

)
