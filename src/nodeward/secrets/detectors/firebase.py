"""Firebase Cloud Messaging server key (NW823)."""

from __future__ import annotations

import re

from nodeward.secrets.detectors.base import ROTATE, Detector, secret_rule

RULE = secret_rule(
    "NW823",
    "firebase-server-key",
    "A Firebase Cloud Messaging legacy server key",
    what="Finds Firebase Cloud Messaging server key values in any text file of the project (code, config, `.env`, docs).",
    why=ROTATE,
    example="""
FCM_SERVER_KEY=AAAAq7Lm2Rx:APA91bXk7Rm2Tq9Lz4Wn8Vp3Hs6Jd1Fb5Gc0Ya7Ue2PXk7Rm2Tq9Lz4Wn8Vp3Hs6Jd1Fb5Gc0Ya7Ue2PXk7Rm2Tq9Lz4Wn8Vp3Hs6Jd1Fb5Gc0Ya7Ue2PXk7Rm2Tq9Lz4Wn8Vp3Hs6Jd1Fb5Gc0
""",
    use_instead="""
const fcmserverkey = process.env.FCM_SERVER_KEY;
""",
    references=('https://firebase.google.com/docs/cloud-messaging/auth-server',),
)

DETECTOR = Detector(
    rule=RULE,
    kind="Firebase Cloud Messaging server key",
    keywords=(':apa91b',),
    patterns=(
        re.compile(r"""(?P<secret>AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{134})"""),
    ),

)
