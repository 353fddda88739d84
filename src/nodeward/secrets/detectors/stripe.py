"""Stripe live secret and restricted keys, and webhook signing secrets (NW816)."""

from __future__ import annotations

import re

from nodeward.secrets.detectors.base import ROTATE, Detector, secret_rule

RULE = secret_rule(
    "NW816",
    "stripe-live-key",
    "A Stripe live-mode secret or restricted key",
    what=(
        "Finds Stripe live secret and restricted keys (`sk_live_`, `rk_live_`) and webhook signing "
        "secrets (`whsec_`) in any text file of the project (code, config, `.env`, docs)."
    ),
    why=ROTATE,
    example="""
STRIPE_SECRET_KEY=sk_live_51Hq7LmR2x9Tz4Wv8Np3Hs6Jd
""",
    use_instead="""
const stripesecretkey = process.env.STRIPE_SECRET_KEY;
""",
    references=('https://docs.stripe.com/keys-best-practices',),
)

DETECTOR = Detector(
    rule=RULE,
    kind="Stripe live secret key",
    keywords=('sk_live_', 'rk_live_'),
    patterns=(
        re.compile(r"""\b(?P<secret>[sr]k_live_[0-9a-zA-Z]{24,99})\b"""),
    ),

)

WEBHOOK_DETECTOR = Detector(
    rule=RULE,
    kind="Stripe webhook signing secret",
    keywords=("whsec_",),
    patterns=(re.compile(r"""\b(?P<secret>whsec_[A-Za-z0-9]{32,64})\b"""),),
)
"""`whsec_…` lets anyone forge Stripe events (`checkout.session.completed`) that the app's
`stripe.webhooks.constructEvent` will accept; it has no live/test marker, so it is always reported."""
