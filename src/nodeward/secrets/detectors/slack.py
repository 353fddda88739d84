"""Slack token or webhook (NW815)."""

from __future__ import annotations

import re

from nodeward.secrets.detectors.base import ROTATE, Detector, secret_rule

RULE = secret_rule(
    "NW815",
    "slack-token",
    "A Slack bot/user token or incoming-webhook URL",
    what="Finds Slack token or webhook values in any text file of the project (code, config, `.env`, docs).",
    why=ROTATE,
    example="""
SLACK_BOT_TOKEN=xoxb-2938475610-5829304756123-Kq7Lm2Rx9Tz4Wv8Np3Hs6Jd1
""",
    use_instead="""
const slackbottoken = process.env.SLACK_BOT_TOKEN;
""",
    references=('https://api.slack.com/authentication/best-practices',),
)

DETECTOR = Detector(
    rule=RULE,
    kind="Slack token or webhook",
    keywords=('xoxb-', 'xoxp-', 'xoxa-', 'xoxr-', 'xoxs-', 'xoxe-', 'hooks.slack.com'),
    patterns=(
        re.compile(r"""\b(?P<secret>xox[baprse]-[0-9]{10,13}-[0-9A-Za-z-]{10,})"""),
        re.compile(r"""(?P<secret>https://hooks\.slack\.com/(?:services|workflows)/T[A-Z0-9]{8,12}/[A-Z0-9]{8,12}/[A-Za-z0-9]{24})"""),
    ),

)
