"""Cryptography and randomness (NW301-NW309): weak password hashing, predictable
secrets, deprecated or weak ciphers, static IVs, `pseudoRandomBytes`, weak PBKDF2
parameters and short RSA keys.

Name heuristics (is this value a password? a token?) split identifiers into
words (`resetToken` -> reset, token) rather than substring-matching, so
`passport` or `bypass` do not look like passwords.
"""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from nodeward.model import Confidence, Finding, Rule, Severity
from nodeward.ruledocs import make_docs
from nodeward.sast.context import FileContext, words
from nodeward.sast.rules.base import CallPattern, NodePattern, is_test_double

__all__ = ["CALLS", "NODES", "RULES", "is_password_name", "is_secret_name"]

_AUTH = "Authentication and Session Management"

WEAK_HASH = Rule(
    id="NW301",
    name="weak-hash-for-password",
    summary="MD5/SHA-1 (or any fast hash) used to hash a password",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    cwe=(916, 328),
    owasp=("A02:2021",),
    guide_section=_AUTH,
    docs=make_docs(
        what=(
            "Flags `crypto.createHash('md5' | 'sha1' | 'md4')` and the `md5`, `sha1`, `crypto-js` "
            "MD5/SHA1 helpers when the hashed value, the variable receiving it or the enclosing "
            "function is named like a password (`password`, `passwd`, `pwd`, `pass`, `passphrase`)."
        ),
        why=(
            "MD5 and SHA-1 are fast: a GPU tries billions of guesses per second, and unsalted "
            "digests fall to precomputed tables. A leaked user table then means leaked passwords."
        ),
        example="""
const crypto = require('crypto');
function hashPassword(password) {
  return crypto.createHash('md5').update(password).digest('hex');
}
""",
        use_instead="""
const bcrypt = require('bcrypt');
function hashPassword(password) {
  return bcrypt.hash(password, 12);
}
""",
        references=[
            "https://cwe.mitre.org/data/definitions/916.html",
            "https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html",
        ],
    ),
)

MATH_RANDOM = Rule(
    id="NW302",
    name="math-random-for-secret",
    summary="`Math.random()` generates a token, secret, password, id or nonce",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    cwe=(338,),
    owasp=("A02:2021",),
    guide_section=_AUTH,
    docs=make_docs(
        what=(
            "Flags `Math.random()` whose value ends up in a variable, property or function named like "
            "a secret: token, secret, password, nonce, otp, reset, salt, session, csrf, id, uuid. Names that "
            "measure (`retryDelay`), picks among existing items (`Math.random() * users.length`) and "
            "correlation ids (`requestId`, `correlationId`, `traceId`, `instanceId`) are not flagged, nor "
            "is anything in tests, fixtures and test doubles (`*.test.js`, `__mocks__/`, `fake-*.js`)."
        ),
        why=(
            "`Math.random` is not cryptographically secure: V8's xorshift128+ state can be recovered "
            "from a few outputs, so the next reset token or session id can be predicted."
        ),
        example="""
function newResetToken() {
  return Math.random().toString(36).slice(2);
}
""",
        use_instead="""
const crypto = require('crypto');
function newResetToken() {
  return crypto.randomBytes(32).toString('hex');
}
""",
        references=[
            "https://cwe.mitre.org/data/definitions/338.html",
            "https://nodejs.org/api/crypto.html#cryptorandombytessize-callback",
        ],
    ),
)

CREATE_CIPHER = Rule(
    id="NW303",
    name="deprecated-create-cipher",
    summary="`crypto.createCipher`/`createDecipher` derive the key with MD5 and use no IV",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    cwe=(327, 329),
    owasp=("A02:2021",),
    guide_section=_AUTH,
    docs=make_docs(
        what="Flags calls to `crypto.createCipher` and `crypto.createDecipher`.",
        why=(
            "They derive the key from a password with one round of MD5 and no salt, and use no random "
            "IV, so equal plaintexts give equal ciphertexts. They were deprecated in Node.js 10 and "
            "removed in Node.js 22, where the code crashes."
        ),
        example="""
const crypto = require('crypto');
const cipher = crypto.createCipher('aes-256-cbc', process.env.PASSPHRASE);
""",
        use_instead="""
const crypto = require('crypto');
const key = crypto.scryptSync(process.env.PASSPHRASE, process.env.SALT, 32);
const iv = crypto.randomBytes(12);
const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
""",
        references=[
            "https://nodejs.org/api/deprecations.html#DEP0106",
            "https://cwe.mitre.org/data/definitions/327.html",
        ],
    ),
)

