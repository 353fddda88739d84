"""Rules of the probe analyzer (NW9xx), registered explicitly in `nodeward.registry`.

Each rule's Example and Use-instead blocks are HTTP response fixtures (fence
language `http`, format in `nodeward.probe.fixtures`) or, for the TLS rules,
handshake outcomes (fence `tls`, format in `nodeward.probe.tls`).  The test
suite serves every block through `httpx.MockTransport`, probes it, and checks
that Example produces the rule and Use instead does not.
"""

from __future__ import annotations

from collections.abc import Sequence

from nodeward.model import Confidence, Rule, Severity
from nodeward.ruledocs import make_docs

__all__ = ["RULES"]

_A05 = ("A05:2021",)
_A02 = ("A02:2021",)
_A07 = ("A07:2021",)
_A01 = ("A01:2021",)
_MDN = "https://developer.mozilla.org/en-US/observatory/docs/tests_and_scoring"

# A response with the headers helmet 8 sets (plus Permissions-Policy): the reference for "good".
GOOD = """HTTP/1.1 200 OK
Content-Type: text/html; charset=utf-8
Content-Security-Policy: default-src 'self'; base-uri 'self'; object-src 'none'; script-src 'self'; frame-ancestors 'self'; form-action 'self'
Strict-Transport-Security: max-age=31536000; includeSubDomains
X-Content-Type-Options: nosniff
X-Frame-Options: SAMEORIGIN
Referrer-Policy: no-referrer
Cross-Origin-Opener-Policy: same-origin
Cross-Origin-Resource-Policy: same-origin
X-XSS-Protection: 0
Permissions-Policy: camera=(), microphone=()"""

GOOD_BODY = "<!doctype html><title>Acme</title><h1>Welcome</h1>"


def _good(replace: dict[str, str | None] | None = None, extra: Sequence[str] = (), body: str = GOOD_BODY, status: str = "HTTP/1.1 200 OK") -> str:
    """GOOD with some headers replaced (None drops one) and extra header lines added."""
    lines = GOOD.split("\n")
    out = [status]
    for line in lines[1:]:
        name = line.split(":", 1)[0]
        if replace and name in replace:
            new = replace[name]
            if new is not None:
                out.append(f"{name}: {new}")
            continue
        out.append(line)
    out.extend(extra)
    return "\n".join(out) + "\n\n" + body


def _http(*blocks: str) -> str:
    return "```http\n" + "\n---\n".join(b.strip("\n") for b in blocks) + "\n```"


def _rule(
    id: str,
    name: str,
    summary: str,
    severity: Severity,
    cwe: tuple[int, ...],
    owasp: tuple[str, ...],
    section: str,
    what: str,
    why: str,
    example: str,
    use_instead: str,
    refs: Sequence[str],
    confidence: Confidence = Confidence.HIGH,
) -> Rule:
    return Rule(
        id=id,
        name=name,
        summary=summary,
        severity=severity,
        confidence=confidence,
        cwe=cwe,
        owasp=owasp,
        guide_section=section,
        family="probe",
        docs=make_docs(what=what, why=why, example=example, use_instead=use_instead, references=refs, lang="http"),
    )


# ---------------------------------------------------------------- grade
PROBE_GRADE = _rule(
    "NW900", "probe-grade", "The probe's overall score and letter grade, with the per-check table",
    Severity.INFO, (), (), "Security Headers",
    what=(
        "Always reported once per probe (severity info): the score and letter grade, computed with "
        "Mozilla Observatory's weights where the checks overlap, plus nodeward's own checks. The "
        "Example grades F; the Use-instead response (helmet 8 headers, secure cookies) grades A+."
    ),
    why="A single number tracks hardening over time and compares with what Observatory reports for public sites.",
    example=_http("HTTP/1.1 200 OK\nContent-Type: text/html\nX-Powered-By: Express\nSet-Cookie: sid=abc123; Path=/\n\n" + GOOD_BODY),
    use_instead=_http(
        "GET http://example.test/\nHTTP/1.1 301 Moved Permanently\nLocation: https://example.test/\n",
        _good(extra=["Set-Cookie: __Host-sid=abc123; Path=/; HttpOnly; Secure; SameSite=Lax"]),
    ),
    refs=[_MDN, "https://github.com/mdn/mdn-http-observatory/blob/main/src/grader/charts.js"],
)

# ---------------------------------------------------------------- headers
MISSING_CSP = _rule(
    "NW901", "missing-content-security-policy", "The page is served without a Content-Security-Policy",
    Severity.MEDIUM, (693, 1021), _A05, "Security Headers",
    what="Reports an HTML response without a `Content-Security-Policy` header.",
    why="Without CSP, one injected `<script>` runs with the page's full authority; CSP is the second line of defence against XSS.",
    example=_http(_good({"Content-Security-Policy": None})),
    use_instead=_http(_good()),
    refs=["https://helmetjs.github.io/#content-security-policy", "https://developer.mozilla.org/en-US/docs/Web/HTTP/CSP"],
)

