"""Shopify access token (NW826)."""

from __future__ import annotations

import re

from nodeward.secrets.detectors.base import ROTATE, Detector, secret_rule

RULE = secret_rule(
    "NW826",
    "shopify-token",
    "A Shopify admin, custom-app, private-app or shared secret",
    what="Finds Shopify access token values in any text file of the project (code, config, `.env`, docs).",
    why=ROTATE,
    example="""
SHOPIFY_ADMIN_TOKEN=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
""",
    use_instead="""
const shopifyadmintoken = process.env.SHOPIFY_ADMIN_TOKEN;
""",
    references=('https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens',),
)

DETECTOR = Detector(
    rule=RULE,
    kind="Shopify access token",
    keywords=('shpat_', 'shpca_', 'shppa_', 'shpss_'),
    patterns=(
        re.compile(r"""\b(?P<secret>shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})\b"""),
    ),

)
