"""Cipher-suite review and HSTS preload against real Node HTTPS servers on 127.0.0.1.

One Node process (`tests/apps/probe-tls`) serves every profile below on its own
ports: Mozilla's intermediate suites, Node's defaults with an RSA and with an
ECDSA certificate, a server accepting NULL/anonymous/static-RSA suites, a
CBC-only TLS 1.2 server, and a TLS 1.3-only one.  Each test asserts rule id,
URL and method of the findings (ports are random, so URLs are compared whole).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nodeward.cli import main
from nodeward.model import Finding, ScanResult, Severity, UrlRef
from nodeward.probe import ProbeOptions, probe_url
from nodeward.probe.ciphers import local_suites
from nodeward.probe.grade import GradeDetail
from nodeward.probe.tls import probe_tls
from tests.probe.certs import CertFiles, make_certs
from tests.probe.tls_servers import TlsProfiles, node_missing, start_profiles

INTERMEDIATE = ":".join((
    "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
    "DHE-RSA-AES128-GCM-SHA256", "DHE-RSA-AES256-GCM-SHA384",
))
PRELOAD_HSTS = "max-age=63072000; includeSubDomains; preload"

PROFILES: dict[str, dict[str, Any]] = {
    "intermediate": {"cert": "rsa", "ciphers": INTERMEDIATE, "hsts": PRELOAD_HSTS},
    # Node 20's defaults (no `ciphers` option): its list includes `HIGH`, so static RSA and CBC.
    "node-default-rsa": {"cert": "rsa", "hsts": "max-age=31536000; preload"},
    "node-default-ec": {"cert": "ec", "hsts": "max-age=31536000; includeSubDomains"},
    "broken": {"cert": "rsa", "ciphers": "aNULL:eNULL:AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0", "hsts": PRELOAD_HSTS, "redirect": "none"},
    "cbc-only": {"cert": "ec", "ciphers": "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384", "maxVersion": "TLSv1.2",
                 "hsts": PRELOAD_HSTS, "httpsRedirect": "/home"},
    "tls13-only": {"cert": "ec", "minVersion": "TLSv1.3", "hsts": PRELOAD_HSTS},
}


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, CertFiles], Path]:
    folder = tmp_path_factory.mktemp("probe-tls-certs")
    certs = {
        # Two CAs in one bundle need distinct names (chain building looks issuers up by name).
        "rsa": make_certs(folder / "rsa", dns="localhost", key_type="rsa", ca_name="nodeward test CA (RSA)"),
        "ec": make_certs(folder / "ec", dns="localhost", ca_name="nodeward test CA (ECDSA)"),
    }
    ca = folder / "ca-bundle.pem"
    ca.write_bytes(certs["rsa"].ca.read_bytes() + certs["ec"].ca.read_bytes())
    return certs, ca


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory, bundle: tuple[dict[str, CertFiles], Path]) -> Iterator[TlsProfiles]:
    reason = node_missing()
    if reason:
        pytest.skip(reason)
    running = start_profiles(tmp_path_factory.mktemp("probe-tls"), bundle[0], PROFILES)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def results(servers: TlsProfiles, bundle: tuple[dict[str, CertFiles], Path]) -> dict[str, ScanResult]:
    """One full probe per profile (HTTP URL + --https-url + the test CAs), shared by the tests."""
    ca = str(bundle[1])
    return {
        name: probe_url(servers.http_url(name), ProbeOptions(https_url=servers.https_url(name), ca_cert=ca))
        for name in PROFILES
    }


def found(result: ScanResult, rule_id: str) -> list[Finding]:
    return [f for f in result.findings if f.rule_id == rule_id]


def one(result: ScanResult, rule_id: str, url: str, method: str) -> Finding:
    fs = found(result, rule_id)
    assert len(fs) == 1, f"{rule_id}: {[f.message for f in fs]}"
    loc = fs[0].location
    assert isinstance(loc, UrlRef)
    assert (loc.url, loc.method) == (url, method)
    return fs[0]


def ids(result: ScanResult) -> set[str]:
    return {f.rule_id for f in result.findings}


CIPHER_RULES = {"NW924", "NW928", "NW929"}


def test_intermediate_profile_has_no_cipher_findings_and_is_preload_eligible(results: dict[str, ScanResult], servers: TlsProfiles) -> None:
    r = results["intermediate"]
    assert ids(r) == {"NW900", "NW919"}
    assert r.errors == ()
    f = one(r, "NW919", servers.https_url("intermediate"), "GET")
    assert f.severity is Severity.INFO
    assert "--hsts-preload-list" in f.message  # eligible, list status not checked
    # No verdict for what this OpenSSL cannot offer: said in the report, not passed silently.
    if not local_suites()["3des"]:
        assert any("cannot offer" in s.reason and "3DES" in s.reason for s in r.skipped)


def test_node_defaults_with_rsa_certificate_accept_static_rsa_and_cbc(results: dict[str, ScanResult], servers: TlsProfiles) -> None:
    r = results["node-default-rsa"]
    url = servers.https_url("node-default-rsa")
    fs = one(r, "NW928", url, "TLS")
    assert "AES256-GCM-SHA384" in fs.message
    cbc = one(r, "NW929", url, "TLS")
    assert cbc.severity is Severity.LOW  # AEAD suites and TLS 1.3 are accepted too
    assert "NW924" not in ids(r)
    pre = one(r, "NW918", url, "GET")
    assert "no includeSubDomains" in pre.message
    assert "NW919" not in ids(r)


def test_node_defaults_with_ecdsa_certificate_accept_cbc_only(results: dict[str, ScanResult], servers: TlsProfiles) -> None:
    r = results["node-default-ec"]
    one(r, "NW929", servers.https_url("node-default-ec"), "TLS")
    # An ECDSA certificate cannot do static-RSA key exchange; no `preload` token, no preload verdict.
    assert not ids(r) & {"NW924", "NW928", "NW918", "NW919"}


def test_broken_suites_are_high_and_listed(results: dict[str, ScanResult], servers: TlsProfiles) -> None:
    r = results["broken"]
    url = servers.https_url("broken")
    weak = one(r, "NW924", url, "TLS")
    assert weak.severity is Severity.HIGH
    assert "NULL encryption" in weak.message and "anonymous" in weak.message
    static = one(r, "NW928", url, "TLS")
    assert "AES128-SHA" in static.message
    assert "NW929" not in ids(r)  # AES128-SHA is CBC but counted once, under its worse class
    pre = one(r, "NW918", url, "GET")
    assert "not a redirect to HTTPS" in pre.message


def test_cbc_as_the_best_offer_is_medium(results: dict[str, ScanResult], servers: TlsProfiles) -> None:
    r = results["cbc-only"]
    url = servers.https_url("cbc-only")
    cbc = one(r, "NW929", url, "TLS")
    assert cbc.severity is Severity.MEDIUM
    assert "ECDHE-ECDSA-AES128-SHA" in cbc.message and "ECDHE-ECDSA-AES256-SHA384" in cbc.message
    assert not ids(r) & {"NW924", "NW928"}
    # HSTS only on /home, not on the HTTPS redirect from / to it: not preloadable.
    pre = list(found(r, "NW918"))
    assert len(pre) == 1 and "first HTTPS response" in pre[0].message
    assert isinstance(pre[0].location, UrlRef) and pre[0].location.url.endswith("/home")


def test_tls13_only_server_needs_no_cipher_review(results: dict[str, ScanResult], servers: TlsProfiles) -> None:
    r = results["tls13-only"]
    assert not ids(r) & CIPHER_RULES
    one(r, "NW919", servers.https_url("tls13-only"), "GET")
    report = probe_tls(servers.https_url("tls13-only"), 5.0)
    assert report.protocols == ("TLSv1.3",) and report.ciphers is None


def test_cipher_review_lists_what_the_server_accepts(servers: TlsProfiles) -> None:
    report = probe_tls(servers.https_url("broken"), 5.0)
    assert report.ciphers is not None
    assert set(report.ciphers.suites("static-rsa")) == {"AES128-SHA"}
    assert report.ciphers.suites("aead") == ("ECDHE-RSA-AES128-GCM-SHA256",)
    assert "cbc" in report.ciphers.rejected
    assert report.ciphers.handshakes <= 40
    strong = probe_tls(servers.https_url("intermediate"), 5.0)
    assert strong.ciphers is not None
    assert [k for k, _ in strong.ciphers.accepted] == ["aead"]
    assert {"null", "anonymous", "static-rsa", "cbc"} <= set(strong.ciphers.rejected)


def hsts_row(result: ScanResult) -> tuple[str, int]:
    """The grade table's strict-transport-security row: (Observatory result key, modifier)."""
    grade = next(x for x in result.findings if x.rule_id == "NW900")
    assert isinstance(grade.detail, GradeDetail)
    row = next(r for r in grade.detail.grade.rows if r.check == "strict-transport-security")
    return row.result, row.modifier


