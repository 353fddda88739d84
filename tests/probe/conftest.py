"""Module-scoped live servers for the probe tests (started once, stopped by PID)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.probe.certs import CertFiles, make_certs
from tests.probe.servers import RunningApp, node_available, start_app

# Fixture values for the served `.env`: fake, and asserted to never appear in any report.
FAKE_ENV = "DB_PASSWORD=fixture-db-pass-7f3a\nSESSION_SECRET=fixture-session-9c2e\n# comment\n"


def _site(root: Path) -> Path:
    """The insecure app's served "project root": dotfiles, git metadata, package.json, a map."""
    site = root / "site"
    (site / ".git").mkdir(parents=True)
    (site / "static").mkdir()
    (site / ".env").write_text(FAKE_ENV)
    (site / ".git" / "config").write_text("[core]\n\trepositoryformatversion = 0\n\tbare = false\n")
    (site / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (site / "package.json").write_text('{"name": "acme-payments", "version": "1.0.0", "dependencies": {"express": "4.21.2"}}')
    (site / "static" / "app.js").write_text("document.title = 'Acme';\n")
    (site / "static" / "app.js.map").write_text('{"version":3,"sources":["src/app.ts"],"names":[],"mappings":"AAAA"}')
    return site


@pytest.fixture(scope="module")
def insecure_certs(tmp_path_factory: pytest.TempPathFactory) -> CertFiles:
    # Expired, and issued for another name: the TLS checks must report both.
    return make_certs(tmp_path_factory.mktemp("insecure-certs"), ip=None, dns="insecure.invalid", expired=True)


@pytest.fixture(scope="module")
def insecure_app(tmp_path_factory: pytest.TempPathFactory, insecure_certs: CertFiles) -> Iterator[RunningApp]:
    reason = node_available("probe-insecure")
    if reason:
        pytest.skip(reason)
    root = tmp_path_factory.mktemp("probe-insecure")
    certs = insecure_certs
    env = {"TLS_KEY": str(certs.key), "TLS_CERT": str(certs.cert), "SITE_ROOT": str(_site(root))}
    app = start_app("probe-insecure", env, root / "server.log")
    try:
        yield app
    finally:
        app.stop()


@pytest.fixture(scope="module")
def hardened_certs(tmp_path_factory: pytest.TempPathFactory) -> CertFiles:
    return make_certs(tmp_path_factory.mktemp("hardened-certs"))


@pytest.fixture(scope="module")
def hardened_app(tmp_path_factory: pytest.TempPathFactory, hardened_certs: CertFiles) -> Iterator[RunningApp]:
    reason = node_available("probe-hardened")
    if reason:
        pytest.skip(reason)
    root = tmp_path_factory.mktemp("probe-hardened")
    env = {"TLS_KEY": str(hardened_certs.key), "TLS_CERT": str(hardened_certs.cert), "SESSION_SECRET": "test-only-session-secret-0000"}
    app = start_app("probe-hardened", env, root / "server.log")
    try:
        yield app
    finally:
        app.stop()
