"""TLS: which protocol versions the server accepts, and whether its certificate is current and names the host.

Each version is tried in its own handshake with `minimum_version` and
`maximum_version` both pinned, so the answer is about that version alone.
Legacy versions need `@SECLEVEL=0` on our side (OpenSSL 3 refuses SHA-1
signatures at the default level); if the local OpenSSL cannot offer a version
at all, the report says so instead of calling the server safe.  The
certificate is read from an unverified handshake and judged with
`cryptography` (expiry, subjectAltName match per RFC 6125), so an expired or
mismatched certificate is reported rather than aborting the probe.  One more
handshake verifies the chain against `--ca-cert` (or the system store) with
host-name checking off: a failure other than expiry means no client trusts
the certificate.  When TLS 1.2 is accepted, the cipher-suite review in
`nodeward.probe.ciphers` runs on the same host (a bounded number of pinned
handshakes; NW924, NW928, NW929).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import warnings
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from nodeward.model import Finding, Severity
from nodeward.probe import rules as R
from nodeward.probe.ciphers import (
    CipherReport,
    judge_ciphers,
    parse_cipher_lines,
    review_ciphers,
    tls12_handshake,
)
from nodeward.probe.evidence import make_finding

__all__ = ["EXPIRY_WARNING_DAYS", "TlsReport", "host_matches", "judge_tls", "parse_tls_fixture", "probe_tls"]

EXPIRY_WARNING_DAYS = 14
VERSIONS: tuple[tuple[str, str], ...] = (("TLSv1", "TLSv1"), ("TLSv1.1", "TLSv1_1"), ("TLSv1.2", "TLSv1_2"), ("TLSv1.3", "TLSv1_3"))
LEGACY = ("TLSv1", "TLSv1.1")


@dataclass(frozen=True, slots=True)
class TlsReport:
    host: str
    protocols: tuple[str, ...] = ()
    """Versions that completed a handshake, e.g. ("TLSv1.2", "TLSv1.3")."""
    untestable: tuple[str, ...] = ()
    """Versions the local OpenSSL cannot offer (no verdict for them)."""
    not_after: dt.datetime | None = None
    names: tuple[str, ...] = ()
    """subjectAltName DNS names and IP addresses of the leaf certificate."""
    errors: tuple[str, ...] = field(default_factory=tuple)
    trust_error: str | None = None
    """Why chain verification failed (expiry excluded: NW921 says that), or None when trusted."""
    ciphers: CipherReport | None = None
    """The TLS 1.2 cipher-suite review, when TLS 1.2 was accepted and the review ran."""


def _context(version_attr: str) -> ssl.SSLContext:
    with warnings.catch_warnings():
        # TLSVersion.TLSv1/TLSv1_1 are deprecated in Python: testing for them is the point.
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        version = getattr(ssl.TLSVersion, version_attr)
        ctx.minimum_version = version
        ctx.maximum_version = version
        if version_attr in ("TLSv1", "TLSv1_1"):
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    return ctx


def _handshake(host: str, port: int, ctx: ssl.SSLContext, timeout: float, sni: str | None) -> bytes | None:
    with socket.create_connection((host, port), timeout=timeout) as sock, ctx.wrap_socket(sock, server_hostname=sni) as tls:
        return tls.getpeercert(binary_form=True)


def _sni(host: str) -> str | None:
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        return host


X509_V_ERR_CERT_HAS_EXPIRED = 10


def _trust_error(host: str, port: int, timeout: float, ca_cert: str | None) -> str | None:
    ctx = ssl.create_default_context(cafile=ca_cert) if ca_cert else ssl.create_default_context()
    ctx.check_hostname = False
    try:
        _handshake(host, port, ctx, timeout, _sni(host))
    except ssl.SSLCertVerificationError as e:
        if e.verify_code == X509_V_ERR_CERT_HAS_EXPIRED:
            return None
        return str(e.verify_message or e)
    except (ssl.SSLError, OSError):
        return None  # not a trust verdict; the version handshakes report connection problems
    return None


def probe_tls(url: str, timeout: float, ca_cert: str | None = None, *, ciphers: bool = True) -> TlsReport:
    """Four pinned-version handshakes, the certificate, one verifying handshake, then the cipher review.

    Six connections for versions and trust, plus at most `MAX_CIPHER_HANDSHAKES`
    for the TLS 1.2 cipher review (`ciphers=False` skips it)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or 443
    accepted: list[str] = []
    untestable: list[str] = []
    errors: list[str] = []
    der: bytes | None = None
    for label, attr in VERSIONS:
        try:
            ctx = _context(attr)
        except (ValueError, ssl.SSLError, AttributeError) as e:
            untestable.append(label)
            errors.append(f"{label}: local OpenSSL cannot offer it ({e})")
            continue
        try:
            cert = _handshake(host, port, ctx, timeout, _sni(host))
        except ssl.SSLError as e:
            if "NO_PROTOCOLS_AVAILABLE" in str(e) or "no protocols available" in str(e):
                untestable.append(label)
                errors.append(f"{label}: local OpenSSL cannot offer it")
            continue
        except OSError as e:
            errors.append(f"{label}: {e}")
            continue
        accepted.append(label)
        der = der or cert
    not_after = None
    names: tuple[str, ...] = ()
    if der:
        not_after, names = _read_cert(der)
    trust = _trust_error(host, port, timeout, ca_cert) if accepted else None
    review = None
    if ciphers and "TLSv1.2" in accepted:
        review = review_ciphers(tls12_handshake(host, port, timeout, _sni(host)), tls13="TLSv1.3" in accepted)
        if not review.accepted and not review.failed:
            # TLS 1.2 worked with the default suites, yet every class was refused: something (client
            # certificates, a flaky middlebox) breaks the pinned handshakes. No verdict, not a pass.
            review = replace(review, failed=(("all classes", "every pinned TLS 1.2 handshake was refused although TLS 1.2 itself was accepted"),))
    return TlsReport(host, tuple(accepted), tuple(untestable), not_after, names, tuple(errors), trust, review)


