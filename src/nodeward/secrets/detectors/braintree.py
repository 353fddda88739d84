"""PayPal/Braintree access token or client secret (NW828)."""

from __future__ import annotations

import re

from nodeward.secrets.detectors.base import ROTATE, Detector, secret_rule

RULE = secret_rule(
    "NW828",
    "paypal-braintree-credential",
    "A Braintree production access token or PayPal client secret",
    what="Finds PayPal/Braintree access token or client secret values in any text file of the project (code, config, `.env`, docs).",
    why=ROTATE,
    example="""
BRAINTREE_TOKEN=access_token$production$x7rm2tq9lz4wn8vp$3f9a1c7e5b2d8f4a6c0e9b7d3f1a5c8e
""",
    use_instead="""
const braintreetoken = process.env.BRAINTREE_TOKEN;
""",
    references=('https://developer.paypal.com/braintree/docs/guides/authorization/overview',),
)

DETECTOR = Detector(
    rule=RULE,
    kind="PayPal/Braintree access token or client secret",
    keywords=('access_token$production$', 'paypal'),
    patterns=(
        re.compile(r"""(?P<secret>access_token\$production\$[0-9a-z]{16}\$[0-9a-f]{32})"""),
        re.compile(r"""(?i)paypal[\w-]*?secret[\"']?\s*[:=]\s*[\"']?(?P<secret>[A-Za-z0-9_-]{80})(?![A-Za-z0-9_-])"""),
    ),

)
