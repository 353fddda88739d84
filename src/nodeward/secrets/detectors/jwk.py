"""JSON Web Keys that carry their private part (NW838)."""

from __future__ import annotations

import re

from nodeward.secrets.detectors.base import ROTATE, Detector, secret_rule

RULE = secret_rule(
    "NW838",
    "jwk-private-key",
    "A JSON Web Key with its private part (`d`, or `k` for symmetric keys)",
    what="Finds JWK objects (`\"kty\": ...`) whose private member `d` (RSA/EC/OKP) or `k` (oct) is present.",
    why=ROTATE + " Whoever holds the private JWK can sign tokens your API accepts.",
    example="""
{"keys": [{"kty": "EC", "crv": "P-256", "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0", "d": "jpsQnnGQmL-YBIffH1136cLyq_hEHvcNhdzt1mTq3nQ"}]}
""",
    lang="json title=jwks.json",
    use_instead="""
{"keys": [{"kty": "EC", "crv": "P-256", "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}
""",
    use_lang="json title=jwks.json",
    references=("https://www.rfc-editor.org/rfc/rfc7517#section-4",),
    cwe=(798, 321),
)

DETECTOR = Detector(
    rule=RULE,
    kind="JSON Web Key private part",
    keywords=('"kty"',),
    patterns=(
        re.compile(
            r"(?s)\"kty\"\s*:\s*\"(?:RSA|EC|OKP|oct)\"[^{}]{0,3000}?\"[dk]\"\s*:\s*\"(?P<secret>[A-Za-z0-9_-]{22,})\""
        ),
    ),
    window_lines=20,
)