def _read_cert(der: bytes) -> tuple[dt.datetime | None, tuple[str, ...]]:
    from cryptography import x509

    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError:
        return None, ()
    names: list[str] = []
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        names.extend(san.get_values_for_type(x509.DNSName))
        names.extend(str(ip) for ip in san.get_values_for_type(x509.IPAddress))
    except x509.ExtensionNotFound:
        pass
    return cert.not_valid_after_utc, tuple(names)


def host_matches(host: str, names: tuple[str, ...]) -> bool:
    """RFC 6125 §6.4: exact match, or a `*.` wildcard covering exactly one left-most label; IPs match exactly."""
    h = host.lower().rstrip(".")
    try:
        ip = ipaddress.ip_address(h)
    except ValueError:
        ip = None
    for name in names:
        n = name.lower().rstrip(".")
        if ip is not None:
            try:
                if ipaddress.ip_address(n) == ip:
                    return True
            except ValueError:
                continue
            continue
        if n == h:
            return True
        if n.startswith("*.") and "." in h and h.split(".", 1)[1] == n[2:]:
            return True
    return False


def judge_tls(report: TlsReport, url: str, now: dt.datetime | None = None) -> list[Finding]:
    now = now or dt.datetime.now(dt.timezone.utc)
    out: list[Finding] = []
    legacy = [v for v in report.protocols if v in LEGACY]
    if legacy:
        out.append(make_finding(R.LEGACY_TLS, None, f"The server accepts {' and '.join(legacy)}", url=url, method="TLS",
                                header=f"accepted: {' '.join(report.protocols)}", key="protocols",
                                fix="Set `minVersion: 'TLSv1.2'` in `https.createServer` / `tls.createSecureContext` (Node's default), or on the proxy."))
    if report.not_after is not None:
        days = (report.not_after - now).total_seconds() / 86400
        stamp = report.not_after.strftime("%Y-%m-%dT%H:%M:%SZ")
        if days < 0:
            out.append(make_finding(R.CERT_EXPIRED, None, f"The certificate expired on {stamp}", url=url, method="TLS",
                                    header=f"notAfter: {stamp}", key="expiry", fix="Renew the certificate and automate renewal (ACME)."))
        elif days < EXPIRY_WARNING_DAYS:
            left = "less than a day" if days < 1 else f"{int(days)} day{'s' if int(days) != 1 else ''}"
            out.append(make_finding(R.CERT_EXPIRED, None, f"The certificate expires in {left} ({stamp})", url=url, method="TLS",
                                    header=f"notAfter: {stamp}", key="expiry", severity=Severity.LOW,
                                    fix="Renew the certificate and automate renewal (ACME)."))
    if report.trust_error:
        out.append(make_finding(R.CERT_NOT_TRUSTED, None, f"The certificate chain does not verify: {report.trust_error}",
                                url=url, method="TLS", header=f"verify: {report.trust_error}", key="trust",
                                fix="Serve the full chain from a public CA (or, for internal services, distribute the private CA to every client)."))
    if report.names and not host_matches(report.host, report.names):
        out.append(make_finding(R.CERT_HOST_MISMATCH, None, f"The certificate is for {', '.join(report.names)}, not `{report.host}`",
                                url=url, method="TLS", header=f"subjectAltName: {', '.join(report.names)}", key="host",
                                fix="Serve a certificate whose subjectAltName includes the host name (or IP) clients use."))
    if report.ciphers is not None:
        out.extend(judge_ciphers(report.ciphers, url))
    return out


def parse_tls_fixture(text: str) -> TlsReport:
    """The `tls` blocks in rule docs: `host:`, `protocols:`, `not_after:` (ISO 8601), `names:`, `untrusted:` (reason),
    and for the cipher review `tls1.2 <class>: SUITE ...` lines (classes in `nodeward.probe.ciphers.CIPHER_CLASSES`)."""
    fields: dict[str, str] = {}
    for line in text.strip().splitlines():
        key, _, value = line.partition(":")
        fields[key.strip().lower()] = value.strip()
    not_after = None
    if fields.get("not_after"):
        not_after = dt.datetime.fromisoformat(fields["not_after"].replace("Z", "+00:00"))
    return TlsReport(
        host=fields.get("host", ""),
        protocols=tuple(fields.get("protocols", "").split()),
        not_after=not_after,
        names=tuple(fields.get("names", "").split()),
        trust_error=fields.get("untrusted") or None,
        ciphers=parse_cipher_lines(fields),
    )
