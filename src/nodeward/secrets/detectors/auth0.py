"""Auth0 client secret (NW834)."""

from __future__ import annotations

import re

from nodeward.model import Confidence
from nodeward.secrets.detectors.base import ROTATE, Detector, secret_rule

RULE = secret_rule(
    "NW834",
    "auth0-client-secret",
    "An Auth0 application client secret",
    what="Finds Auth0 client secret values in any text file of the project (code, config, `.env`, docs).",
    why=ROTATE,
    example="""
AUTH0_CLIENT_SECRET=VADJHONXO1WMXsmVbgZteLc9dAtxJO8TLKsmWg3YzzYlqDvi4i5C32SSyAJ9Tlxq
""",
    use_instead="""
const auth0clientsecret = process.env.AUTH0_CLIENT_SECRET;
""",
    confidence=Confidence.MEDIUM,
    references=('https://auth0.com/docs/get-started/applications/application-credentials',),
)

DETECTOR = Detector(
    rule=RULE,
    kind="Auth0 client secret",
    keywords=('auth0',),
    patterns=(
        re.compile(r"""(?i)auth0[\w-]*?(?:client)?[_-]?secret[\"']?\s*[:=]\s*[\"']?(?P<secret>[A-Za-z0-9_-]{64})(?![A-Za-z0-9_-])"""),
    ),
    fixed_prefix=False,
)