WEAK_CSP = _rule(
    "NW902", "weak-content-security-policy", "The Content-Security-Policy does not stop injected scripts",
    Severity.MEDIUM, (693, 1021), _A05, "Security Headers",
    what=(
        "Reports a CSP whose script sources include `'unsafe-inline'` (without a nonce or hash), "
        "`'unsafe-eval'`, `*` or a bare scheme (`https:`, `data:`), or that leaves `script-src`, "
        "`object-src` or `base-uri` unrestricted."
    ),
    why="Such a policy is present but defeated: the common XSS payloads (inline scripts, eval, any host, `<base>` hijacking) still run.",
    example=_http(_good({"Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval' *"})),
    use_instead=_http(_good()),
    refs=["https://csp-evaluator.withgoogle.com/", "https://helmetjs.github.io/#content-security-policy"],
)

MISSING_FRAME_PROTECTION = _rule(
    "NW903", "missing-frame-protection", "The page can be framed by any site (clickjacking)",
    Severity.MEDIUM, (1021,), _A05, "Security Headers",
    what="Reports an HTML response with neither `X-Frame-Options: DENY|SAMEORIGIN` nor a CSP `frame-ancestors` directive.",
    why="An attacker's page can load yours in an invisible frame and trick users into clicking its buttons.",
    example=_http(_good({"X-Frame-Options": None, "Content-Security-Policy": "default-src 'self'; base-uri 'self'; object-src 'none'"})),
    use_instead=_http(_good()),
    refs=["https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/X-Frame-Options"],
)

MISSING_NOSNIFF = _rule(
    "NW904", "missing-nosniff", "Responses lack `X-Content-Type-Options: nosniff`",
    Severity.LOW, (693,), _A05, "Security Headers",
    what="Reports a response without `X-Content-Type-Options: nosniff`.",
    why="Browsers may sniff an uploaded or JSON response as script or HTML and run it.",
    example=_http(_good({"X-Content-Type-Options": None})),
    use_instead=_http(_good()),
    refs=["https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/X-Content-Type-Options"],
)

REFERRER_POLICY = _rule(
    "NW905", "unsafe-referrer-policy", "`Referrer-Policy` is missing or leaks full URLs to other sites",
    Severity.LOW, (200,), _A05, "Security Headers",
    what=(
        "Reports a `Referrer-Policy` of `unsafe-url`, `no-referrer-when-downgrade`, `origin` or "
        "`origin-when-cross-origin` (low), or none at all (info: browsers now default to "
        "`strict-origin-when-cross-origin`)."
    ),
    why="Full URLs with tokens, reset links or search terms are sent to every third-party resource and link target.",
    example=_http(_good({"Referrer-Policy": "unsafe-url"})),
    use_instead=_http(_good()),
    refs=["https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Referrer-Policy"],
)

MISSING_CROSS_ORIGIN_POLICIES = _rule(
    "NW906", "missing-cross-origin-policies", "No `Cross-Origin-Opener-Policy` / `Cross-Origin-Resource-Policy`",
    Severity.INFO, (1021,), _A05, "Security Headers",
    what="Reports a page without `Cross-Origin-Opener-Policy` or without `Cross-Origin-Resource-Policy` (helmet sets both to `same-origin`).",
    why="They isolate the page from cross-origin windows (XS-Leaks, Spectre-style reads) at no cost for most apps.",
    example=_http(_good({"Cross-Origin-Opener-Policy": None, "Cross-Origin-Resource-Policy": None})),
    use_instead=_http(_good()),
    refs=["https://helmetjs.github.io/#cross-origin-opener-policy", "https://developer.mozilla.org/en-US/docs/Web/HTTP/Cross-Origin_Resource_Policy"],
)

XSS_AUDITOR_ENABLED = _rule(
    "NW907", "legacy-xss-filter-enabled", "`X-XSS-Protection` turns on the legacy XSS auditor",
    Severity.LOW, (693,), _A05, "Security Headers",
    what="Reports `X-XSS-Protection` set to anything but `0`. Absent or `0` (what helmet 8 sends) is fine.",
    why="The old auditors were removed from browsers because they enabled cross-site leaks and could be abused to disable page scripts.",
    example=_http(_good({"X-XSS-Protection": "1; mode=block"})),
    use_instead=_http(_good()),
    refs=["https://helmetjs.github.io/#x-xss-protection", "https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/X-XSS-Protection"],
)

MISSING_PERMISSIONS_POLICY = _rule(
    "NW908", "missing-permissions-policy", "No `Permissions-Policy` limits powerful browser features",
    Severity.INFO, (693,), _A05, "Security Headers",
    what="Reports an HTML page without a `Permissions-Policy` header (informational).",
    why="A policy such as `camera=(), microphone=(), geolocation=()` keeps injected or third-party code from using them.",
    example=_http(_good({"Permissions-Policy": None})),
    use_instead=_http(_good()),
    refs=["https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Permissions-Policy"],
)

# ---------------------------------------------------------------- cookies
SESSION_COOKIE_WITHOUT_HTTPONLY = _rule(
    "NW910", "session-cookie-without-httponly", "A session cookie is readable by JavaScript (no `HttpOnly`)",
    Severity.MEDIUM, (1004,), _A05, "Authentication and Session Management",
    what="Reports a session-like cookie (`connect.sid`, `sid`, `session`, `token`, `jwt`, `auth` ...) set without `HttpOnly`, seen on `/`, the login path or error pages.",
    why="Any XSS can read `document.cookie` and send the session to the attacker.",
    example=_http(_good(extra=["Set-Cookie: connect.sid=s%3Aabc; Path=/; Secure; SameSite=Lax"])),
    use_instead=_http(_good(extra=["Set-Cookie: connect.sid=s%3Aabc; Path=/; HttpOnly; Secure; SameSite=Lax"])),
    refs=["https://expressjs.com/en/advanced/best-practice-security.html#use-cookies-securely"],
)

