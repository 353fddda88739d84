"""False-alarm filters: plain `(Candidate) -> bool` functions in explicit lists.

`DROP_FILTERS` remove a candidate (it is not a secret: an integrity hash, a
UUID, a placeholder, an environment reference).  `DEMOTE_FILTERS` keep it but
at LOW confidence (an obvious example in docs or test fixtures), so it is
reported when asked for rather than dropped silently.  Each filter is named in
the debug log when it fires.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from nodeward.secrets.candidate import Candidate
from nodeward.secrets.entropy import shannon_entropy
from nodeward.secrets.local_infra import (
    image_bootstraps,
    in_local_infra_location,
    is_test_script,
    is_well_known_default,
)

__all__ = ["DEMOTE_FILTERS", "DROP_FILTERS", "LOOPBACK_HOSTS", "Filter", "demoted_by", "dropped_by", "is_env_template"]

logger = logging.getLogger(__name__)

Filter = Callable[[Candidate], bool]

LOCKFILES = frozenset({"package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock"})
# Detectors whose format has no provider prefix: context and entropy decide.
CONTEXT_DETECTORS = frozenset({"NW807", "NW803", "NW817", "NW824", "NW833", "NW834", "NW835"})
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_KEY_WORD = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")
_HASH_KEY_WORDS = frozenset({
    "sha", "sha1", "sha256", "sha384", "sha512", "shasum", "checksum", "digest", "integrity", "hash",
    "hashed", "md5", "etag", "fingerprint", "nonce", "commit",
})
_FORMAT_SLOT = re.compile(r"^(?:\{[\w.-]*\}|%\([\w.-]+\)s|:[a-z_]+)$")
"""`{password}`, `%(password)s`, `:password`: a template's slot."""
_DOCS_DEFAULT = re.compile(r"^(?:my|your|the|some|a)(?:super)?(?:secret|db|database)?(?:password|passwd|pass|pwd|secret|token|key)$")
"""`mypassword`, `mysecretpassword` (the Docker postgres image docs), `yoursecret`."""
_NAMED_SLOT = re.compile(r"^(?:[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[a-z]+(?:_[a-z]+)+)$")
_UUID_TOKEN_KEYS = frozenset({"npmauthtoken", "_authtoken"})
_HASH_WORDS = re.compile(r"(?i)\b(?:sha\d*|shasum|checksum|digest|integrity|hash|md5|etag|fingerprint|nonce|commit)\b|sha\d+-")
_PLACEHOLDER_PARTS = (
    "changeme", "change_me", "change-me", "changethis", "your-", "your_", "yourapi", "yoursecret",
    "yourpassword", "yourtoken", "xxxx", "****", "....", "…", "<", ">", "${", "{{", "}}", "%(", "replace_me",
    "replaceme", "todo", "fixme", "insert", "redacted", "placeholder", "secret_here", "_here", "-here",
    "notasecret", "not-a-secret", "0000000000", "1234567890", "abcdefgh",
)
_PLACEHOLDER_VALUES = frozenset({
    "password", "passwd", "secret", "token", "apikey", "api_key", "pass", "pwd", "null", "none", "nil",
    "undefined", "true", "false", "string", "required", "optional", "test", "testing", "admin", "root",
    "user", "username", "example", "default", "empty", "value", "key", "mysecret", "secretkey",
    "string.empty", "number", "boolean", "object", "function", "env", "config", "settings", "hidden",
    "psw", "pw", "foobar", "foo", "bar", "baz",
})
_REFERENCE = re.compile(
    r"^(?:process\.env\b|import\.meta\.env\b|env\(|os\.environ|\$[A-Za-z_{(]|%[A-Za-z_]+%|\{\{|<%|#\{|"
    r"config\.|settings\.|secrets\.|vault:|ssm:|arn:aws:secretsmanager|!Ref|!Sub|\$\{|"
    # YAML tags (`!vault |`, `!secret db_password`, `!ENV ${X}`), sops-encrypted values, `@@TOKEN@@`
    r"!!|![A-Za-z]+(?:\s|$)|ENC\[[A-Z0-9_]+,|@@|"
    # YAML aliases (`*default_password`), Ruby/ERB env lookups, secret-manager URIs (1Password `op://`)
    r"\*[A-Za-z_]|ENV[.\[]|op://|sm://|gcpsm://|awssm://|azkv://|secretsmanager://)"
)
_EXAMPLE_MARKERS = ("example", "sample", "dummy", "exampl3")
_DOC_TEST_DIRS = frozenset({
    "test", "tests", "__tests__", "__mocks__", "mocks", "fixture", "fixtures", "__fixtures__", "spec",
    "specs", "e2e", "doc", "docs", "example", "examples", "sample", "samples", "demo", "testdata",
})
_DOC_SUFFIXES = (".md", ".markdown", ".rst", ".adoc", ".d.ts")
"""Documentation by its format.  Not `.txt` (`aws-credentials.txt`) or `.html` (a page in
`public/` is served to every visitor): those are docs only under a docs/examples folder."""
_DOC_NAMES = ("readme", "changelog", "changes", "history", "contributing", "license")
_TEST_NAME = re.compile(r"(?i)(?:\.|_|-)(?:test|spec|e2e|mock|fixture)s?\.[a-z]+$")
_STOP_WORDS = frozenset({
    "is", "are", "the", "your", "you", "a", "an", "to", "be", "must", "not", "please", "enter", "invalid",
    "required", "missing", "incorrect", "wrong", "too", "of", "for", "and", "or", "new", "confirm", "at",
    "least", "should", "match", "does", "do", "has", "have", "was", "were", "can", "cannot", "will",
})
_CSS_SELECTOR = re.compile(r"^(?:[#.][A-Za-z][\w-]*|[a-z]*\[(?:name|type|id|data-[\w-]+)[~|^$*]?=[^\]]*\])$")
_HEADER_NAME = re.compile(r"(?i)^x-[a-z0-9]+(?:-[a-z0-9]+)*$")
_MIME_TYPE = re.compile(r"^(?:application|text|image|audio|video|multipart|font)/[\w.+-]+$")
_GOOGLE_API_KEY = re.compile(r"^AIza[0-9A-Za-z_-]{35}$")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://")
_IDENTIFIER = re.compile(r"(?i)^[a-z]+(?:[_.][a-z]+)+$")
"""`access_token`, `password_reset`, `auth.password.label`: a field, enum or i18n key."""
_PASSWORD_HASH = re.compile(r"^\$(?:2[abxy]?|argon2(?:id|i|d)|scrypt|pbkdf2[\w-]*|[156])\$[./$\w=+,-]{20,}$")
_LOCALE_DIRS = frozenset({"locales", "locale", "i18n", "l10n", "lang", "langs", "translations", "messages"})
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "0.0.0.0", "[::1]", "::1", "host.docker.internal"})
LOOPBACK_HOSTS = _LOOPBACK
"""Host names of this machine (a database there holds a development default more often than not)."""
_FILE_VALUE = re.compile(r"(?i)^[\w./\\~-]+\.(?:pem|key|crt|cer|p12|pfx|json|txt|env|jks|keystore)$")


