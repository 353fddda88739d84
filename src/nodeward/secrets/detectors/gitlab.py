"""GitLab token (NW814)."""

from __future__ import annotations

import re

from nodeward.secrets.detectors.base import ROTATE, Detector, secret_rule

RULE = secret_rule(
    "NW814",
    "gitlab-token",
    "A GitLab personal, pipeline-trigger or deploy token",
    what="Finds GitLab token values in any text file of the project (code, config, `.env`, docs).",
    why=ROTATE,
    example="""
GITLAB_TOKEN=glpat-Xk7Rm2Tq9Lz4Wn8Vp3Hs
""",
    use_instead="""
const gitlabtoken = process.env.GITLAB_TOKEN;
""",
    references=('https://docs.gitlab.com/ee/security/tokens/',),
)

DETECTOR = Detector(
    rule=RULE,
    kind="GitLab token",
    keywords=('glpat-', 'glptt-', 'gldt-'),
    patterns=(
        # 20 characters, or the longer routable form (`glpat-<payload>.<version><crc>`, GitLab 17.7+)
        re.compile(r"""\b(?P<secret>glpat-[A-Za-z0-9_-]{20}(?:[A-Za-z0-9_-]{7,280}\.[0-9a-z]{2}\.?[0-9a-z]{7,9})?)(?![A-Za-z0-9_.-])"""),
        re.compile(r"""\b(?P<secret>glptt-[0-9a-f]{40})\b"""),
        re.compile(r"""\b(?P<secret>gldt-[A-Za-z0-9_-]{20})(?![A-Za-z0-9_-])"""),
    ),

)
