"""TLS 1.2 cipher-suite review with the standard library's `ssl` module (no sslyze, no native build).

Why pinned handshakes: a client learns which suite a server *accepts* only by
offering it.  So the local OpenSSL's TLS 1.2 suites are sorted into classes
(NULL encryption, anonymous, EXPORT, RC4, DES, 3DES, static-RSA key exchange,
CBC with forward secrecy, AEAD with forward secrecy) from the metadata OpenSSL
itself reports (`SSLContext.get_ciphers()`: key exchange, authentication,
cipher, AEAD), and each class is offered alone, with `minimum_version =
maximum_version = TLSv1_2` and `@SECLEVEL=0` (OpenSSL 3 refuses most of these
suites at its default level).  A handshake that completes names the suite the
server chose; that suite is then removed and the class offered again, so the
report lists what the server accepts, up to a per-class cap.

TLS 1.3 is not reviewed: its five suites are all AEAD with ephemeral key
exchange.  PSK and SRP suites are not offered (they need a shared secret, and
a server without one never picks them).  A class the local OpenSSL cannot
offer at all (Debian's and Node 20's OpenSSL 3.0 have no RC4, DES, 3DES or
EXPORT suites) is reported as *not tested*, never as a pass.

Which classes are findings follows Mozilla's "intermediate" server-side TLS
guideline (https://wiki.mozilla.org/Security/Server_Side_TLS): its TLS 1.2
list is ECDHE/DHE with AES-GCM or ChaCha20-Poly1305 only.  NULL, anonymous,
EXPORT, RC4, DES and 3DES are broken (NW924); static RSA has no forward
secrecy (NW928); CBC suites are outside intermediate (padding-oracle history,
SHA-1 MACs) and are a low finding (NW929), raised to medium when CBC is the
best the server offers (no AEAD suite with forward secrecy and no TLS 1.3).
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from nodeward.model import Finding, ScanError, Severity, Skipped
from nodeward.probe import rules as R
from nodeward.probe.evidence import make_finding

__all__ = [
    "BROKEN",
    "CIPHER_CLASSES",
    "CLASS_KEYS",
    "MAX_CIPHER_HANDSHAKES",
    "MAX_SUITES_PER_CLASS",
    "CipherClass",
    "CipherReport",
    "cipher_errors",
    "cipher_skips",
    "classify",
    "judge_ciphers",
    "label",
    "local_suites",
    "parse_cipher_lines",
    "review_ciphers",
    "tls12_handshake",
]

MAX_SUITES_PER_CLASS = 6
"""Accepted suites listed per class before the enumeration stops (the class is already a finding)."""
MAX_CIPHER_HANDSHAKES = 40
"""Hard cap on cipher-review handshakes per probe, whatever the server accepts."""


@dataclass(frozen=True, slots=True)
class CipherClass:
    key: str
    label: str
    """How the report names the class."""


CIPHER_CLASSES: tuple[CipherClass, ...] = (
    CipherClass("null", "NULL encryption"),
    CipherClass("anonymous", "anonymous key exchange (no server authentication)"),
    CipherClass("export", "EXPORT-grade"),
    CipherClass("rc4", "RC4"),
    CipherClass("des", "single DES"),
    CipherClass("3des", "3DES (SWEET32)"),
    CipherClass("static-rsa", "static RSA key exchange (no forward secrecy)"),
    CipherClass("cbc", "CBC mode with ECDHE/DHE (outside Mozilla intermediate)"),
    CipherClass("aead", "AEAD with ECDHE/DHE (Mozilla intermediate)"),
)
"""Worst first: a suite belongs to the first class it matches."""
CLASS_KEYS = tuple(c.key for c in CIPHER_CLASSES)
BROKEN = ("null", "anonymous", "export", "rc4", "des", "3des")
"""Classes that are broken outright (NW924)."""

_UNOFFERABLE_KEA = frozenset({"kx-psk", "kx-dhe-psk", "kx-ecdhe-psk", "kx-rsa-psk", "kx-srp"})
_STATIC_KEA = frozenset({"kx-rsa", "kx-dh", "kx-ecdh"})


def classify(suite: Mapping[str, object]) -> str | None:
    """The class of one `SSLContext.get_ciphers()` entry, or None for suites not reviewed (TLS 1.3, PSK, SRP)."""
    if suite.get("protocol") == "TLSv1.3" or suite.get("kea") in _UNOFFERABLE_KEA:
        return None
    symmetric = str(suite.get("symmetric") or "")
    bits = suite.get("strength_bits")
    if not symmetric:
        return "null"
    if suite.get("auth") == "auth-null":
        return "anonymous"
    if isinstance(bits, int) and bits <= 40:
        return "export"
    if symmetric.startswith("rc4"):
        return "rc4"
    if symmetric.startswith("des-ede3"):
        return "3des"
    if symmetric.startswith("des"):
        return "des"
    if suite.get("kea") in _STATIC_KEA:
        return "static-rsa"
    if not suite.get("aead"):
        return "cbc"
    return "aead"


def local_suites() -> dict[str, tuple[str, ...]]:
    """Class -> the TLS 1.2 suite names this Python's OpenSSL can offer (empty tuple: cannot test)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.set_ciphers("ALL:COMPLEMENTOFALL:@SECLEVEL=0")
    out: dict[str, list[str]] = {k: [] for k in CLASS_KEYS}
    for suite in ctx.get_ciphers():
        cls = classify(suite)
        if cls is not None:
            out[cls].append(str(suite["name"]))
    return {k: tuple(v) for k, v in out.items()}