def in_lockfile_metadata(c: Candidate) -> bool:
    """Lockfile `integrity`/`resolved`/checksum entries are hashes and URLs, not secrets."""
    name = c.path.rsplit("/", 1)[-1]
    if name not in LOCKFILES:
        return False
    ctx = c.context.lower()
    return any(w in ctx for w in ("integrity", "resolved", "checksum", "tarball", "sha512-", "sha1-", "shasum"))


def is_uuid(c: Candidate) -> bool:
    """A bare UUID is an identifier; only Heroku keys and legacy npm tokens (in `.npmrc`, or as
    `npmAuthToken` in `.yarnrc.yml`) are UUID-shaped secrets."""
    if c.detector in ("NW824", "NW803") or c.key.lower() in _UUID_TOKEN_KEYS:
        return False
    return bool(_UUID.match(c.secret))


def next_to_hash_word(c: Candidate) -> bool:
    """Prefix-less formats next to `sha`/`checksum`/`integrity`/`hash` are digests."""
    if c.detector not in CONTEXT_DETECTORS and c.detector not in ("NW810",):
        return False
    if c.detector == "NW810" and c.secret.startswith(("AKIA", "ASIA", "ABIA", "ACCA")):
        return False
    words = {w.lower() for w in _KEY_WORD.split(c.key or "") if w}
    if words & _HASH_KEY_WORDS:
        return True  # password_hash, tokenDigest, secret_sha256: a digest stored under that name
    # Only the text just before the value: a comment after it (`# used to hash ids`) or another
    # setting later on the line says nothing about this value.
    at = c.context.find(c.secret)
    before = c.context[max(0, at - 48) : at] if at >= 0 else c.context
    return bool(_HASH_WORDS.search(before))


