"""Every probe rule's docs are executed: Example must produce the rule, Use instead must not.

`http` blocks are served by `httpx.MockTransport` and probed end to end (no
socket); `tls` blocks are judged by the TLS check on the described handshake.
"""

from __future__ import annotations

import datetime as dt

import pytest

from nodeward.model import Rule, UrlRef
from nodeward.probe import ProbeOptions, probe_url
from nodeward.probe.fixtures import fixture_transport
from nodeward.probe.rules import LOGIN_WITHOUT_RATE_LIMIT, PROBE_GRADE, RULES, SPOOFABLE_RATE_LIMIT
from nodeward.probe.tls import judge_tls, parse_tls_fixture
from nodeward.ruledocs import REQUIRED_SECTIONS, code_blocks, sections

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)
URL = "http://example.test/"
HTTPS = "https://example.test/"


def _options(rule: Rule) -> ProbeOptions:
    rate = rule.id in (LOGIN_WITHOUT_RATE_LIMIT.id, SPOOFABLE_RATE_LIMIT.id)
    return ProbeOptions(
        https_url=HTTPS,
        check_tls=False,
        login_path="/login",
        login_body="user=alice&password=wrong",
        rate_limit_probe=rate,
        attempts=4,
    )


def _rule_ids(rule: Rule, lang: str, code: str) -> list[str]:
    if lang == "tls":
        report = parse_tls_fixture(code)
        return [f.rule_id for f in judge_tls(report, "https://example.test/", now=NOW)]
    assert lang == "http", f"{rule.id}: unexpected fence language {lang!r}"
    result = probe_url(URL, _options(rule), transport=fixture_transport(code))
    assert not result.failed, result.errors
    for f in result.findings:
        assert isinstance(f.location, UrlRef) and f.location.url.startswith(("http://example.test/", "https://example.test/"))
    return [f.rule_id for f in result.findings]


CASES = [(r, b) for r in RULES for b in code_blocks(r.docs)]


@pytest.mark.parametrize(("rule", "block"), CASES, ids=[f"{r.id}-{b.section.replace(' ', '_')}-{i}" for i, (r, b) in enumerate(CASES)])
def test_docs_block(rule: Rule, block: object) -> None:
    from nodeward.ruledocs import CodeBlock

    assert isinstance(block, CodeBlock)
    ids = _rule_ids(rule, block.lang, block.code)
    if rule is PROBE_GRADE:
        result = probe_url(URL, _options(rule), transport=fixture_transport(block.code))
        grade = next(f for f in result.findings if f.rule_id == PROBE_GRADE.id)
        fields = grade.detail.json_fields() if grade.detail else {}
        assert fields["grade"] == ("F" if block.section == "Example" else "A+")
        return
    if block.section == "Example":
        assert rule.id in ids, f"{rule.id} Example did not produce {rule.id}: {ids}"
    else:
        assert rule.id not in ids, f"{rule.id} Use instead produced {rule.id}"


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_docs_shape(rule: Rule) -> None:
    assert rule.family == "probe"
    assert rule.id.startswith("NW9") and 900 <= int(rule.id[2:]) <= 999
    assert list(sections(rule.docs)) == list(REQUIRED_SECTIONS)
    blocks = code_blocks(rule.docs)
    assert any(b.section == "Example" for b in blocks) and any(b.section == "Use instead" for b in blocks)
    assert all(b.lang in ("http", "tls") for b in blocks)