COOKIE_WITHOUT_SECURE = _rule(
    "NW911", "cookie-without-secure", "A cookie set over HTTPS lacks the `Secure` flag",
    Severity.MEDIUM, (614,), _A02, "Authentication and Session Management",
    what="Reports a cookie set on an HTTPS response (or on a plain-HTTP-only site) without `Secure`.",
    why="The browser will send it over any plain-HTTP request to the host, where a network attacker reads it.",
    example=_http(_good(extra=["Set-Cookie: sid=abc; Path=/; HttpOnly; SameSite=Lax"])),
    use_instead=_http(_good(extra=["Set-Cookie: sid=abc; Path=/; HttpOnly; Secure; SameSite=Lax"])),
    refs=["https://developer.mozilla.org/en-US/docs/Web/HTTP/Cookies#restrict_access_to_cookies"],
)

COOKIE_SAMESITE = _rule(
    "NW912", "cookie-without-samesite", "A cookie has no valid `SameSite`, or `SameSite=None` without `Secure`",
    Severity.LOW, (1275,), _A01, "CSRF",
    what="Reports a cookie with no `SameSite` attribute, an unknown value, or `SameSite=None` without `Secure` (which browsers reject).",
    why="Explicit `Lax` or `Strict` keeps the cookie off cross-site POSTs, the basis of CSRF.",
    example=_http(_good(extra=["Set-Cookie: sid=abc; Path=/; HttpOnly; Secure"])),
    use_instead=_http(_good(extra=["Set-Cookie: sid=abc; Path=/; HttpOnly; Secure; SameSite=Strict"])),
    refs=["https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Set-Cookie#samesitesamesite-value"],
)

# ---------------------------------------------------------------- https
HTTP_NOT_REDIRECTED = _rule(
    "NW915", "http-not-redirected-to-https", "Plain HTTP is served instead of a permanent redirect to HTTPS on the same host",
    Severity.MEDIUM, (319,), _A02, "TLS/SSL",
    what=(
        "Reports when the plain-HTTP URL's first response is not a redirect to `https://` on the same "
        "host, or is a temporary (302/307) rather than permanent (301/308) redirect."
    ),
    why="Users who type the bare host get the plain-HTTP page, which an attacker on the network can rewrite (SSL stripping).",
    example=_http("GET http://example.test/\n" + _good()),
    use_instead=_http("GET http://example.test/\nHTTP/1.1 301 Moved Permanently\nLocation: https://example.test/\n", _good()),
    refs=["https://developer.mozilla.org/en-US/docs/Web/Security/Practical_implementation_guides/TLS#http_redirections"],
)

MISSING_HSTS = _rule(
    "NW916", "missing-hsts", "The HTTPS response has no `Strict-Transport-Security` header",
    Severity.MEDIUM, (319, 523), _A02, "TLS/SSL",
    what="Reports an HTTPS response without HSTS (an HSTS header on plain HTTP is ignored by browsers and does not count).",
    why="Without HSTS the first request of every visit can be downgraded to HTTP by a network attacker.",
    example=_http(_good({"Strict-Transport-Security": None})),
    use_instead=_http(_good()),
    refs=["https://helmetjs.github.io/#strict-transport-security"],
)

WEAK_HSTS = _rule(
    "NW917", "short-hsts-max-age", "HSTS `max-age` is shorter than one year",
    Severity.LOW, (523,), _A02, "TLS/SSL",
    what="Reports an HSTS header whose `max-age` is below 31536000 seconds (one year, helmet's default and the preload minimum).",
    why="A short max-age lets the protection lapse between visits, reopening the downgrade window.",
    example=_http(_good({"Strict-Transport-Security": "max-age=86400"})),
    use_instead=_http(_good()),
    refs=["https://hstspreload.org/#deployment-recommendations"],
)

_PRELOAD_REDIRECT = "GET http://example.test/\nHTTP/1.1 301 Moved Permanently\nLocation: https://example.test/\n"

HSTS_PRELOAD_NOT_ELIGIBLE = _rule(
    "NW918", "hsts-preload-requirements-not-met", "HSTS asks for preloading (`preload`) but the site does not meet the preload list's requirements",
    Severity.LOW, (523,), _A02, "TLS/SSL",
    what=(
        "Reports an HTTPS response whose `Strict-Transport-Security` carries `preload` while the site "
        "fails hstspreload.org's submission requirements as seen from the probe: `max-age` of at least "
        "31536000, `includeSubDomains`, HSTS on the first HTTPS response (not only after an HTTPS "
        "redirect), plain HTTP's first response a redirect to HTTPS on the same host, and a valid "
        "certificate. With `--hsts-preload-list`, a host preloaded by its own entry whose header no "
        "longer meets these continued requirements is reported too."
    ),
    why=(
        "The `preload` token is a request to be hard-coded into browsers as HTTPS-only; a site that "
        "sends it without meeting the requirements is rejected (or, once listed, can be removed) and "
        "its first visits stay open to SSL stripping while the team believes they are protected."
    ),
    example=_http(_PRELOAD_REDIRECT, _good({"Strict-Transport-Security": "max-age=31536000; preload"})),
    use_instead=_http(_PRELOAD_REDIRECT, _good({"Strict-Transport-Security": "max-age=63072000; includeSubDomains; preload"})),
    refs=["https://hstspreload.org/#submission-requirements", "https://www.rfc-editor.org/rfc/rfc6797"],
)

