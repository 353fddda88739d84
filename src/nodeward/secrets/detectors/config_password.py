"""Passwords and secrets assigned to secret-like names in configuration files
(NW807, shared with the code check in `nodeward.secrets.code`).

Covers `.env`, JSON (`config/*.json`, `ormconfig.json`), YAML
(`docker-compose.yml` environment), TOML, INI and properties files, and
`.sequelizerc`.  JS/TS sources are handled through the syntax tree instead.
"""

from __future__ import annotations

import re

from nodeward.model import Confidence
from nodeward.secrets.detectors.base import ROTATE, Detector, secret_rule

SECRET_NAME = (
    r"(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|"
    r"secret[_-]?key|client[_-]?secret|credentials?|auth[_-]?key|signing[_-]?key|encryption[_-]?key|"
    r"auth[_-]?ident)"
)

RULE = secret_rule(
    "NW807",
    "hardcoded-password",
    "A password or secret assigned as a literal to a secret-like name",
    what=(
        "Finds literal values assigned to names such as `password`, `DB_PASSWORD`, `jwtSecret`, "
        "`api_key` in code and configuration (`.env`, `config/*.json`, `docker-compose.yml`, "
        "`knexfile.js`, `ormconfig`)."
    ),
    why=ROTATE,
    example="""
JWT_SECRET=orders-service-signing-2023
DB_PASSWORD=Summer2023!
""",
    use_instead="""
const config = { db: { password: process.env.DB_PASSWORD } };
""",
    references=(
        "https://cwe.mitre.org/data/definitions/259.html",
        "https://owasp.org/Top10/A07_2021-Identification_and_Authentication_Failures/",
    ),
    confidence=Confidence.MEDIUM,
    cwe=(798, 259),
    supersedes=(),
)

DETECTOR = Detector(
    rule=RULE,
    kind="password or secret",
    keywords=("password", "passwd", "pwd", "secret", "token", "api_key", "api-key", "apikey", "access_key",
              "accesskey", "private_key", "privatekey", "credential", "auth_key", "signing_key", "encryption_key",
              "authident"),
    patterns=(
        re.compile(
            # `\\?` admits JSON nested in a JSON string: `"{\\"password\\":\\"...\\"}"`.
            # a YAML anchor (`password: &db_pw value`) is not part of the value
            r"(?i)(?:^|[\s\"'{,;-])(?P<key>[A-Za-z0-9_.-]*" + SECRET_NAME + r")\\?[\"']?\s*[:=]\s*(?:&[\w-]+[ \t]+)?"
            r"(?:\\?\"(?P<secret>(?:[^\"\\\n]|\\[^\"\n]){4,200})\\?\"|'(?P<secret2>[^'\n]{4,200})'"
            # Unquoted: YAML plain scalars and dotenv values run to the end of the line, so
            # `password: correct horse battery` is one value (the snippet must not show the
            # tail); a following word with `=` or `:` is the next setting (`ENV A=x B=y`).
            # `#`/`;` inside a word are part of the value (`Hq7#Lm2`); after a space they start a comment.
            r"|(?P<secret3>(?=[^\s\"'#,;{}\[\]\\][^\s\"',{}\[\]\\]{3})[^\s\"'#,;{}\[\]\\][^\s\"',{}\[\]\\]{0,199}"
            r"(?:[ \t]+[^\s\"'#,;{}\[\]\\=:\udc80-\udcff]{1,100}(?!\S)){0,8}))"
        ),
    ),
    scope="config",
    fixed_prefix=False,
)