BCRYPT_COST = Rule(
    id="NW304",
    name="weak-bcrypt-cost",
    summary="bcrypt with a cost factor below 10",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    cwe=(916,),
    owasp=("A02:2021",),
    guide_section=_AUTH,
    docs=make_docs(
        what="Flags `bcrypt`/`bcryptjs` `hash`, `hashSync`, `genSalt` and `genSaltSync` with a constant cost below 10.",
        why=(
            "The cost is the log2 of the work per guess. Below 10 a stolen hash table can be brute "
            "forced quickly; OWASP recommends at least 10 (12 or more on current hardware)."
        ),
        example="""
const bcrypt = require('bcryptjs');
const hash = bcrypt.hashSync(password, 4);
""",
        use_instead="""
const bcrypt = require('bcryptjs');
const hash = bcrypt.hashSync(password, 12);
""",
        references=["https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#bcrypt"],
    ),
)

WEAK_CIPHER = Rule(
    id="NW305",
    name="weak-cipher-algorithm",
    summary="ECB mode or a broken cipher (DES, 3DES, RC4, RC2, Blowfish)",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    cwe=(327,),
    owasp=("A02:2021",),
    guide_section=_AUTH,
    docs=make_docs(
        what=(
            "Flags `crypto.createCipheriv`/`createDecipheriv`/`createCipher` with a constant algorithm in "
            "ECB mode or from the DES, 3DES, RC4, RC2 or Blowfish families."
        ),
        why=(
            "ECB encrypts equal blocks to equal ciphertext, leaking structure; DES-family, RC2, RC4 and "
            "Blowfish have short keys or blocks or known biases."
        ),
        example="""
const crypto = require('crypto');
const cipher = crypto.createCipheriv('aes-128-ecb', key, null);
""",
        use_instead="""
const crypto = require('crypto');
const cipher = crypto.createCipheriv('aes-256-gcm', key, crypto.randomBytes(12));
""",
        references=["https://cwe.mitre.org/data/definitions/327.html"],
    ),
)

STATIC_IV = Rule(
    id="NW306",
    name="static-cipher-iv",
    summary="A constant IV passed to `createCipheriv`",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    cwe=(329,),
    owasp=("A02:2021",),
    guide_section=_AUTH,
    docs=make_docs(
        what=(
            "Flags `crypto.createCipheriv` whose IV is a literal string, `Buffer.from(<literal>)` or "
            "`Buffer.alloc(n)` (all zeros)."
        ),
        why=(
            "Reusing an IV makes CBC deterministic and breaks GCM and CTR completely (the same keystream "
            "twice reveals the XOR of the plaintexts and, for GCM, allows forgeries)."
        ),
        example="""
const crypto = require('crypto');
const cipher = crypto.createCipheriv('aes-256-cbc', key, Buffer.alloc(16));
""",
        use_instead="""
const crypto = require('crypto');
const iv = crypto.randomBytes(16);
const cipher = crypto.createCipheriv('aes-256-cbc', key, iv);
""",
        references=["https://cwe.mitre.org/data/definitions/329.html"],
    ),
)

PSEUDO_RANDOM = Rule(
    id="NW307",
    name="pseudo-random-bytes",
    summary="`crypto.pseudoRandomBytes`: deprecated and not for secrets",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    cwe=(338,),
    owasp=("A02:2021",),
    guide_section=_AUTH,
    docs=make_docs(
        what="Flags calls to `crypto.pseudoRandomBytes` (DEP0115).",
        why=(
            "The name says it: the bytes were never promised to be cryptographically strong, and the alias "
            "is deprecated. Code that reaches for it usually wanted a token or a key."
        ),
        example="""
const crypto = require('crypto');
const sessionId = crypto.pseudoRandomBytes(16).toString('hex');
""",
        use_instead="""
const crypto = require('crypto');
const sessionId = crypto.randomBytes(16).toString('hex');
""",
        references=["https://nodejs.org/api/deprecations.html#DEP0115"],
    ),
)