HSTS_PRELOAD_STATUS = _rule(
    "NW919", "hsts-preload-status", "The site is on, or eligible for, the HSTS preload list",
    Severity.INFO, (), _A02, "TLS/SSL",
    what=(
        "Information, not a weakness: the HSTS header asks for preloading and meets the submission "
        "requirements nodeward can check from outside, or (with `--hsts-preload-list FILE`, "
        "Chromium's `transport_security_state_static.json`) the host is on the list, by its own "
        "entry or a parent domain's entry with `include_subdomains`. Only then does the grade give "
        "Observatory's `hsts-preloaded` bonus."
    ),
    why=(
        "Preloading closes the first-visit gap HSTS leaves open. nodeward cannot see from one origin "
        "whether every subdomain serves HTTPS (preloading covers them all), so eligibility here is "
        "necessary, not sufficient."
    ),
    example=_http(_PRELOAD_REDIRECT, _good({"Strict-Transport-Security": "max-age=63072000; includeSubDomains; preload"})),
    use_instead=_http(_PRELOAD_REDIRECT, _good()),
    refs=["https://hstspreload.org/", "https://source.chromium.org/chromium/chromium/src/+/main:net/http/transport_security_state_static.json"],
)

# ---------------------------------------------------------------- tls
LEGACY_TLS = _rule(
    "NW920", "legacy-tls-protocol", "The server accepts TLS 1.0 or TLS 1.1",
    Severity.MEDIUM, (326, 327), _A02, "TLS/SSL",
    what="Connects once per protocol version (TLS 1.0 to 1.3, with explicit minimum and maximum versions) and reports any version below 1.2 that completes a handshake.",
    why="TLS 1.0/1.1 are deprecated (RFC 8996): weak MACs and ciphers, and no modern client needs them.",
    example="```tls\nhost: example.test\nprotocols: TLSv1 TLSv1.1 TLSv1.2 TLSv1.3\n```",
    use_instead="```tls\nhost: example.test\nprotocols: TLSv1.2 TLSv1.3\n```",
    refs=["https://www.rfc-editor.org/rfc/rfc8996", "https://nodejs.org/api/tls.html#tlscreatesecurecontextoptions"],
)

CERT_EXPIRED = _rule(
    "NW921", "certificate-expired", "The TLS certificate has expired or expires within 14 days",
    Severity.HIGH, (298,), _A02, "TLS/SSL",
    what="Reads the served certificate and reports it when `notAfter` is in the past (high) or less than 14 days away (low).",
    why="Browsers refuse expired certificates; users learn to click through warnings, which is what an attacker's certificate needs.",
    example="```tls\nhost: example.test\nprotocols: TLSv1.2 TLSv1.3\nnot_after: 2020-01-31T00:00:00Z\nnames: example.test\n```",
    use_instead="```tls\nhost: example.test\nprotocols: TLSv1.2 TLSv1.3\nnot_after: 2099-01-31T00:00:00Z\nnames: example.test\n```",
    refs=["https://letsencrypt.org/docs/integration-guide/"],
)

CERT_HOST_MISMATCH = _rule(
    "NW922", "certificate-host-mismatch", "The TLS certificate does not name the probed host",
    Severity.HIGH, (297,), _A02, "TLS/SSL",
    what="Reports a certificate whose subjectAltName DNS names or IP addresses (wildcards per RFC 6125) do not cover the probed host.",
    why="Clients that verify reject the connection; clients that do not verify could be talking to anyone.",
    example="```tls\nhost: example.test\nprotocols: TLSv1.2 TLSv1.3\nnot_after: 2099-01-31T00:00:00Z\nnames: other.example\n```",
    use_instead="```tls\nhost: example.test\nprotocols: TLSv1.2 TLSv1.3\nnot_after: 2099-01-31T00:00:00Z\nnames: *.test example.test\n```",
    refs=["https://www.rfc-editor.org/rfc/rfc6125#section-6.4"],
)

CERT_NOT_TRUSTED = _rule(
    "NW923", "certificate-not-trusted", "The TLS certificate chain does not verify (self-signed, unknown CA, incomplete chain)",
    Severity.HIGH, (295,), _A02, "TLS/SSL",
    what=(
        "Verifies the served chain against `--ca-cert` (or the system trust store) with host-name "
        "checking off, and reports a failure other than expiry (NW921 covers that): self-signed, "
        "unknown issuer, missing intermediate."
    ),
    why="Browsers show a warning users learn to click through, and API clients end up with verification turned off.",
    example="```tls\nhost: example.test\nprotocols: TLSv1.2 TLSv1.3\nnot_after: 2099-01-31T00:00:00Z\nnames: example.test\nuntrusted: self-signed certificate\n```",
    use_instead="```tls\nhost: example.test\nprotocols: TLSv1.2 TLSv1.3\nnot_after: 2099-01-31T00:00:00Z\nnames: example.test\n```",
    refs=["https://nodejs.org/api/tls.html#tlscreatesecurecontextoptions", "https://letsencrypt.org/docs/certificates-for-localhost/"],
)

