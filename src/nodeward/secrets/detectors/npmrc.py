"""Registry credentials in `.npmrc` (NW803): `_authToken`, `_auth`, `_password`.

gitleaks only knows the `npm_` token format; legacy tokens and basic-auth
pairs in `.npmrc` are found here whatever their format.
"""

from __future__ import annotations

import re

from nodeward.secrets.detectors.base import ROTATE, Detector, secret_rule

RULE = secret_rule(
    "NW803",
    "npmrc-auth-token",
    "A registry token or password in `.npmrc`",
    what="Finds `_authToken=`, `_auth=` and `_password=` entries with literal values in `.npmrc` files.",
    why=ROTATE + " An npm publish token lets an attacker release a malicious version of your package.",
    example="""
//registry.npmjs.org/:_authToken=3f9a1c7e-5b2d-4f4a-9c0e-9b7d3f1a5c8e
""",
    lang="ini title=.npmrc",
    use_instead="""
//registry.npmjs.org/:_authToken=${NPM_TOKEN}
""",
    use_lang="ini title=.npmrc",
    references=("https://docs.npmjs.com/using-private-packages-in-a-ci-cd-workflow",),
    cwe=(798, 522),
    # NW821 is the `npm_` format "outside `.npmrc`": in `.npmrc` this rule reports the same
    # token once, with the registry context (two findings for one token read as two leaks).
    supersedes=("NW807", "NW821"),
)

DETECTOR = Detector(
    rule=RULE,
    kind="npm registry credential",
    keywords=("_authtoken", "_auth", "_password"),
    patterns=(re.compile(r"(?P<key>_authToken|_auth|_password)\s*=\s*[\"']?(?P<secret>[^\s\"']{8,})"),),
    scope="npmrc",
    fixed_prefix=False,
)
