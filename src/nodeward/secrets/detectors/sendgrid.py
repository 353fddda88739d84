"""SendGrid API key (NW818)."""

from __future__ import annotations

import re

from nodeward.secrets.detectors.base import ROTATE, Detector, secret_rule

RULE = secret_rule(
    "NW818",
    "sendgrid-api-key",
    "A SendGrid API key",
    what="Finds SendGrid API key values in any text file of the project (code, config, `.env`, docs).",
    why=ROTATE,
    example="""
SENDGRID_API_KEY=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
""",
    use_instead="""
const sendgridapikey = process.env.SENDGRID_API_KEY;
""",
    references=('https://www.twilio.com/docs/sendgrid/ui/account-and-settings/api-keys',),
)

DETECTOR = Detector(
    rule=RULE,
    kind="SendGrid API key",
    keywords=('sg.',),
    patterns=(
        re.compile(r"""\b(?P<secret>SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])"""),
    ),

)