WEAK_KDF = Rule(
    id="NW308",
    name="weak-pbkdf2-parameters",
    summary="PBKDF2 with too few iterations or a broken digest",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    cwe=(916,),
    owasp=("A02:2021",),
    guide_section=_AUTH,
    docs=make_docs(
        what=(
            "Flags `crypto.pbkdf2`/`pbkdf2Sync` with a constant iteration count below 100,000 or with the "
            "`md5`/`sha1` digest."
        ),
        why=(
            "PBKDF2's only defence is its iteration count: at 1,000 or 10,000 iterations a GPU tests "
            "millions of passwords per second. OWASP recommends 600,000 iterations with SHA-256."
        ),
        example="""
const crypto = require('crypto');
const key = crypto.pbkdf2Sync(password, salt, 1000, 32, 'sha256');
""",
        use_instead="""
const crypto = require('crypto');
const key = crypto.pbkdf2Sync(password, salt, 600000, 32, 'sha256');
""",
        references=["https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#pbkdf2"],
    ),
)

WEAK_RSA = Rule(
    id="NW309",
    name="weak-rsa-key-size",
    summary="An RSA/DSA key pair generated with fewer than 2048 bits",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    cwe=(326,),
    owasp=("A02:2021",),
    guide_section=_AUTH,
    docs=make_docs(
        what="Flags `crypto.generateKeyPair`/`generateKeyPairSync` for `rsa`, `rsa-pss` or `dsa` with a constant `modulusLength` below 2048.",
        why="1024-bit RSA is within reach of well-funded attackers and is refused by current TLS and JWT libraries.",
        example="""
const crypto = require('crypto');
const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 });
""",
        use_instead="""
const crypto = require('crypto');
const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 3072 });
""",
        references=["https://cwe.mitre.org/data/definitions/326.html", "https://www.keylength.com/en/4/"],
    ),
)

RULES: tuple[Rule, ...] = (
    WEAK_HASH,
    MATH_RANDOM,
    CREATE_CIPHER,
    BCRYPT_COST,
    WEAK_CIPHER,
    STATIC_IV,
    PSEUDO_RANDOM,
    WEAK_KDF,
    WEAK_RSA,
)

_PASSWORD_WORDS = frozenset({"password", "passwd", "pwd", "pass", "passphrase", "passwords", "pw"})
_SECRET_WORDS = frozenset(
    {
        "token",
        "tokens",
        "secret",
        "nonce",
        "otp",
        "totp",
        "reset",
        "salt",
        "session",
        "sid",
        "csrf",
        "xsrf",
        "uuid",
        "guid",
        "id",
        "pin",
        "apikey",
        "invite",
        "verification",
        "confirmation",
        "captcha",
    }
)
_KEY_QUALIFIERS = frozenset({"api", "access", "private", "secret", "signing", "encryption", "session"})
_WEAK_HASHES = frozenset({"md5", "sha1", "md4", "md2", "sha-1", "rsa-md5", "rsa-sha1"})
_HASH_LIBS = frozenset(
    {"md5", "sha1", "js-md5", "blueimp-md5", "crypto-js.MD5", "crypto-js.SHA1", "crypto-js/md5", "crypto-js/sha1", "js-sha1"}
)
_MAX_UP = 12


def is_password_name(name: str) -> bool:
    return any(w in _PASSWORD_WORDS for w in words(name))


def is_secret_name(name: str) -> bool:
    ws = words(name)
    if any(w in _SECRET_WORDS or w in _PASSWORD_WORDS for w in ws):
        return True
    return any(w == "key" and i > 0 and ws[i - 1] in _KEY_QUALIFIERS for i, w in enumerate(ws))


