"""The OSV API and npm bulk clients against a local server that speaks their protocols."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nodeward.cli import main
from nodeward.deps.advisories.npm_bulk import NpmBulkSource
from nodeward.deps.advisories.npmrc import DEFAULT_REGISTRY, registry_config
from nodeward.deps.advisories.osv_api import OsvApiSource
from nodeward.errors import AdvisoryConnectionError, AdvisorySourceError
from tests.conftest import SHARED
from tests.deps.fake_feeds import FeedState, closed_port_url, serve

PAIRS = [("debug", "2.6.8"), ("minimist", "1.2.5"), ("semver", "7.5.1"), ("ms", "2.0.0"), ("express", "4.17.1")]


def test_osv_querybatch_then_vulns_with_pagination_and_cache(tmp_path: Path) -> None:
    with serve(FeedState(page_size=1)) as (url, state):
        src = OsvApiSource(url, timeout=5, cache_dir=tmp_path)
        got = sorted(a.id for a in src.query(PAIRS))
        assert got == ["GHSA-c2qf-rxjj-qqgw", "GHSA-gxpj-cx7g-858c", "GHSA-qw6h-vgh9-j6wx", "GHSA-rv95-896h-c2vc", "GHSA-xvch-5gv4-984h"]
        posts = [r for r in state.requests if r[0] == "POST"]
        assert posts[0][1] == "/v1/querybatch" and len(posts) == 2, "the second page was requested"
        assert posts[0][2]["queries"][0] == {"package": {"name": "debug", "ecosystem": "npm"}, "version": "2.6.8"}
        gets = [r[1] for r in state.requests if r[0] == "GET"]
        assert sorted(gets) == [f"/v1/vulns/{i}" for i in got]
        state.requests.clear()
        src.query(PAIRS)
        assert not [r for r in state.requests if r[0] == "GET"], "unchanged `modified`: served from the cache"


def test_npm_bulk_with_registry_from_npmrc(tmp_path: Path) -> None:
    with serve() as (url, state):
        (tmp_path / ".npmrc").write_text(f"registry={url}/npm/\n//127.0.0.1:{url.rsplit(':', 1)[1]}/npm/:_authToken=${{TEST_TOKEN}}\n")
        reg = registry_config(tmp_path, {"HOME": str(tmp_path / "home"), "TEST_TOKEN": "s3cret"})
        assert reg.url == f"{url}/npm/" and reg.token == "s3cret" and "s3cret" not in repr(reg)
        advs = NpmBulkSource(reg, timeout=5).query(PAIRS)
        assert state.requests[0][1] == "/npm/-/npm/v1/security/advisories/bulk"
        assert state.requests[0][2]["debug"] == ["2.6.8"]
        assert state.auth[0] == "Bearer s3cret"
        ids = {a.id for a in advs}
        assert {"GHSA-gxpj-cx7g-858c", "GHSA-xvch-5gv4-984h", "GHSA-c2qf-rxjj-qqgw"} <= ids


def test_registry_default_and_user_npmrc(tmp_path: Path) -> None:
    assert registry_config(tmp_path, {"HOME": str(tmp_path)}).url == DEFAULT_REGISTRY
    (tmp_path / ".npmrc").write_text("registry=https://npm.example.internal/repo\n")
    reg = registry_config(tmp_path / "project", {"HOME": str(tmp_path)})
    assert reg.url == "https://npm.example.internal/repo/" and reg.origin.endswith(".npmrc")
    assert registry_config(tmp_path, {"HOME": str(tmp_path), "npm_config_registry": "https://env.example/"}).origin == "environment"


def test_unreachable_and_retired_sources_raise() -> None:
    with pytest.raises(AdvisoryConnectionError, match="unreachable"):
        OsvApiSource(closed_port_url(), timeout=2).query(PAIRS)
    with serve(FeedState(status=410)) as (url, _):
        reg = registry_config(Path("/nonexistent"), {"npm_config_registry": url})
        with pytest.raises(AdvisorySourceError, match="HTTP 410 Gone"):
            NpmBulkSource(reg, timeout=2).query(PAIRS)


def test_cli_osv_source_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(SHARED / "lockfiles" / "pnpm10-9.0", tmp_path / "p")
    with serve() as (url, _):
        code = main(["deps", str(tmp_path / "p"), "--source", "osv", "--osv-url", url, "-f", "json"])
    import json

    data = json.loads(capsys.readouterr().out)
    assert code == 1
    assert {f["advisory_id"] for f in data["findings"] if f["rule_id"] == "NW701"} == {"GHSA-gxpj-cx7g-858c", "GHSA-xvch-5gv4-984h", "GHSA-c2qf-rxjj-qqgw"}
    assert all(f["advisory_source"] == "osv-api" for f in data["findings"] if f["rule_id"] == "NW701")


def test_cli_unreachable_source_exits_3_never_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(SHARED / "lockfiles" / "npm11-v3", tmp_path / "p")
    (tmp_path / "p" / ".npmrc").write_text(f"registry={closed_port_url()}/\n")
    code = main(["deps", str(tmp_path / "p"), "--source", "npm", "--timeout", "2"])
    out = capsys.readouterr().out
    assert code == 3
    assert "advisory source failed" in out and "unreachable" in out


def test_osv_and_npm_records_merge_by_alias(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(SHARED / "lockfiles" / "npm11-v3", tmp_path / "p")
    with serve() as (url, _):
        (tmp_path / "p" / ".npmrc").write_text(f"registry={url}/\n")
        code = main(["deps", str(tmp_path / "p"), "--source", "osv", "--source", "npm", "--osv-url", url, "-f", "json"])
    import json

    data = json.loads(capsys.readouterr().out)
    ids = sorted(f["advisory_id"] for f in data["findings"] if f["rule_id"] == "NW701")
    assert code == 1 and ids == ["GHSA-c2qf-rxjj-qqgw", "GHSA-gxpj-cx7g-858c", "GHSA-xvch-5gv4-984h"], "one finding per advisory"