@dataclass(frozen=True, slots=True)
class CipherReport:
    """What the server accepted on TLS 1.2, class by class."""

    accepted: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(class, suites the server chose) for every class with at least one accepted suite."""
    rejected: tuple[str, ...] = ()
    """Classes offered and refused."""
    untestable: tuple[str, ...] = ()
    """Classes the local OpenSSL cannot offer: no verdict, not a pass."""
    failed: tuple[tuple[str, str], ...] = ()
    """(class, reason) where the handshake failed for a reason other than a refusal (timeout, reset)."""
    capped: tuple[str, ...] = ()
    """Classes whose enumeration stopped at a cap (the server may accept more suites of them)."""
    handshakes: int = 0
    tls13: bool = False
    """TLS 1.3 accepted (then CBC is never the best the server offers)."""

    def suites(self, cls: str) -> tuple[str, ...]:
        return next((s for k, s in self.accepted if k == cls), ())


Handshake = Callable[[str], str | None]
"""Offer a cipher string; the suite the server chose, or None when it refused.  Raises OSError on network failure."""


def _refused(e: BaseException) -> bool:
    """A handshake alert, or the server closing or resetting the connection mid-handshake: it will not use what was offered.

    Timeouts and refused connections are not refusals of a suite: the class is
    then reported as failed (no verdict)."""
    return isinstance(e, (ssl.SSLError, ConnectionResetError, ConnectionAbortedError, BrokenPipeError))


def tls12_handshake(host: str, port: int, timeout: float, sni: str | None) -> Handshake:
    """A real handshake function: one TCP connection per offer, pinned to TLS 1.2, no verification (the review is about suites)."""

    def offer(cipher_string: str) -> str | None:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        ctx.set_ciphers(cipher_string)
        try:
            with socket.create_connection((host, port), timeout=timeout) as sock, ctx.wrap_socket(sock, server_hostname=sni) as tls:
                chosen = tls.cipher()
        except OSError as e:
            if _refused(e):
                return None
            raise
        return chosen[0] if chosen else None

    return offer


def review_ciphers(
    offer: Handshake,
    suites: Mapping[str, tuple[str, ...]] | None = None,
    *,
    tls13: bool = False,
    max_handshakes: int = MAX_CIPHER_HANDSHAKES,
    per_class: int = MAX_SUITES_PER_CLASS,
) -> CipherReport:
    """Offer each class alone and enumerate what the server picks, within the caps.

    `suites` is `local_suites()` unless a test pins it; `offer` is `tls12_handshake(...)`
    or a fake.  Never more than `min(max_handshakes, MAX_CIPHER_HANDSHAKES)` handshakes.
    """
    suites = local_suites() if suites is None else suites
    budget = min(max_handshakes, MAX_CIPHER_HANDSHAKES)
    used = 0
    accepted: list[tuple[str, tuple[str, ...]]] = []
    rejected: list[str] = []
    untestable: list[str] = []
    failed: list[tuple[str, str]] = []
    capped: list[str] = []
    for cls in CLASS_KEYS:
        names = list(suites.get(cls, ()))
        if not names:
            untestable.append(cls)
            continue
        found: list[str] = []
        while names:
            if used >= budget or len(found) >= per_class:
                capped.append(cls)
                break
            used += 1
            try:
                chosen = offer(":".join(names) + ":@SECLEVEL=0")
            except (OSError, ValueError) as e:
                failed.append((cls, str(e) or type(e).__name__))
                break
            if chosen is None or chosen not in names:
                # Refused (or a suite we did not offer, which no correct server sends): done with this class.
                break
            found.append(chosen)
            names.remove(chosen)
            if cls == "aead":
                break  # one AEAD suite answers the only question asked of this class
        if found:
            accepted.append((cls, tuple(found)))
        elif not any(k == cls for k, _ in failed) and cls not in capped:
            rejected.append(cls)
    return CipherReport(tuple(accepted), tuple(rejected), tuple(untestable), tuple(failed), tuple(capped), used, tls13)


def label(cls: str) -> str:
    """The report's name for a class key (unknown keys are shown as given)."""
    return next((c.label for c in CIPHER_CLASSES if c.key == cls), cls)