def _mentions_password(ctx: FileContext, node: ts.Node | None) -> bool:
    return node is not None and any(is_password_name(n) for n in ctx.identifiers(node))


def _receiver_name(ctx: FileContext, node: ts.Node) -> tuple[str, ts.Node | None]:
    """Climb from an expression to the name its value is stored under.

    Returns (name, function) where function is set when the value is returned
    from a function (the name is then the function's name).
    """
    cur = node
    for _ in range(_MAX_UP):
        parent = cur.parent
        if parent is None:
            break
        t = parent.type
        if t == "variable_declarator":
            name = parent.child_by_field_name("name")
            return (ctx.text(name) if name is not None else ""), None
        if t == "assignment_expression" or t == "augmented_assignment_expression":
            left = parent.child_by_field_name("left")
            if left is None:
                return "", None
            prop = left.child_by_field_name("property") if left.type == "member_expression" else None
            return ctx.text(prop if prop is not None else left), None
        if t == "pair":
            key = parent.child_by_field_name("key")
            return (ctx.text(key).strip("'\"") if key is not None else ""), None
        if t == "return_statement" or (t == "arrow_function" and parent.child_by_field_name("body") == cur):
            fn = parent if t == "arrow_function" else ctx.enclosing_function(parent)
            return (ctx.function_name(fn) if fn is not None else ""), fn
        if t in ("expression_statement", "statement_block", "program", "if_statement", "for_statement"):
            break
        cur = parent
    return "", None


def _enclosing_mentions_password(ctx: FileContext, node: ts.Node) -> bool:
    fn = ctx.enclosing_function(node)
    if fn is None:
        return False
    if is_password_name(ctx.function_name(fn)):
        return True
    return any(_mentions_password(ctx, p) for p in ctx.params(fn))


def _update_argument(ctx: FileContext, create_call: ts.Node) -> ts.Node | None:
    """`x` in `createHash('md5').update(x)`."""
    member = create_call.parent
    if member is None or member.type != "member_expression":
        return None
    prop = member.child_by_field_name("property")
    call = member.parent
    if prop is None or ctx.text(prop) != "update" or call is None or call.type != "call_expression":
        return None
    args = ctx.args(call)
    return args[0] if args else None


def _weak_hash(ctx: FileContext, call: ts.Node, qual: str | None) -> Iterator[Finding]:
    if qual is None or call.type != "call_expression":
        return
    args = ctx.args(call)
    fix = "Hash passwords with bcrypt, scrypt or Argon2 (`crypto.scrypt` with a random salt), never with a fast digest."
    if qual == "crypto.createHash":
        alg = ctx.literal(args[0]) if args else None
        if not isinstance(alg, str) or alg.lower() not in _WEAK_HASHES:
            return
        name, _fn = _receiver_name(ctx, call)
        if (
            _mentions_password(ctx, _update_argument(ctx, call))
            or is_password_name(name)
            or _enclosing_mentions_password(ctx, call)
        ):
            yield ctx.finding(WEAK_HASH, call, f"Password hashed with fast, broken `{alg.lower()}`", fix)
    elif qual in _HASH_LIBS:
        if (args and _mentions_password(ctx, args[0])) or _enclosing_mentions_password(ctx, call):
            lib = qual.rsplit(".", 1)[-1].rsplit("/", 1)[-1]
            yield ctx.finding(WEAK_HASH, call, f"Password hashed with fast, broken `{lib}`", fix)


_MEASURE_WORDS = frozenset(
    {"offset", "delay", "timeout", "interval", "ttl", "jitter", "backoff", "wait", "ms", "seconds", "length", "len", "count", "size", "index", "idx", "retry", "retries", "attempts", "percent", "ratio", "chance", "probability", "position", "x", "y"}
)
"""Last words of names that measure something (`tokenRefreshOffset`, `sessionTimeoutJitter`)."""
_RANGE_WORDS = frozenset({"length", "size", "count", "total", "len", "max", "num"})
_TRACING_WORDS = frozenset({"correlation", "request", "req", "trace", "span", "instance", "message", "msg", "event", "element", "callback", "log"})
"""`correlationId`, `requestId`, `instanceId`: ids that pair a reply with its request or tag log
lines.  Whoever sees them already sees the traffic they label; they grant nothing."""


