"""Private keys in PEM, OpenSSH and PGP armour (NW837), including the escaped
one-line form inside JSON (service-account files) and `.env` values."""

from __future__ import annotations

import re

from nodeward.secrets.detectors.base import ROTATE, Detector, secret_rule

RULE = secret_rule(
    "NW837",
    "private-key",
    "A private key (PEM, OpenSSH or PGP) in a file",
    what="Finds `-----BEGIN ... PRIVATE KEY-----` blocks with a real body, across lines or with escaped `\\n`.",
    why=ROTATE + " A private key also lets an attacker impersonate the server or decrypt captured traffic.",
    example="""
-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEAq7Lm2Rx9Tz4Wv8Np3Hs6Jd1Fb5Gc0Ya7Ue2PXk7Rm2Tq9Lz4Wn8Vp
3Hs6Jd1Fb5Gc0Ya7Ue2PXk7Rm2Tq9Lz4Wn8Vp3Hs6Jd1Fb5Gc0Ya7Ue2PXk7Rm2Tq9Lz4W
-----END RSA PRIVATE KEY-----
""",
    lang="text title=server.key",
    use_instead="""
const key = fs.readFileSync(process.env.TLS_KEY_PATH);
""",
    references=("https://cwe.mitre.org/data/definitions/321.html",),
    cwe=(798, 321),
)

DETECTOR = Detector(
    rule=RULE,
    kind="private key",
    keywords=("private key-----", "private key block-----"),
    patterns=(
        re.compile(
            r"-----BEGIN[ A-Z0-9_-]{0,40}PRIVATE KEY(?: BLOCK)?-----(?:\\[rn])*(?P<secret>(?:\\[rn]|[\s\"',+])*[A-Za-z0-9+/=\\\s\"',:-]{64,}?)(?:\\[rn]|\s)*-----END"
        ),
    ),
    window_lines=120,
)
# `(?:\\[rn])*` before the group: the escaped `\n` after the header is not part of the key,
# while a real line break is, so a multi-line block is reported on its BEGIN line.