def is_placeholder(c: Candidate) -> bool:
    """`changeme`, `your-api-key`, `<token>`, `${VAR}`, `xxxx` and friends."""
    s = c.secret.strip().strip("\"'`")
    low = s.lower()
    if low in _PLACEHOLDER_VALUES or low == (c.key or "").lower():
        return True
    if any(p in low for p in _PLACEHOLDER_PARTS) or _FORMAT_SLOT.match(s) or _DOCS_DEFAULT.match(low):
        return True
    if _NAMED_SLOT.match(s) and any(w in low for w in ("pass", "pwd", "secret", "token", "key")):
        return True  # `DB_PASSWORD`, `db_password` in a URI: the name of the value, not the value
    return len(set(low.replace("-", "").replace("_", ""))) <= 2


def is_reference(c: Candidate) -> bool:
    """`process.env.X`, `${VAR}`, `$VAR`, `%VAR%`, template tags and secret-manager references."""
    s = c.secret.strip().strip("\"'`")
    return bool(_REFERENCE.match(s))


def is_weak_generic(c: Candidate) -> bool:
    """For name-based detections, values that cannot be a credential: too short, a file path,
    a number, a bare identifier-like word with no digit or symbol, or very low entropy."""
    if c.detector not in ("NW807", "NW803"):
        return False
    s = c.secret.strip()
    if len(s) < 6 or _FILE_VALUE.match(s) or s.isdigit() and len(s) < 8:
        return True
    if re.fullmatch(r"[A-Za-z][a-z]+(?:[A-Z][a-z]+)*", s) and len(s) < 16:
        return True  # camelCase or lower-case word: a variable or enum name, not a password
    if re.fullmatch(r"[A-Z_]+", s):
        return True  # CONSTANT_NAME reference
    if (s.startswith(("/", "./", "../", "~/")) or _URL.match(s)) and "@" not in s:
        return True  # a path or a URL without credentials is where a secret lives, not the secret
    if _CSS_SELECTOR.match(s) or _HEADER_NAME.match(s) or _MIME_TYPE.match(s) or _IDENTIFIER.match(s):
        return True  # `#password-input`, `x-api-key`, `application/json`, `access_token`
    if is_prose(s):
        return True
    return shannon_entropy(s) < 2.5


def is_prose(s: str) -> bool:
    """A UI or validation message (`Password is required`, `Enter your password.`), not a
    password: three or more plain words, one of them an English function word.  A passphrase
    of plain words (`correct horse battery staple`) has none and is kept."""
    words = s.rstrip(".!?:").lower().replace(",", " ").split()
    plain = sum(1 for w in words if w.replace("'", "").isalpha())
    # Every word plain, or a long sentence naming a few identifiers (`S3Store requires both
    # accessKeyId and secretAccessKey when either is provided`).
    if len(words) < 3 or (plain < len(words) and (len(words) < 6 or plain < 0.6 * len(words))):
        return False
    return any(w in _STOP_WORDS for w in words)