def _picks_from_range(ctx: FileContext, call: ts.Node) -> bool:
    """`Math.random() * users.length` / `* this.userCount`: choosing among existing items (an
    index, a sample), not minting a value someone must not guess."""
    parent = call.parent
    while parent is not None and parent.type == "parenthesized_expression":
        parent = parent.parent
    if parent is None or parent.type != "binary_expression":
        return False
    op = parent.child_by_field_name("operator")
    if op is None or ctx.text(op) != "*":
        return False
    other = parent.child_by_field_name("right") if parent.child_by_field_name("left") == call else parent.child_by_field_name("left")
    if other is None or other.type not in ("member_expression", "identifier"):
        return False
    last = ctx.text(other).rsplit(".", 1)[-1]
    return any(w in _RANGE_WORDS for w in words(last))


def _math_random(ctx: FileContext, call: ts.Node, qual: str | None) -> Iterator[Finding]:
    if qual != "Math.random" or call.type != "call_expression" or is_test_double(ctx.path):
        return
    name, _fn = _receiver_name(ctx, call)
    ws = words(name) if name else []
    if ws and ws[-1] in _MEASURE_WORDS or _picks_from_range(ctx, call):
        return
    if len(ws) >= 2 and ws[-1] == "id" and ws[-2] in _TRACING_WORDS:
        return
    if name and is_secret_name(name):
        yield ctx.finding(
            MATH_RANDOM,
            call,
            f"Possible predictable secret: `Math.random()` generates `{name}`",
            "Use `crypto.randomBytes(32).toString('hex')`, `crypto.randomUUID()` or `crypto.randomInt()`.",
        )


def _ciphers(ctx: FileContext, call: ts.Node, qual: str | None) -> Iterator[Finding]:
    if qual is None or call.type != "call_expression":
        return
    args = ctx.args(call)
    if qual in ("crypto.createCipher", "crypto.createDecipher"):
        fn = qual.split(".")[1]
        yield ctx.finding(
            CREATE_CIPHER,
            call,
            f"`crypto.{fn}` is deprecated (removed in Node.js 22): MD5 key derivation and no IV",
            f"Use `crypto.{fn}iv` with a key from `crypto.scrypt` and a random IV (AES-256-GCM).",
        )
    if qual in ("crypto.createCipher", "crypto.createCipheriv", "crypto.createDecipher", "crypto.createDecipheriv"):
        alg = ctx.literal(args[0]) if args else None
        if isinstance(alg, str) and _weak_algorithm(alg):
            yield ctx.finding(
                WEAK_CIPHER,
                call,
                f"Weak cipher `{alg}`",
                "Use an authenticated mode of AES: `aes-256-gcm` with a random 12-byte IV.",
            )
    if qual == "crypto.createCipheriv" and len(args) >= 3 and _static_iv(ctx, args[2]):
        yield ctx.finding(
            STATIC_IV,
            call,
            "Constant IV passed to `createCipheriv`",
            "Generate a fresh IV per message with `crypto.randomBytes` and store it beside the ciphertext.",
        )


def _weak_algorithm(alg: str) -> bool:
    a = alg.lower()
    return (
        a.endswith("-ecb")
        or a.startswith(("des", "rc4", "rc2", "bf", "blowfish", "cast", "idea"))
        or a in ("des-ede3", "des-ede")
    )


def _static_iv(ctx: FileContext, node: ts.Node) -> bool:
    node = ctx.resolve(node) or node
    if node.type in ("string", "template_string"):
        return ctx.is_constant(node)
    if node.type == "call_expression":
        qual = ctx.callee_qualname(node)
        args = ctx.args(node)
        if qual == "Buffer.alloc":
            return len(args) == 1
        if qual == "Buffer.from":
            return bool(args) and ctx.is_constant(args[0])
    return False