def _preload_list(tmp_path: Path, entries: list[dict[str, Any]]) -> Path:
    body = json.dumps({"entries": entries}, indent=2)
    text = (
        "// Copyright 2026 The Chromium Authors (test extract; format of transport_security_state_static.json)\n"
        "// See https://hstspreload.org/ for the submission requirements.\n"
        + body.replace('"entries": [', '"entries": [\n    // The hard-coded entries.  "//" inside strings must survive: https://example.org//x\n', 1)
    )
    path = tmp_path / "transport_security_state_static.json"
    path.write_text(text)
    return path


def test_preloaded_host_gets_observatory_bonus(servers: TlsProfiles, bundle: tuple[dict[str, CertFiles], Path], tmp_path: Path) -> None:
    listed = _preload_list(tmp_path, [
        {"name": "pinned.example", "policy": "custom", "pins": "google", "note": "https://example.org//not-a-comment"},
        {"name": "localhost", "policy": "test", "mode": "force-https", "include_subdomains": True},
    ])
    https = f"https://localhost:{servers.ports['intermediate']['https']}/"
    http = f"http://localhost:{servers.ports['intermediate']['http']}/"
    r = probe_url(http, ProbeOptions(https_url=https, ca_cert=str(bundle[1]), hsts_preload_list=str(listed)))
    f = one(r, "NW919", https, "GET")
    assert "is preloaded" in f.message and "own entry" in f.message
    assert hsts_row(r) == ("hsts-preloaded", 5)

    # The same server and a list without it: eligible, not listed, no bonus.
    other = _preload_list(tmp_path, [{"name": "example.org", "mode": "force-https", "include_subdomains": True}])
    r2 = probe_url(http, ProbeOptions(https_url=https, ca_cert=str(bundle[1]), hsts_preload_list=str(other)))
    f2 = one(r2, "NW919", https, "GET")
    assert "not on the given list" in f2.message
    assert hsts_row(r2) == ("hsts-implemented-max-age-at-least-six-months", 0)