_MOZILLA_TLS = "https://wiki.mozilla.org/Security/Server_Side_TLS"
_CIPHER_WHAT = (
    " Reviewed on TLS 1.2 only (every TLS 1.3 suite is AEAD with ephemeral key exchange), by offering "
    "one class of suites per handshake with the protocol pinned; classes the local OpenSSL cannot offer "
    "are listed as not tested, never as passed."
)

WEAK_CIPHER_SUITE = _rule(
    "NW924", "weak-tls-cipher-suite", "The server accepts broken TLS cipher suites (NULL, anonymous, EXPORT, RC4, DES, 3DES)",
    Severity.HIGH, (326, 327), _A02, "TLS/SSL",
    what=(
        "Reports a server that completes a TLS 1.2 handshake with a NULL-encryption, anonymous "
        "(no certificate), EXPORT, RC4, DES or 3DES suite; medium when 3DES is the only one." + _CIPHER_WHAT
    ),
    why=(
        "NULL suites send plaintext, anonymous suites let anyone in the middle impersonate the server, "
        "EXPORT and DES keys are brute-forced, RC4 is biased (RFC 7465 forbids it) and 3DES's 64-bit "
        "block falls to SWEET32. A client that can be steered to one of them gets no protection."
    ),
    example="```tls\nhost: example.test\nprotocols: TLSv1.2 TLSv1.3\ntls1.2 anonymous: AECDH-AES256-SHA ADH-AES128-GCM-SHA256\ntls1.2 aead: ECDHE-RSA-AES128-GCM-SHA256\n```",
    use_instead="```tls\nhost: example.test\nprotocols: TLSv1.2 TLSv1.3\ntls1.2 aead: ECDHE-RSA-AES128-GCM-SHA256\n```",
    refs=[_MOZILLA_TLS, "https://www.rfc-editor.org/rfc/rfc7465", "https://sweet32.info/"],
)

CIPHER_WITHOUT_FORWARD_SECRECY = _rule(
    "NW928", "tls-cipher-without-forward-secrecy", "The server accepts static-RSA key exchange (no forward secrecy)",
    Severity.MEDIUM, (326,), _A02, "TLS/SSL",
    what=(
        "Reports a server that completes a TLS 1.2 handshake with a static-RSA suite "
        "(`AES128-GCM-SHA256`, `AES256-SHA`...). Node's default cipher list contains them (`HIGH`), "
        "so any Node HTTPS server with an RSA certificate and no `ciphers` option accepts them." + _CIPHER_WHAT
    ),
    why=(
        "Without an ephemeral key exchange, whoever obtains the server's private key later (a leak, a "
        "seized disk, a subpoena) decrypts every recorded session; static RSA is also the key exchange "
        "behind ROBOT-style oracles. Mozilla's intermediate configuration offers none."
    ),
    example="```tls\nhost: example.test\nprotocols: TLSv1.2 TLSv1.3\ntls1.2 static-rsa: AES256-GCM-SHA384 AES128-SHA\ntls1.2 aead: ECDHE-RSA-AES128-GCM-SHA256\n```",
    use_instead="```tls\nhost: example.test\nprotocols: TLSv1.2 TLSv1.3\ntls1.2 aead: ECDHE-RSA-AES128-GCM-SHA256\n```",
    refs=[_MOZILLA_TLS, "https://nodejs.org/api/tls.html#modifying-the-default-tls-cipher-suite"],
)

CBC_CIPHER_SUITE = _rule(
    "NW929", "tls-cbc-cipher-suite", "The server accepts CBC-mode cipher suites outside Mozilla's intermediate configuration",
    Severity.LOW, (327,), _A02, "TLS/SSL",
    what=(
        "Reports a server that completes a TLS 1.2 handshake with an ECDHE/DHE suite in CBC mode "
        "(`ECDHE-RSA-AES128-SHA`, `ECDHE-ECDSA-AES256-SHA384`...). Low when AEAD suites are accepted "
        "too (clients that can pick AEAD do); medium when CBC is the best the server offers (no AEAD "
        "suite with forward secrecy and no TLS 1.3)." + _CIPHER_WHAT
    ),
    why=(
        "CBC suites use MAC-then-encrypt, the construction behind Lucky13 and the POODLE-style padding "
        "oracles, and most carry SHA-1 MACs. Mozilla's intermediate guideline keeps only AES-GCM and "
        "ChaCha20-Poly1305 for TLS 1.2, and every client it supports can use them."
    ),
    example="```tls\nhost: example.test\nprotocols: TLSv1.2 TLSv1.3\ntls1.2 cbc: ECDHE-RSA-AES128-SHA ECDHE-RSA-AES256-SHA384\ntls1.2 aead: ECDHE-RSA-AES128-GCM-SHA256\n```",
    use_instead="```tls\nhost: example.test\nprotocols: TLSv1.2 TLSv1.3\ntls1.2 aead: ECDHE-RSA-AES128-GCM-SHA256 ECDHE-RSA-CHACHA20-POLY1305\n```",
    refs=[_MOZILLA_TLS, "https://www.isg.rhul.ac.uk/tls/Lucky13.html"],
)

# ---------------------------------------------------------------- fingerprinting
X_POWERED_BY = _rule(
    "NW925", "x-powered-by-header", "Responses announce the framework (`X-Powered-By`)",
    Severity.LOW, (200,), _A05, "Security Headers",
    what="Reports an `X-Powered-By` header on any response (Express sends `X-Powered-By: Express` unless disabled).",
    why="It tells scanners which exploits to try first; Express's own security guide says to remove it.",
    example=_http(_good(extra=["X-Powered-By: Express"])),
    use_instead=_http(_good()),
    refs=["https://expressjs.com/en/advanced/best-practice-security.html#reduce-fingerprinting"],
)