def _pseudo_random(ctx: FileContext, call: ts.Node, qual: str | None) -> Iterator[Finding]:
    if qual == "crypto.pseudoRandomBytes" and call.type == "call_expression":
        yield ctx.finding(
            PSEUDO_RANDOM,
            call,
            "`crypto.pseudoRandomBytes` is deprecated and not guaranteed to be cryptographically strong",
            "Use `crypto.randomBytes`.",
        )


_MIN_PBKDF2_ITERATIONS = 100_000


def _pbkdf2(ctx: FileContext, call: ts.Node, qual: str | None) -> Iterator[Finding]:
    if qual not in ("crypto.pbkdf2", "crypto.pbkdf2Sync") or call.type != "call_expression":
        return
    args = ctx.args(call)
    iterations = ctx.literal(args[2]) if len(args) > 2 else None
    digest = ctx.literal(args[4]) if len(args) > 4 else None
    fn = qual.split(".")[1]
    if isinstance(iterations, int) and not isinstance(iterations, bool) and iterations < _MIN_PBKDF2_ITERATIONS:
        yield ctx.finding(
            WEAK_KDF,
            call,
            f"`{fn}` with only {iterations} iterations",
            "Use at least 600,000 iterations with SHA-256 (or switch to scrypt/Argon2).",
        )
    elif isinstance(digest, str) and digest.lower() in _WEAK_HASHES:
        yield ctx.finding(WEAK_KDF, call, f"`{fn}` with the broken `{digest}` digest", "Use `'sha256'` or `'sha512'`.")


def _key_pair(ctx: FileContext, call: ts.Node, qual: str | None) -> Iterator[Finding]:
    if qual not in ("crypto.generateKeyPair", "crypto.generateKeyPairSync") or call.type != "call_expression":
        return
    args = ctx.args(call)
    kind = ctx.literal(args[0]) if args else None
    opts = ctx.object_literal(args[1]) if len(args) > 1 else None
    if not isinstance(kind, str) or kind.lower() not in ("rsa", "rsa-pss", "dsa") or opts is None:
        return
    bits = ctx.literal(ctx.prop(opts, "modulusLength"))
    if isinstance(bits, int) and not isinstance(bits, bool) and bits < 2048:
        yield ctx.finding(
            WEAK_RSA,
            call,
            f"{kind.upper()} key pair with only {bits} bits",
            "Use `modulusLength: 3072` (or an elliptic curve such as `ed25519`).",
        )


def _bcrypt(ctx: FileContext, call: ts.Node, qual: str | None) -> Iterator[Finding]:
    if qual is None or not qual.startswith(("bcrypt.", "bcryptjs.", "bcrypt-nodejs.")):
        return
    fn = qual.rsplit(".", 1)[-1]
    args = ctx.args(call)
    index = 1 if fn in ("hash", "hashSync") else 0
    if len(args) <= index:
        return
    rounds = ctx.literal(args[index])
    if isinstance(rounds, int) and not isinstance(rounds, bool) and rounds < 10:
        yield ctx.finding(
            BCRYPT_COST,
            call,
            f"bcrypt cost factor {rounds} is below 10",
            "Use a cost factor of at least 12 (tune it so one hash takes ~250 ms on your servers).",
        )


CALLS: tuple[CallPattern, ...] = (
    CallPattern(
        ("createHash", "md5", "sha1", "MD5", "SHA1", "js-md5", "blueimp-md5", "js-sha1", "crypto-js/md5", "crypto-js/sha1"),
        _weak_hash,
    ),
    CallPattern(("random",), _math_random),
    CallPattern(("createCipher", "createDecipher", "createCipheriv", "createDecipheriv"), _ciphers),
    CallPattern(("hash", "hashSync", "genSalt", "genSaltSync"), _bcrypt),
    CallPattern(("pseudoRandomBytes",), _pseudo_random),
    CallPattern(("pbkdf2", "pbkdf2Sync"), _pbkdf2),
    CallPattern(("generateKeyPair", "generateKeyPairSync"), _key_pair),
)

NODES: tuple[NodePattern, ...] = ()
