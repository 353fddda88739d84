"""Rules of the secrets analyzer, registered explicitly in `nodeward.registry`.

One rule per provider detector (in `detectors/`), plus the hygiene rules that
are about files rather than values (`.env` tracked or not ignored, secrets in
`package.json` scripts), the git-history rule and the code rule for literal
secrets handed to secret-taking APIs.
"""

from __future__ import annotations

from nodeward.model import Confidence, Rule, Severity
from nodeward.secrets.detectors import DETECTORS
from nodeward.secrets.detectors.base import ROTATE, secret_rule

__all__ = [
    "ENV_NOT_IGNORED",
    "ENV_TRACKED",
    "HARDCODED_SECRET_ARGUMENT",
    "HISTORY_SECRET",
    "RULES",
    "SCRIPT_SECRET",
]

ENV_TRACKED = secret_rule(
    "NW801",
    "env-file-tracked",
    "A `.env` file is committed to git",
    what=(
        "Reports `.env` files (`.env`, `.env.production`, `app.env` ...) that git tracks. "
        "`.env.example`, `.env.sample`, `.env.template` and `.env.dist` are exempt while every "
        "value in them is empty or a placeholder."
    ),
    why=(
        "The guide: never commit `.env`. Everyone with read access to the repository, its forks "
        "and its CI logs gets every credential in it, and deleting the file later does not remove "
        "it from history."
    ),
    example="""
DATABASE_URL=postgres://app:Hq7Lm2Rx9Tz@db.internal:5432/app
""",
    lang="env title=.env",
    use_instead="""
DATABASE_URL=
""",
    use_lang="env title=.env.example",
    references=("https://github.com/motdotla/dotenv#should-i-commit-my-env-file",),
    cwe=(538, 798),
    supersedes=(),
)

ENV_NOT_IGNORED = secret_rule(
    "NW802",
    "env-file-not-ignored",
    "A `.env` file is not covered by `.gitignore`",
    what="Reports `.env` files that no `.gitignore` rule covers, so the next `git add .` commits them.",
    why="The guide asks to list `.env` in `.gitignore`; without it one careless commit publishes every secret.",
    example="""
SESSION_SECRET=
""",
    lang="env title=.env",
    use_instead="""
.env
""",
    use_lang="text title=.gitignore",
    references=("https://git-scm.com/docs/gitignore",),
    severity=Severity.MEDIUM,
    cwe=(538,),
    supersedes=(),
)

SCRIPT_SECRET = secret_rule(
    "NW804",
    "secret-in-package-scripts",
    "A literal secret in a `package.json` script",
    what=(
        "Reports `package.json` scripts that pass a literal credential: `API_TOKEN=... node app.js`, "
        "`--password=...`, `mysql -pSECRET`."
    ),
    why=(
        ROTATE + " `package.json` is published with the package and printed in CI logs, so a "
        "secret there is public."
    ),
    example="""
{"name": "billing", "scripts": {"deploy": "DEPLOY_TOKEN=Hq7Lm2Rx9Tz4Wv8N node deploy.js"}}
""",
    lang="json title=package.json",
    use_instead="""
{"name": "billing", "scripts": {"deploy": "node deploy.js"}}
""",
    use_lang="json title=package.json",
    references=("https://docs.npmjs.com/cli/using-npm/scripts",),
    supersedes=("NW807",),
)

HISTORY_SECRET = Rule(
    id="NW805",
    name="secret-in-git-history",
    summary="A secret was committed to git history",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    cwe=(798, 538),
    owasp=("A07:2021",),
    guide_section="How to Secure Keys and Environment Variables",
    family="secrets",
    default_enabled=True,
    docs=ENV_TRACKED.docs.replace(
        ENV_TRACKED.docs.split("## Example", 1)[0],
        "## What it does\nWith `--history`, scans every line added in every commit reachable from any "
        "ref, with the same detectors and filters as the working tree. Each finding names the commit, its "
        "author date and whether the secret is still present at HEAD. A secret that is still in the "
        "working tree is reported once, by the finding there (NW816, NW807, ...), whose message names "
        "the commit that first added it; NW805 is for values removed since, or only on other branches.\n\n"
        "## Why is this bad?\nThe guide: once a secret is in git history it should be considered "
        "compromised. Deleting the line does not help: every clone and fork keeps the commit, so the "
        "secret must be rotated.\n\n",
    ),
)

HARDCODED_SECRET_ARGUMENT = secret_rule(
    "NW806",
    "hardcoded-secret-argument",
    "A literal secret or password passed to an API that takes one",
    what=(
        "Finds string literals (or constants holding one) passed as the secret of `jwt.sign` / "
        "`jwt.verify`, `express-session({ secret })`, `cookie-session({ secret, keys })`, "
        "`cookie-parser(secret)`, `express-jwt({ secret })`, `crypto.createHmac(alg, key)`, the key "
        "of `crypto.createCipher`/`createCipheriv`/`createDecipheriv`, and passport strategies' "
        "`clientSecret`/`consumerSecret`; and passwords handed to client libraries, positionally "
        "(`new Sequelize(db, user, 'pw')`, `neo4j.auth.basic(user, 'pw')`, `client.bind(dn, 'pw')`) "
        "or as options (`new Pool({ password })`, `mysql.createConnection`, `knex({ connection })`, "
        "`new Redis(port, host, { password })`, `nodemailer.createTransport({ auth: { pass } })`, "
        "`connect({ password })` on `ssh2`, `ftp` and `basic-ftp` clients, `axios` `auth`, the `users` map "
        "of `express-basic-auth`). Import "
        "aliases (`const sign = require('jsonwebtoken').sign`, `import session from "
        "'express-session'`) and instances (`const conn = new Client()`) are resolved through the "
        "syntax tree. Placeholders (`'changeme'`, `'<password>'`) in a client's password are not "
        "reported; a client of `localhost` or an `|| 'fallback'` is reported at medium confidence."
    ),
    why=(
        "Whoever reads the source can forge session cookies and JWTs for any user (including "
        "admins), verify HMACs, or log in to the database, mail server or host; the secret cannot "
        "be rotated without a deploy."
    ),
    example="""
const jwt = require('jsonwebtoken');
const { Sequelize } = require('sequelize');
const token = jwt.sign({ sub: user.id }, 'orders-signing-key-2023');
const db = new Sequelize('orders', 'orders_app', 'Wq8-orders-2024', { host: 'db.prod.internal' });
""",
    lang="js title=auth.js",
    use_instead="""
const jwt = require('jsonwebtoken');
const { Sequelize } = require('sequelize');
const token = jwt.sign({ sub: user.id }, process.env.JWT_SECRET);
const db = new Sequelize(process.env.DATABASE_URL);
""",
    use_lang="js title=auth.js",
    references=(
        "https://cwe.mitre.org/data/definitions/798.html",
        "https://github.com/expressjs/session#secret",
        "https://sequelize.org/docs/v6/getting-started/#connecting-to-a-database",
    ),
    cwe=(798, 321),
    supersedes=("NW807",),
)

RULES: tuple[Rule, ...] = (
    ENV_TRACKED,
    ENV_NOT_IGNORED,
    SCRIPT_SECRET,
    HISTORY_SECRET,
    HARDCODED_SECRET_ARGUMENT,
    # dict.fromkeys: one rule may have several detectors (NW807: config names, auth headers)
    *dict.fromkeys(d.rule for d in DETECTORS),
)
