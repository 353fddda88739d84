"""Unit tests for the cipher review (classification, enumeration, caps, verdicts) and the HSTS preload list.

The handshakes here are a fake server (a set of accepted suites that picks the
first one offered); the live counterpart is `test_tls_ciphers_live.py`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nodeward.errors import UsageError
from nodeward.model import Severity, UrlRef
from nodeward.probe import ProbeOptions, probe_url
from nodeward.probe.ciphers import (
    CLASS_KEYS,
    MAX_CIPHER_HANDSHAKES,
    CipherReport,
    cipher_errors,
    cipher_skips,
    classify,
    judge_ciphers,
    local_suites,
    review_ciphers,
)
from nodeward.probe.fixtures import fixture_transport
from nodeward.probe.grade import GradeDetail
from nodeward.probe.preload import (
    PreloadList,
    load_preload_list,
    parse_preload_list,
    strip_json_comments,
)
from nodeward.probe.tls import parse_tls_fixture

URL = "https://example.test/"


def _suite(name: str, *, kea: str = "kx-ecdhe", auth: str = "auth-rsa", symmetric: str | None = "aes-128-gcm",
           aead: bool = True, bits: int = 128, protocol: str = "TLSv1.2") -> dict[str, object]:
    return {"name": name, "kea": kea, "auth": auth, "symmetric": symmetric, "aead": aead, "strength_bits": bits, "protocol": protocol}


@pytest.mark.parametrize(("suite", "expected"), [
    (_suite("ECDHE-RSA-AES128-GCM-SHA256"), "aead"),
    (_suite("ECDHE-RSA-CHACHA20-POLY1305", symmetric="chacha20-poly1305"), "aead"),
    (_suite("ECDHE-RSA-AES128-SHA", symmetric="aes-128-cbc", aead=False), "cbc"),
    (_suite("DHE-RSA-CAMELLIA128-SHA", kea="kx-dhe", symmetric="camellia-128-cbc", aead=False), "cbc"),
    (_suite("AES128-GCM-SHA256", kea="kx-rsa"), "static-rsa"),
    (_suite("AES256-SHA", kea="kx-rsa", symmetric="aes-256-cbc", aead=False), "static-rsa"),
    (_suite("DES-CBC3-SHA", kea="kx-rsa", symmetric="des-ede3-cbc", aead=False, bits=112), "3des"),
    (_suite("ECDHE-RSA-DES-CBC3-SHA", symmetric="des-ede3-cbc", aead=False, bits=112), "3des"),
    (_suite("DES-CBC-SHA", kea="kx-rsa", symmetric="des-cbc", aead=False, bits=56), "des"),
    (_suite("RC4-SHA", kea="kx-rsa", symmetric="rc4", aead=False), "rc4"),
    (_suite("EXP-RC4-MD5", kea="kx-rsa", symmetric="rc4", aead=False, bits=40), "export"),
    (_suite("AECDH-AES256-SHA", auth="auth-null", symmetric="aes-256-cbc", aead=False), "anonymous"),
    (_suite("ADH-AES128-GCM-SHA256", kea="kx-dhe", auth="auth-null"), "anonymous"),
    (_suite("AECDH-NULL-SHA", auth="auth-null", symmetric=None, aead=False, bits=0), "null"),
    (_suite("NULL-SHA256", kea="kx-rsa", symmetric=None, aead=False, bits=0), "null"),
    (_suite("TLS_AES_128_GCM_SHA256", kea="kx-any", auth="auth-any", protocol="TLSv1.3"), None),
    (_suite("PSK-AES128-GCM-SHA256", kea="kx-psk", auth="auth-psk"), None),
    (_suite("SRP-AES-128-CBC-SHA", kea="kx-srp", auth="auth-srp", symmetric="aes-128-cbc", aead=False), None),
])
def test_classify(suite: dict[str, object], expected: str | None) -> None:
    assert classify(suite) == expected


def test_local_suites_cover_what_this_openssl_offers() -> None:
    suites = local_suites()
    assert set(suites) == set(CLASS_KEYS)
    assert "ECDHE-RSA-AES128-GCM-SHA256" in suites["aead"]
    assert "AES128-GCM-SHA256" in suites["static-rsa"]
    assert all(not n.startswith("TLS_") for names in suites.values() for n in names)


class FakeServer:
    """Accepts a fixed set of suites and picks the first one offered that it accepts (client order)."""

    def __init__(self, accepts: set[str], fail_on: str | None = None) -> None:
        self.accepts = accepts
        self.fail_on = fail_on
        self.offers: list[str] = []

    def __call__(self, cipher_string: str) -> str | None:
        self.offers.append(cipher_string)
        names = [n for n in cipher_string.split(":") if not n.startswith("@")]
        if self.fail_on and self.fail_on in names:
            raise TimeoutError("timed out")
        return next((n for n in names if n in self.accepts), None)


SUITES = {
    "null": ("NULL-SHA256",),
    "anonymous": ("AECDH-AES256-SHA",),
    "export": (),
    "rc4": (),
    "des": (),
    "3des": (),
    "static-rsa": ("AES128-GCM-SHA256", "AES256-GCM-SHA384", "AES128-SHA", "AES256-SHA"),
    "cbc": ("ECDHE-RSA-AES128-SHA", "ECDHE-RSA-AES256-SHA"),
    "aead": ("ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384"),
}


def test_review_enumerates_each_class_and_stops_at_refusal() -> None:
    server = FakeServer({"AES128-SHA", "AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384"})
    report = review_ciphers(server, SUITES)
    assert report.accepted == (("static-rsa", ("AES256-GCM-SHA384", "AES128-SHA")), ("aead", ("ECDHE-RSA-AES256-GCM-SHA384",)))
    assert set(report.rejected) == {"null", "anonymous", "cbc"}
    assert report.untestable == ("export", "rc4", "des", "3des")
    # null, anonymous, cbc: 1 each; static-rsa: 2 accepted + 1 refused; aead: 1 (one suite answers it).
    assert report.handshakes == len(server.offers) == 7
    assert all(o.endswith(":@SECLEVEL=0") for o in server.offers)


def test_review_hard_caps() -> None:
    everything = {n for names in SUITES.values() for n in names}
    per_class = review_ciphers(FakeServer(everything), SUITES, per_class=1)
    assert per_class.suites("static-rsa") == ("AES128-GCM-SHA256",)
    assert "static-rsa" in per_class.capped and "cbc" in per_class.capped
    many = {f"S{i}" for i in range(200)}
    greedy = FakeServer(many)
    report = review_ciphers(greedy, {"cbc": tuple(sorted(many))}, max_handshakes=10_000, per_class=10_000)
    assert report.handshakes == len(greedy.offers) == MAX_CIPHER_HANDSHAKES
    assert report.capped == ("cbc",)
    assert any("stopped listing" in s.reason for s in cipher_skips(report, URL))


def test_network_failure_is_no_verdict() -> None:
    report = review_ciphers(FakeServer({"ECDHE-RSA-AES128-GCM-SHA256"}, fail_on="AES128-SHA"), SUITES)
    assert [k for k, _ in report.failed] == ["static-rsa"]
    assert "static-rsa" not in report.rejected
    [error] = cipher_errors(report, URL)
    assert error.incomplete and not error.fatal
    assert "static RSA" in error.message and "timed out" in error.message
    reasons = [s.reason for s in cipher_skips(report, URL)]
    assert any("cannot offer" in r and "RC4" in r for r in reasons)


def _report(*accepted: tuple[str, tuple[str, ...]], tls13: bool = True) -> CipherReport:
    return CipherReport(accepted=accepted, tls13=tls13)


def test_verdicts_and_severities() -> None:
    [only3des] = judge_ciphers(_report(("3des", ("DES-CBC3-SHA",)), ("aead", ("ECDHE-RSA-AES128-GCM-SHA256",))), URL)
    assert (only3des.rule_id, only3des.severity) == ("NW924", Severity.MEDIUM)
    assert "SWEET32" in only3des.message
    [rc4] = judge_ciphers(_report(("rc4", ("RC4-SHA",)), ("3des", ("DES-CBC3-SHA",))), URL)
    assert (rc4.rule_id, rc4.severity) == ("NW924", Severity.HIGH)
    [cbc_low] = judge_ciphers(_report(("cbc", ("ECDHE-RSA-AES128-SHA",)), ("aead", ("ECDHE-RSA-AES128-GCM-SHA256",))), URL)
    assert (cbc_low.rule_id, cbc_low.severity) == ("NW929", Severity.LOW)
    [cbc_tls13] = judge_ciphers(_report(("cbc", ("ECDHE-RSA-AES128-SHA",)), tls13=True), URL)
    assert cbc_tls13.severity is Severity.LOW
    [cbc_best] = judge_ciphers(_report(("cbc", ("ECDHE-RSA-AES128-SHA",)), tls13=False), URL)
    assert cbc_best.severity is Severity.MEDIUM and "best it offers" in cbc_best.message
    fs = judge_ciphers(_report(("static-rsa", ("AES128-GCM-SHA256",)), ("aead", ("ECDHE-RSA-AES128-GCM-SHA256",))), URL)
    assert [f.rule_id for f in fs] == ["NW928"]
    assert isinstance(fs[0].location, UrlRef) and (fs[0].location.url, fs[0].location.method) == (URL, "TLS")
    assert judge_ciphers(_report(("aead", ("ECDHE-RSA-AES128-GCM-SHA256",))), URL) == []


def test_tls_fixture_cipher_lines() -> None:
    r = parse_tls_fixture("host: example.test\nprotocols: TLSv1.2\ntls1.2 cbc: ECDHE-RSA-AES128-SHA\ntls1.2 untestable: rc4 3des\n")
    assert r.ciphers is not None
    assert r.ciphers.suites("cbc") == ("ECDHE-RSA-AES128-SHA",) and r.ciphers.untestable == ("rc4", "3des")
    assert r.ciphers.tls13 is False
    assert parse_tls_fixture("host: example.test\nprotocols: TLSv1.2\n").ciphers is None
    with pytest.raises(ValueError, match="unknown cipher class"):
        parse_tls_fixture("host: x\ntls1.2 weak: RC4-SHA\n")


# ---------------------------------------------------------------- preload list


@pytest.mark.parametrize(("text", "expected"), [
    ('{"a": 1} // note', '{"a": 1}'),
    ('{"u": "https://x.example//y"} // c', '{"u": "https://x.example//y"}'),
    ('{"q": "say \\"//hi\\""}', '{"q": "say \\"//hi\\""}'),
    ('/* block\n comment */{"a": 2}', '{"a": 2}'),
    ('{"s": "/* not a comment */"}', '{"s": "/* not a comment */"}'),
    ('{\n  // indented comment line\n  "a": "//", "b": "x" // trailing\n}', '{"a": "//", "b": "x"}'),
])
def test_strip_json_comments(text: str, expected: str) -> None:
    stripped = strip_json_comments(text)
    assert json.loads(stripped) == json.loads(expected)
    assert stripped.count("\n") == text.count("\n")  # line numbers in parse errors stay true


LIST = """// Chromium-format extract
{
  "entries": [
    // comment line inside the array
    { "name": "example.test", "policy": "bulk-1-year", "mode": "force-https", "include_subdomains": true },
    { "name": "Shop.Example.ORG", "policy": "custom", "mode": "force-https" },
    { "name": "pins.example.org", "policy": "google", "pins": "google" },
    { "name": "xn--bcher-kva.example", "mode": "force-https", "include_subdomains": true }
  ]
}
"""


@pytest.mark.parametrize(("host", "entry"), [
    ("example.test", "example.test"),
    ("www.example.test", "example.test"),
    ("a.b.example.test.", "example.test"),
    ("shop.example.org", "shop.example.org"),
    ("www.shop.example.org", None),         # parent entry without include_subdomains
    ("pins.example.org", None),             # pinning-only entry, no force-https
    ("example.org", None),
    ("bücher.example", "xn--bcher-kva.example"),
    ("notexample.test", None),
])
def test_preload_lookup(host: str, entry: str | None) -> None:
    found = parse_preload_list(LIST).lookup(host)
    assert (found.name if found else None) == entry


@pytest.mark.parametrize(("text", "message"), [
    ("[1, 2]", "entries"),
    ('{"entries": [{"mode": "force-https"}]}', "entries[0]"),
    # A trailing comma: Python 3.13 places the error at the comma (line 3), earlier versions at
    # the bracket after it (line 4); either way the message names a line and a column.
    ('{\n"entries": [\n{"name": "a"},\n]}', "not JSON after removing // comments"),
])
def test_preload_list_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_preload_list(text)


def test_load_preload_list_usage_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(UsageError, match="cannot read"):
        load_preload_list(str(tmp_path / "missing.json"))
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(UsageError, match="cannot read"):
        load_preload_list(str(binary))
    big = tmp_path / "big.json"
    big.write_text('{"entries": []}' + " " * 100)
    monkeypatch.setattr("nodeward.probe.preload.MAX_LIST_BYTES", 50)
    with pytest.raises(UsageError, match="more than the 50"):
        load_preload_list(str(big))
    with pytest.raises(UsageError, match="--hsts-preload-list file not found"):
        probe_url("http://example.test/", ProbeOptions(hsts_preload_list=str(tmp_path / "nope.json")))


# ---------------------------------------------------------------- preload verdicts, end to end over MockTransport

REDIRECT = "GET http://{host}/\nHTTP/1.1 301 Moved Permanently\nLocation: https://{host}/\n"
PAGE = "HTTP/1.1 200 OK\nContent-Type: text/html\nStrict-Transport-Security: {hsts}\n\n<!doctype html><title>x</title>"


def _probe(host: str, hsts: str, tmp_path: Path, *, list_text: str | None = LIST, redirect: bool = True) -> list[tuple[str, str, str]]:
    blocks = ([REDIRECT.format(host=host)] if redirect else []) + [PAGE.format(hsts=hsts)]
    options = ProbeOptions(https_url=f"https://{host}/", check_tls=False)
    if list_text is not None:
        path = tmp_path / "list.json"
        path.write_text(list_text)
        options = ProbeOptions(https_url=f"https://{host}/", check_tls=False, hsts_preload_list=str(path))
    result = probe_url(f"http://{host}/", options, transport=fixture_transport("\n---\n".join(blocks)))
    out = []
    for f in result.findings:
        if f.rule_id in ("NW918", "NW919"):
            assert isinstance(f.location, UrlRef)
            out.append((f.rule_id, f.location.url, f.message))
    return out


def test_listed_by_own_entry_but_preload_removed(tmp_path: Path) -> None:
    got = _probe("example.test", "max-age=63072000; includeSubDomains", tmp_path)
    assert [(r, u) for r, u, _ in got] == [("NW918", "https://example.test/"), ("NW919", "https://example.test/")]
    assert "no longer carries `preload`" in got[0][2] and "can be removed" in got[0][2]
    assert "own entry" in got[1][2] and "bulk-1-year" in got[1][2]


def test_preloaded_through_parent_domain(tmp_path: Path) -> None:
    got = _probe("www.example.test", "max-age=300", tmp_path)
    # Only the parent's entry: the subdomain's own header is not a preload request, nothing to remove.
    assert [(r, u) for r, u, _ in got] == [("NW919", "https://www.example.test/")]
    assert "entry for `example.test` with include_subdomains" in got[0][2]


def test_preload_requested_without_the_requirements(tmp_path: Path) -> None:
    got = _probe("site.example", "max-age=600; preload", tmp_path, list_text=None, redirect=False)
    assert [(r, u) for r, u, _ in got] == [("NW918", "https://site.example/")]
    msg = got[0][2]
    assert "max-age=600 is below 31536000" in msg and "no includeSubDomains" in msg and "not a redirect to HTTPS" in msg


def test_no_preload_request_and_no_list_is_silent(tmp_path: Path) -> None:
    assert _probe("site.example", "max-age=63072000; includeSubDomains", tmp_path, list_text=None) == []


def test_eligible_but_not_listed(tmp_path: Path) -> None:
    got = _probe("site.example", "max-age=63072000; includeSubDomains; preload", tmp_path)
    assert [(r, u) for r, u, _ in got] == [("NW919", "https://site.example/")]
    assert "not on the given list" in got[0][2] and "HTTPS on every subdomain" in got[0][2]


def test_preloaded_overrides_the_header_in_the_grade_as_observatory_does(tmp_path: Path) -> None:
    """Observatory: "If they're in the preloaded list, this overrides most anything else" (+5, even without a header)."""
    path = tmp_path / "list.json"
    path.write_text(LIST)
    blocks = [REDIRECT.format(host="example.test"), "HTTP/1.1 200 OK\nContent-Type: text/html\n\n<!doctype html><title>x</title>"]
    options = ProbeOptions(https_url="https://example.test/", check_tls=False, hsts_preload_list=str(path))
    result = probe_url("http://example.test/", options, transport=fixture_transport("\n---\n".join(blocks)))
    grade = next(f for f in result.findings if f.rule_id == "NW900")
    assert isinstance(grade.detail, GradeDetail)
    row = next(r for r in grade.detail.grade.rows if r.check == "strict-transport-security")
    assert (row.result, row.modifier) == ("hsts-preloaded", 5)
    assert {f.rule_id for f in result.findings} >= {"NW916", "NW918", "NW919"}  # still no header: NW916 stands
    without = probe_url("http://example.test/", ProbeOptions(https_url="https://example.test/", check_tls=False),
                        transport=fixture_transport("\n---\n".join(blocks)))
    grade2 = next(f for f in without.findings if f.rule_id == "NW900")
    assert isinstance(grade2.detail, GradeDetail)
    row2 = next(r for r in grade2.detail.grade.rows if r.check == "strict-transport-security")
    assert (row2.result, row2.modifier) == ("hsts-not-implemented", -20)


def test_preload_list_type() -> None:
    assert isinstance(parse_preload_list('{"entries": []}', "x.json"), PreloadList)
