"""JSON Web Tokens (NW839): a signed bearer token is a credential until it expires."""

from __future__ import annotations

import base64
import binascii
import json
import re

from nodeward.model import Confidence, Severity
from nodeward.secrets.detectors.base import Detector, secret_rule


def _segment(token: str, i: int) -> object:
    part = token.split(".")[i]
    try:
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError, IndexError):
        return None


def _decodes_to_jwt_header(token: str) -> bool:
    """The first segment must be base64url JSON with an `alg` (filters random `eyJ` text).

    A Supabase `anon` key (payload `"role": "anon"`) is public by design: it ships in every
    browser bundle as `NEXT_PUBLIC_SUPABASE_ANON_KEY`; its `service_role` sibling is a secret."""
    data = _segment(token, 0)
    if not (isinstance(data, dict) and "alg" in data and str(data.get("alg")).lower() != "none"):
        return False
    payload = _segment(token, 1)
    return not (isinstance(payload, dict) and payload.get("role") == "anon" and payload.get("iss") in ("supabase", None))


RULE = secret_rule(
    "NW839",
    "json-web-token",
    "A signed JSON Web Token in a file",
    what="Finds signed JWTs (`eyJ...eyJ...signature`) whose header decodes to JSON with an algorithm.",
    why=(
        "A committed JWT is a bearer credential: anyone holding it is authenticated as its subject "
        "until it expires, and long-lived service tokens rarely expire."
    ),
    example="""
SERVICE_TOKEN=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJiaWxsaW5nLXdvcmtlciIsInJvbGUiOiJzZXJ2aWNlIn0.k7Rm2Tq9Lz4Wn8Vp3Hs6Jd1Fb5Gc0Ya7Ue2PXq8vNx
""",
    use_instead="""
const token = process.env.SERVICE_TOKEN;
""",
    references=("https://www.rfc-editor.org/rfc/rfc8725",),
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
)

DETECTOR = Detector(
    rule=RULE,
    kind="JSON Web Token",
    keywords=("eyj",),
    patterns=(re.compile(r"\b(?P<secret>eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,})(?![A-Za-z0-9_-])"),),
    validate=_decodes_to_jwt_header,
)