SERVER_VERSION = _rule(
    "NW927", "server-version-header", "The `Server` header gives the software version",
    Severity.LOW, (200,), _A05, "Security Headers",
    what="Reports a `Server` header carrying a version number (`nginx/1.25.3`, `Apache/2.4.58`); a bare product name is fine.",
    why="Exact versions let scanners pick known exploits without probing; a reverse proxy in front of Express usually adds it.",
    example=_http(_good(extra=["Server: nginx/1.18.0 (Ubuntu)"])),
    use_instead=_http(_good(extra=["Server: nginx"])),
    refs=["https://nginx.org/en/docs/http/ngx_http_core_module.html#server_tokens"],
)

DEFAULT_ERROR_PAGE = _rule(
    "NW926", "default-express-404-page", "Unknown routes get Express's default `Cannot GET /…` page",
    Severity.LOW, (200,), _A05, "Proper Error Handling",
    what="Requests a random, nonexistent path and reports Express's built-in `Cannot GET /path` 404 body.",
    why="It fingerprints Express even with `X-Powered-By` removed, and shows no custom error handling is in place.",
    example=_http("GET /\n" + _good(), "HTTP/1.1 404 Not Found\nContent-Type: text/html; charset=utf-8\n\n<!DOCTYPE html><html><body><pre>Cannot GET /nodeward-missing</pre></body></html>"),
    use_instead=_http("GET /\n" + _good(), 'HTTP/1.1 404 Not Found\nContent-Type: application/json\n\n{"error": "not found"}'),
    refs=["https://expressjs.com/en/starter/faq.html#how-do-i-handle-404-responses"],
)

# ---------------------------------------------------------------- cors
CORS_REFLECTS_WITH_CREDENTIALS = _rule(
    "NW930", "cors-reflects-origin-with-credentials", "CORS trusts any origin and allows credentials",
    Severity.HIGH, (942, 346), _A05, "Security Headers",
    what=(
        "Sends `Origin: https://<random>.invalid` and `Origin: null` on a GET and a preflight; reports "
        "when the response echoes that origin in `Access-Control-Allow-Origin` together with "
        "`Access-Control-Allow-Credentials: true`."
    ),
    why="Any website the victim visits can read authenticated responses (account data, CSRF tokens) with the victim's cookies.",
    example=_http(_good(extra=["Access-Control-Allow-Origin: {{origin}}", "Access-Control-Allow-Credentials: true"])),
    use_instead=_http(_good(extra=["Access-Control-Allow-Origin: https://app.example.test", "Access-Control-Allow-Credentials: true"])),
    refs=["https://portswigger.net/web-security/cors", "https://github.com/expressjs/cors#configuration-options"],
)

CORS_WILDCARD_WITH_CREDENTIALS = _rule(
    "NW931", "cors-wildcard-with-credentials", "CORS sends `*` together with `Allow-Credentials: true`",
    Severity.LOW, (942,), _A05, "Security Headers",
    what="Reports `Access-Control-Allow-Origin: *` combined with `Access-Control-Allow-Credentials: true`.",
    why="Browsers refuse this combination, so it shows a misunderstood policy that is often 'fixed' by reflecting the origin.",
    example=_http(_good(extra=["Access-Control-Allow-Origin: *", "Access-Control-Allow-Credentials: true"])),
    use_instead=_http(_good(extra=["Access-Control-Allow-Origin: https://app.example.test", "Access-Control-Allow-Credentials: true"])),
    refs=["https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS/Errors/CORSNotSupportingCredentials"],
)

CORS_WILDCARD = _rule(
    "NW932", "cors-allows-any-origin", "CORS lets any origin read responses (without credentials)",
    Severity.INFO, (942,), _A05, "Security Headers",
    what="Reports `Access-Control-Allow-Origin: *`, or a reflected foreign origin without credentials (informational: fine for public APIs).",
    why="Worth confirming the data is public: a later `credentials: true` turns it into NW930.",
    example=_http(_good(extra=["Access-Control-Allow-Origin: *"])),
    use_instead=_http(_good()),
    refs=["https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS"],
)

# ---------------------------------------------------------------- errors
VERBOSE_ERRORS = _rule(
    "NW935", "verbose-error-response", "Error responses show stack traces, server paths or `node_modules`",
    Severity.MEDIUM, (209, 497), _A05, "Proper Error Handling",
    what=(
        "Sends a malformed JSON body, an unknown route and a bad URI escape, and reports responses "
        "containing stack frames (`at fn (/path/file.js:1:2)`), absolute server paths or `node_modules/`."
    ),
    why="Stack traces reveal file layout, library versions and code paths; Express prints them unless `NODE_ENV=production` or a custom error handler is set.",
    example=_http(
        "POST /\nHTTP/1.1 400 Bad Request\nContent-Type: text/html; charset=utf-8\n\n"
        "<pre>SyntaxError: Unexpected end of JSON input<br> &nbsp; &nbsp;at JSON.parse (&lt;anonymous&gt;)<br>"
        " &nbsp; &nbsp;at parse (/srv/app/node_modules/body-parser/lib/types/json.js:92:19)</pre>",
        _good(),
    ),
    use_instead=_http('POST /\nHTTP/1.1 400 Bad Request\nContent-Type: application/json\n\n{"error": "bad request"}', _good()),
    refs=["https://expressjs.com/en/guide/error-handling.html", "https://cwe.mitre.org/data/definitions/209.html"],
)