_SECRET_WORDS = frozenset({
    "password", "passwords", "passwd", "passphrase", "token", "tokens", "key", "keys", "secret", "secrets",
    "credential", "credentials", "pin", "apikey", "otp",
})
_VERSION_SPEC = re.compile(r"^[~^=v]?\d+\.\d+(?:\.\d+)?(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
_YOUR_SLOT = re.compile(r"(?:^|[^A-Za-z])(?:[Yy]our|YOUR)(?:[A-Z]|[-_ ][A-Za-z])")


def is_label_naming_the_secret(c: Candidate) -> bool:
    """A message or label that mentions the secret it is about (`invalidToken: 'Invalid token'`,
    `unknownApiKey: 'Unknown Admin API Key'`, `resetPassword: 'Reset Password'`): words with
    spaces and no digit, one of them the secret's own noun.  A value set as a password does
    not name itself; a passphrase of plain words (`correct horse battery staple`) does not
    either and is kept."""
    if c.detector not in ("NW807", "NW803"):
        return False
    s = c.secret.strip()
    if not any(ch.isspace() for ch in s) or any(ch.isdigit() for ch in s):
        return False
    words = re.findall(r"[A-Za-z']+", s)
    return len(words) >= 2 and any(w.lower() in _SECRET_WORDS for w in words)


def is_version_spec(c: Candidate) -> bool:
    """`"verdaccio-htpasswd": "13.0.0-next-8.1"`: a package version under a key that only names
    a secret, not a credential."""
    return c.detector in ("NW807", "NW803") and bool(_VERSION_SPEC.match(c.secret.strip()))


def is_your_slot(c: Candidate) -> bool:
    """`Basic YourBase64EncodedCredentials==`, `your_api_key`: a slot for the reader's own value
    (name-based detections only: a provider key with its fixed prefix is a key whatever it spells)."""
    return c.detector in ("NW807", "NW803") and bool(_YOUR_SLOT.search(c.secret))


def is_example_value(c: Candidate) -> bool:
    """Values that announce themselves as examples (`AKIAIOSFODNN7EXAMPLE`)."""
    low = c.secret.lower()
    return any(m in low for m in _EXAMPLE_MARKERS)


_SOURCE_EXTS = (".js", ".cjs", ".mjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")


def in_code_comment_example(c: Candidate) -> bool:
    """A name-based or URI match on a `//`/`*` comment line of JS/TS source is a usage example
    (JSDoc `@example`), not configuration.  Fixed-prefix provider keys are not demoted: a
    commented-out live key is still a leaked key."""
    if c.detector not in CONTEXT_DETECTORS and c.detector != "NW808":
        return False
    if not c.path.lower().endswith(_SOURCE_EXTS):
        return False
    return c.context.lstrip().startswith(("*", "//", "/*"))


def is_password_hash(c: Candidate) -> bool:
    """A bcrypt/argon2/scrypt/crypt hash in seed data is a hash, not a usable credential."""
    return c.detector in ("NW807", "NW804") and bool(_PASSWORD_HASH.match(c.secret.strip()))


def in_locale_file(c: Candidate) -> bool:
    """Translation catalogues (`locales/fr.json`: `"password": "Mot de passe oublié"`) map
    secret-like keys to labels in every language."""
    if c.detector != "NW807":
        return False
    return any(p in _LOCALE_DIRS for p in c.path.lower().split("/")[:-1])


def on_loopback_host(c: Candidate) -> bool:
    """A URI to a database on this machine (`amqp://guest:guest@localhost`) holds a local
    development default, not a credential that opens anything elsewhere."""
    if c.detector != "NW808":
        return False
    at = c.context.find(":" + c.secret + "@")
    if at == -1:
        return False
    host = re.match(r"[\w.\[\]:-]*?(?=[:/?#\s\"'`,;]|$)", c.context[at + len(c.secret) + 2 :])
    return host is not None and host.group(0).lower() in _LOOPBACK


_TEMPLATE_SUFFIXES = (".example", ".sample", ".template", ".dist", ".defaults", ".tpl", ".schema")
_WORDY = re.compile(r"^[A-Za-z]+(?:[-_ .][A-Za-z]+)*[-_]?[0-9]{0,4}$")
"""`keyboard cat`, `super-secret-jwt-key`, `changeit123`: chosen words, not a generated secret."""


def is_env_template(path: str) -> bool:
    """`.env.example`, `.env.sample`, `.env.template`, `.env.dist` and similar committed templates."""
    name = path.rsplit("/", 1)[-1].lower()
    return name.endswith(_TEMPLATE_SUFFIXES) or ".example." in name or ".sample." in name


def is_template_word_value(c: Candidate) -> bool:
    """In a committed template (`.env.example`, `config.sample.json`) a value made of words
    (`JWT_SECRET=super-secret-jwt-key`) is a placeholder for the reader; a value that looks
    generated (`Hq7Lm2Rx9Tz`) or a provider key stays reported, and so flags the template."""
    return c.detector in ("NW807", "NW808") and is_env_template(c.path) and bool(_WORDY.match(c.secret.strip()))


def is_stripe_test_key(c: Candidate) -> bool:
    """A Stripe test-mode key (`sk_test_…`, `rk_test_…`) under a secret name reaches test data
    only; reported when asked for, like the provider detector that ignores it."""
    return c.secret.startswith(("sk_test_", "rk_test_"))


def is_google_api_key_for_nw811(c: Candidate) -> bool:
    """A Google API key under a secret-like name is NW811's call (it reports every key except a
    Firebase web config's public `apiKey`), not the generic name-based rule's."""
    return c.detector == "NW807" and bool(_GOOGLE_API_KEY.match(c.secret.strip()))


def is_publishable_key(c: Candidate) -> bool:
    """Keys that are public by design because they ship to browsers: Stripe publishable keys
    (`pk_live_…`) and PostHog project keys (`phc_…`; its personal API keys, `phx_…`, are secret)."""
    return c.secret.startswith(("pk_live_", "pk_test_", "phc_"))


def in_docs_or_tests(c: Candidate) -> bool:
    """Docs, examples and test fixtures hold sample keys far more often than real ones."""
    parts = c.path.lower().split("/")
    if any(p in _DOC_TEST_DIRS for p in parts[:-1]):
        return True
    name = parts[-1]
    return name.endswith(_DOC_SUFFIXES) or name.startswith(_DOC_NAMES) or bool(_TEST_NAME.search(name))


_PASSWORD_KEY = re.compile(r"(?i)pass|pwd|secret|credential")


def in_local_test_infra(c: Candidate) -> bool:
    """A password in a container file of test or development infrastructure (a
    `docker-compose.yml` or `Dockerfile` under `test/`, `integration/`, `e2e/`, `dev/`, or a
    `docker-compose.test.yml`): the shared password of a throwaway database.  Name-based
    detections only; a provider key keeps its confidence there."""
    if c.detector == "NW808":
        return in_local_infra_location(c.path)
    return c.detector == "NW807" and bool(_PASSWORD_KEY.search(c.key)) and in_local_infra_location(c.path)


def is_database_bootstrap_default(c: Candidate) -> bool:
    """`POSTGRES_PASSWORD: Passw0rd` on a service whose image is postgres: the image's
    documented first-account variable, set to a well-known default password, creates a local
    database's account.  A generated-looking value there stays reported."""
    return (
        c.detector == "NW807"
        and bool(c.image)
        and image_bootstraps(c.image, c.key)
        and is_well_known_default(c.secret)
    )


def in_test_npm_script(c: Candidate) -> bool:
    """A credential in an npm script that runs tests or a local development tool
    (`"cypress:run": "cypress run --env AUTH_PASSWORD=…"`) logs into the instance the tests
    start; in `start`/`deploy`/`release` scripts it stays reported."""
    return c.detector in ("NW807", "NW804") and bool(c.npm_script) and is_test_script(c.npm_script, c.npm_command)


DROP_FILTERS: tuple[Filter, ...] = (
    in_lockfile_metadata,
    is_uuid,
    next_to_hash_word,
    is_reference,
    is_placeholder,
    is_weak_generic,
    is_publishable_key,
    is_google_api_key_for_nw811,
    is_label_naming_the_secret,
    is_version_spec,
    is_your_slot,
)
"""A candidate any of these accepts is not a secret."""

DEMOTE_FILTERS: tuple[Filter, ...] = (
    is_example_value,
    in_docs_or_tests,
    in_code_comment_example,
    on_loopback_host,
    in_locale_file,
    is_password_hash,
    is_template_word_value,
    is_stripe_test_key,
    in_local_test_infra,
    is_database_bootstrap_default,
    in_test_npm_script,
)
"""A candidate any of these accepts is reported at LOW confidence."""


def dropped_by(c: Candidate) -> str | None:
    """Name of the first drop filter that rejects `c`, or None."""
    for f in DROP_FILTERS:
        if f(c):
            logger.debug("%s:%d: %s dropped by %s", c.path, c.line, c.detector, f.__name__)
            return f.__name__
    return None


def demoted_by(c: Candidate) -> str | None:
    """Name of the first demote filter that applies to `c`, or None."""
    for f in DEMOTE_FILTERS:
        if f(c):
            return f.__name__
    return None