def test_cli_flag_and_bad_list(servers: TlsProfiles, bundle: tuple[dict[str, CertFiles], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "list.json"
    bad.write_text('{"entries": [ {"name": "a.example"}, ]}  // trailing comma')
    code = main(["probe", servers.http_url("intermediate"), "--https-url", servers.https_url("intermediate"),
                 "--ca-cert", str(bundle[1]), "--hsts-preload-list", str(bad)])
    err = capsys.readouterr().err
    assert code == 2
    assert "--hsts-preload-list" in err and "line 1" in err and "Traceback" not in err
    good = _preload_list(tmp_path, [{"name": "example.org", "mode": "force-https"}])
    code = main(["probe", servers.http_url("intermediate"), "--https-url", servers.https_url("intermediate"),
                 "--ca-cert", str(bundle[1]), "--hsts-preload-list", str(good), "--format", "json", "--fail-on", "low"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert sorted(f["rule_id"] for f in out["findings"]) == ["NW900", "NW919"]


def test_every_class_refused_after_tls12_worked_is_inconclusive(servers: TlsProfiles, monkeypatch: pytest.MonkeyPatch) -> None:
    """A middlebox or client-certificate set-up that breaks pinned handshakes must not read as "no weak suites"."""
    monkeypatch.setattr("nodeward.probe.tls.tls12_handshake", lambda *a, **k: (lambda cipher_string: None))
    report = probe_tls(servers.https_url("broken"), 5.0)
    assert "TLSv1.2" in report.protocols and report.ciphers is not None
    assert report.ciphers.accepted == ()
    assert [k for k, _ in report.ciphers.failed] == ["all classes"]