def judge_ciphers(report: CipherReport, url: str) -> list[Finding]:
    """NW924 (broken classes), NW928 (static RSA), NW929 (CBC; medium when nothing better is accepted)."""
    out: list[Finding] = []
    broken = [(k, s) for k, s in report.accepted if k in BROKEN]
    if broken:
        only_3des = all(k == "3des" for k, _ in broken)
        out.append(make_finding(
            R.WEAK_CIPHER_SUITE, None,
            "TLS 1.2 accepts broken cipher suites: " + "; ".join(f"{label(k)}: {', '.join(s)}" for k, s in broken),
            url=url, method="TLS", header=_accepted_header(broken), key="broken",
            severity=Severity.MEDIUM if only_3des else None,
            fix=_FIX,
        ))
    static = report.suites("static-rsa")
    if static:
        out.append(make_finding(
            R.CIPHER_WITHOUT_FORWARD_SECRECY, None,
            f"TLS 1.2 accepts static-RSA key exchange ({', '.join(static)}): recorded traffic can be decrypted later with the server's key",
            url=url, method="TLS", header=_accepted_header([("static-rsa", static)]), key="static-rsa", fix=_FIX,
        ))
    cbc = report.suites("cbc")
    if cbc:
        best = not report.suites("aead") and not report.tls13
        why = ("and no AEAD suite with forward secrecy nor TLS 1.3, so CBC is the best it offers"
               if best else "besides AEAD suites; Mozilla's intermediate configuration drops them")
        out.append(make_finding(
            R.CBC_CIPHER_SUITE, None, f"TLS 1.2 accepts CBC-mode suites ({', '.join(cbc)}) {why}",
            url=url, method="TLS", header=_accepted_header([("cbc", cbc)]), key="cbc",
            severity=Severity.MEDIUM if best else None, fix=_FIX,
        ))
    return out


_FIX = (
    "Offer only Mozilla's intermediate TLS 1.2 suites, e.g. in Node "
    "`https.createServer({ ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:"
    "DHE-RSA-AES256-GCM-SHA384', minVersion: 'TLSv1.2' })` (Node's default list still contains static-RSA and CBC suites), or the same on the proxy."
)


def _accepted_header(classes: list[tuple[str, tuple[str, ...]]]) -> str:
    return "accepted (TLS 1.2): " + " ".join(s for _, suites in classes for s in suites)


def cipher_errors(report: CipherReport, url: str) -> list[ScanError]:
    """A class whose handshake failed (timeout, refused connection) has no verdict: an incomplete check (exit 3 with --strict)."""
    return [
        ScanError(message=f"{url}: TLS 1.2 cipher review: {label(k)} not judged, the handshake failed: {reason}",
                  path=url, kind="probe", incomplete=True)
        for k, reason in report.failed
    ]


def cipher_skips(report: CipherReport, url: str) -> list[Skipped]:
    """Classes deliberately left without a verdict: the local OpenSSL cannot offer them, or a cap stopped the listing."""
    out: list[Skipped] = []
    broken_untestable = [k for k in report.untestable if k in BROKEN or k in ("static-rsa", "cbc")]
    if broken_untestable:
        out.append(Skipped(url, "TLS 1.2 cipher review: not tested, the local OpenSSL "
                                f"({ssl.OPENSSL_VERSION}) cannot offer {', '.join(label(k) for k in broken_untestable)} suites"))
    if report.capped:
        out.append(Skipped(url, f"TLS 1.2 cipher review: stopped listing {', '.join(label(k) for k in report.capped)} suites at the cap "
                                f"({MAX_SUITES_PER_CLASS} per class, {MAX_CIPHER_HANDSHAKES} handshakes); the server may accept more"))
    return out


def parse_cipher_lines(lines: Mapping[str, str]) -> CipherReport | None:
    """The cipher part of a `tls` doc fixture: `tls1.2 <class>: SUITE ...` lines, `tls1.2 untestable: <class> ...`."""
    accepted: list[tuple[str, tuple[str, ...]]] = []
    untestable: tuple[str, ...] = ()
    seen = False
    for key, value in lines.items():
        if not key.startswith("tls1.2 "):
            continue
        seen = True
        cls = key.split(" ", 1)[1].strip()
        if cls == "untestable":
            untestable = tuple(value.split())
        elif cls in CLASS_KEYS:
            accepted.append((cls, tuple(value.split())))
        else:
            raise ValueError(f"unknown cipher class {cls!r} (one of {', '.join(CLASS_KEYS)})")
    if not seen:
        return None
    tls13 = "TLSv1.3" in lines.get("protocols", "").split()
    got = {k for k, _ in accepted}
    rejected = tuple(k for k in CLASS_KEYS if k not in got and k not in untestable)
    return CipherReport(tuple(accepted), rejected, untestable, (), (), 0, tls13)
