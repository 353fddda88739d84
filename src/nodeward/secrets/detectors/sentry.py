"""Sentry DSN secret or auth token (NW836)."""

from __future__ import annotations

import re

from nodeward.secrets.detectors.base import ROTATE, Detector, secret_rule

RULE = secret_rule(
    "NW836",
    "sentry-secret",
    "A Sentry DSN that embeds its secret key, or a Sentry auth token",
    what="Finds Sentry DSN secret or auth token values in any text file of the project (code, config, `.env`, docs).",
    why=ROTATE,
    example="""
SENTRY_DSN=https://3f9a1c7e5b2d8f4a6c0e9b7d3f1a5c8e:9b7d3f1a5c8e3f9a1c7e5b2d8f4a6c0e@o12345.ingest.sentry.io/67890
""",
    use_instead="""
const sentrydsn = process.env.SENTRY_DSN;
""",
    references=('https://docs.sentry.io/concepts/key-terms/dsn-explainer/',),
)

DETECTOR = Detector(
    rule=RULE,
    kind="Sentry DSN secret or auth token",
    keywords=('sentry', 'sntrys_'),
    patterns=(
        re.compile(r"""(?P<secret>https?://[0-9a-f]{32}:[0-9a-f]{32}@[\w.-]+(?::\d+)?/\d+)"""),
        re.compile(r"""\b(?P<secret>sntrys_eyJ[A-Za-z0-9+/=_-]{80,})"""),
    ),

)