# ---------------------------------------------------------------- rate limiting
LOGIN_WITHOUT_RATE_LIMIT = _rule(
    "NW940", "login-without-rate-limit", "The login endpoint accepts unlimited attempts",
    Severity.MEDIUM, (307,), _A07, "Rate Limiting",
    what=(
        "With `--rate-limit-probe` only (run last): POSTs the login body `--attempts` times (default 8, "
        "hard cap 20) and reports when no response is a 429/423, carries `Retry-After` or "
        "`RateLimit`/`X-RateLimit-*` headers, or mentions a lockout."
    ),
    why="Unlimited attempts allow password guessing and credential stuffing.",
    example=_http(_good(), 'POST /login\nHTTP/1.1 401 Unauthorized\nContent-Type: application/json\n\n{"error": "invalid credentials"}'),
    use_instead=_http(_good(), 'POST /login\nHTTP/1.1 429 Too Many Requests\nRetry-After: 900\nContent-Type: application/json\n\n{"error": "too many attempts"}'),
    refs=["https://github.com/express-rate-limit/express-rate-limit", "https://owasp.org/www-community/controls/Blocking_Brute_Force_Attacks"],
)

SPOOFABLE_RATE_LIMIT = _rule(
    "NW941", "rate-limit-keyed-on-spoofable-header", "The login rate limit resets when `X-Forwarded-For` changes",
    Severity.MEDIUM, (307, 348), _A07, "Rate Limiting",
    what=(
        "After a limit was observed, repeats the attempts with a different `X-Forwarded-For` each "
        "time; reports when that lifts the limit (or resets `RateLimit` remaining)."
    ),
    why="The limiter trusts a header any client can set (`trust proxy` set to `true`, or a custom key), so it limits nothing.",
    example=_http(
        _good(),
        "POST /login [X-Forwarded-For]\nHTTP/1.1 401 Unauthorized\nRateLimit: limit=5, remaining=4, reset=900\n\ninvalid credentials",
        "POST /login\nHTTP/1.1 429 Too Many Requests\nRetry-After: 900\n\ntoo many attempts",
    ),
    use_instead=_http(_good(), "POST /login\nHTTP/1.1 429 Too Many Requests\nRetry-After: 900\n\ntoo many attempts"),
    refs=["https://express-rate-limit.mintlify.app/guides/troubleshooting-proxy-issues", "https://expressjs.com/en/guide/behind-proxies.html"],
)

# ---------------------------------------------------------------- csrf
FORM_WITHOUT_CSRF_TOKEN = _rule(
    "NW945", "form-without-csrf-token", "A POST form has no CSRF token and the session cookie is not SameSite",
    Severity.MEDIUM, (352,), _A01, "CSRF",
    what=(
        "Parses the fetched HTML pages and reports POST forms without a hidden token field "
        "(`_csrf`, `csrf_token`, `authenticity_token`, `xsrf` ...) when the session cookie lacks "
        "`SameSite=Strict` or `Lax`."
    ),
    why="Another site can submit the form with the user's session cookie attached (cross-site request forgery).",
    example=_http(_good(
        extra=["Set-Cookie: sid=abc; Path=/; HttpOnly; Secure"],
        body='<form method="post" action="/transfer"><input name="amount"><button>Send</button></form>',
    )),
    use_instead=_http(_good(
        extra=["Set-Cookie: sid=abc; Path=/; HttpOnly; Secure"],
        body='<form method="post" action="/transfer"><input type="hidden" name="_csrf" value="k2j3"><input name="amount"></form>',
    )),
    refs=["https://owasp.org/www-community/attacks/csrf", "https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html"],
)

# ---------------------------------------------------------------- exposures
EXPOSED_ENV = _rule(
    "NW950", "exposed-env-file", "`/.env` is downloadable",
    Severity.CRITICAL, (538, 200), _A05, "How to Secure Keys and Environment Variables",
    what="Requests `/.env` and reports a 200 whose body is `KEY=value` lines (not HTML, not the site's soft-404 page). Values are redacted in the report.",
    why="It holds database passwords, session secrets and API keys: the whole app's credentials in one request.",
    example=_http(_good(), "GET /.env\nHTTP/1.1 200 OK\nContent-Type: text/plain\n\nDB_HOST=db.internal\nDB_PASSWORD=s3cr3t-value\n"),
    use_instead=_http(_good(), "GET /.env\nHTTP/1.1 404 Not Found\nContent-Type: text/plain\n\nNot Found"),
    refs=["https://expressjs.com/en/4x/api.html#express.static"],
)

EXPOSED_GIT = _rule(
    "NW951", "exposed-git-repository", "`/.git/` is downloadable",
    Severity.HIGH, (538, 527), _A05, "How to Secure Keys and Environment Variables",
    what="Requests `/.git/config` and `/.git/HEAD` and reports real git metadata (`[core]`, `ref: refs/...`).",
    why="The whole source history, including deleted secrets, can be rebuilt from an exposed `.git` folder.",
    example=_http(_good(), "GET /.git/config\nHTTP/1.1 200 OK\nContent-Type: text/plain\n\n[core]\n\trepositoryformatversion = 0\n\tbare = false\n"),
    use_instead=_http(_good({}, body="<!doctype html><title>Acme</title><p>Page not found</p>")),
    refs=["https://expressjs.com/en/4x/api.html#express.static"],
)

