"""Google Cloud API key or service-account key (NW811)."""

from __future__ import annotations

import re

from nodeward.secrets.detectors.base import ROTATE, Detector, secret_rule

RULE = secret_rule(
    "NW811",
    "gcp-credential",
    "A Google Cloud API key or service-account private key id",
    what="Finds Google Cloud API key or service-account key values in any text file of the project (code, config, `.env`, docs).",
    why=ROTATE,
    example="""
GOOGLE_MAPS_KEY=AIzazymMlopiWfqUyHRSIf8NFmAUNLnY5Yx0y3R
""",
    use_instead="""
const googlemapskey = process.env.GOOGLE_MAPS_KEY;
""",
    references=('https://cloud.google.com/docs/authentication/api-keys#securing',),
)

DETECTOR = Detector(
    rule=RULE,
    kind="Google Cloud API key or service-account key",
    keywords=('aiza', 'private_key_id'),
    patterns=(
        re.compile(r"""\b(?P<secret>AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])"""),
        re.compile(r"""\"private_key_id\"\s*:\s*\"(?P<secret>[a-f0-9]{40})\""""),
    ),

)