EXPOSED_SOURCE_MAP = _rule(
    "NW952", "exposed-source-map", "Source maps of the page's scripts are public",
    Severity.LOW, (540,), _A05, "How to Secure Keys and Environment Variables",
    what="For same-origin scripts referenced by the fetched pages, requests `<script>.map` and reports a valid source map (`version`, `mappings`).",
    why="It hands out the original, commented source: routes, internal endpoints and sometimes embedded keys.",
    example=_http(
        _good(body='<!doctype html><script src="/js/app.js"></script>'),
        'GET /js/app.js.map\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{"version": 3, "sources": ["src/app.ts"], "mappings": "AAAA"}',
    ),
    use_instead=_http(_good(body='<!doctype html><script src="/js/app.js"></script>')),
    refs=["https://developer.mozilla.org/en-US/docs/Glossary/Source_map"],
)

EXPOSED_PACKAGE_JSON = _rule(
    "NW953", "exposed-package-json", "`/package.json` is downloadable",
    Severity.LOW, (538,), _A05, "Dependency Management and NPM Security",
    what="Requests `/package.json` and reports a JSON object with `name` and dependency lists.",
    why="It lists exact dependencies to match against known vulnerabilities, and usually means the project root is served statically.",
    example=_http(_good(), 'GET /package.json\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{"name": "acme", "dependencies": {"express": "4.17.1"}}'),
    use_instead=_http(_good()),
    refs=["https://expressjs.com/en/starter/static-files.html"],
)

DIRECTORY_LISTING = _rule(
    "NW954", "directory-listing", "A directory listing is served",
    Severity.MEDIUM, (548,), _A05, "How to Secure Keys and Environment Variables",
    what="Requests the folders of the page's same-origin scripts and reports auto-generated index pages (serve-index, `Index of /`).",
    why="Listings reveal backups, uploads and files that were never meant to be linked.",
    example=_http(
        _good(body='<!doctype html><script src="/static/app.js"></script>'),
        "GET /static/\nHTTP/1.1 200 OK\nContent-Type: text/html\n\n<!DOCTYPE html><html><head><title>listing directory /static/</title></head><body><ul id=\"files\"><li><a href=\"/static/app.js\">app.js</a></li></ul></body></html>",
    ),
    use_instead=_http(_good(body='<!doctype html><script src="/static/app.js"></script>')),
    refs=["https://github.com/expressjs/serve-index"],
)

TRACE_ENABLED = _rule(
    "NW955", "trace-method-enabled", "`TRACE` echoes the request back",
    Severity.LOW, (693,), _A05, "Security Headers",
    what="Sends `TRACE` with a canary header and reports a 2xx that echoes the request (`message/http` or the request line).",
    why="Echoing requests (cookies, auth headers included) helps cross-site tracing and reveals headers added by proxies.",
    example=_http(_good(), "TRACE /\nHTTP/1.1 200 OK\nContent-Type: message/http\n\nTRACE / HTTP/1.1\r\nhost: example.test\r\n"),
    use_instead=_http(_good(), "TRACE /\nHTTP/1.1 405 Method Not Allowed\nAllow: GET, HEAD, POST\n\n"),
    refs=["https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/02-Configuration_and_Deployment_Management_Testing/06-Test_HTTP_Methods"],
)

RULES: tuple[Rule, ...] = (
    PROBE_GRADE,
    MISSING_CSP,
    WEAK_CSP,
    MISSING_FRAME_PROTECTION,
    MISSING_NOSNIFF,
    REFERRER_POLICY,
    MISSING_CROSS_ORIGIN_POLICIES,
    XSS_AUDITOR_ENABLED,
    MISSING_PERMISSIONS_POLICY,
    SESSION_COOKIE_WITHOUT_HTTPONLY,
    COOKIE_WITHOUT_SECURE,
    COOKIE_SAMESITE,
    HTTP_NOT_REDIRECTED,
    MISSING_HSTS,
    WEAK_HSTS,
    HSTS_PRELOAD_NOT_ELIGIBLE,
    HSTS_PRELOAD_STATUS,
    LEGACY_TLS,
    CERT_EXPIRED,
    CERT_HOST_MISMATCH,
    CERT_NOT_TRUSTED,
    WEAK_CIPHER_SUITE,
    CIPHER_WITHOUT_FORWARD_SECRECY,
    CBC_CIPHER_SUITE,
    X_POWERED_BY,
    DEFAULT_ERROR_PAGE,
    SERVER_VERSION,
    CORS_REFLECTS_WITH_CREDENTIALS,
    CORS_WILDCARD_WITH_CREDENTIALS,
    CORS_WILDCARD,
    VERBOSE_ERRORS,
    LOGIN_WITHOUT_RATE_LIMIT,
    SPOOFABLE_RATE_LIMIT,
    FORM_WITHOUT_CSRF_TOKEN,
    EXPOSED_ENV,
    EXPOSED_GIT,
    EXPOSED_SOURCE_MAP,
    EXPOSED_PACKAGE_JSON,
    DIRECTORY_LISTING,
    TRACE_ENABLED,
)
