"""nodeward's Observatory-comparable rows against MDN HTTP Observatory's own verdicts.

`data/observatory_reference.json` holds what Observatory 1.4.8's scanner answered
for 43 served configurations (recorded by `bench/probe_observatory.py --variants
--write-reference`, which runs the real scanner against a real server).  Here the
same configurations are served through `httpx.MockTransport`, so the comparison
runs in CI without node or the Observatory package.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nodeward.probe import ProbeOptions, probe_url
from nodeward.probe.fixtures import fixture_transport

REFERENCE = json.loads((Path(__file__).parent / "data" / "observatory_reference.json").read_text())

# Where nodeward deliberately differs from Observatory (documented in docs/probe.md).
KNOWN_DIFFERENCES = {
    ("hsts-invalid", "strict-transport-security"): "max-age=abc: browsers ignore it; Observatory counts six months",
}


def _fixture(config: dict[str, Any]) -> str:
    page = "HTTP/1.1 200 OK\nContent-Type: text/html; charset=utf-8\n"
    page += "".join(f"{k}: {v}\n" for k, v in config["headers"])
    page += "".join(f"Set-Cookie: {c}\n" for c in config["cookies"])
    page += "\n" + config["body"]
    blocks = [f"GET https://obs.test/\n{page}"]
    if config["redirect"] == "https":
        blocks.append("GET http://obs.test/\nHTTP/1.1 301 Moved Permanently\nLocation: https://obs.test/\n")
    elif config["redirect"] == "http-first":
        blocks.append("GET http://obs.test/\nHTTP/1.1 301 Moved Permanently\nLocation: http://obs.test/index.html\n")
    else:
        blocks.append(f"GET http://obs.test/\n{page}")
    return "\n---\n".join(blocks)


@pytest.mark.parametrize("variant", sorted(REFERENCE))
def test_rows_match_observatory(variant: str) -> None:
    ref = REFERENCE[variant]
    result = probe_url("http://obs.test/", ProbeOptions(https_url="https://obs.test/", check_tls=False),
                       transport=fixture_transport(_fixture(ref["config"])))
    grade = next(f for f in result.findings if f.rule_id == "NW900")
    assert grade.detail is not None
    fields = grade.detail.json_fields()
    rows = {c["check"]: [c["result"], c["modifier"]] for c in fields["checks"] if c["source"] == "observatory"}  # type: ignore[index,union-attr]
    for test, expected in ref["tests"].items():
        if (variant, test) in KNOWN_DIFFERENCES:
            assert rows[test] != expected
            continue
        assert rows[test] == expected, f"{variant}/{test}"
    if not any(v == variant for v, _ in KNOWN_DIFFERENCES):
        assert fields["observatory_score"] == ref["score"]


def test_reference_covers_every_observatory_result_family() -> None:
    results = {r for v in REFERENCE.values() for r, _ in v["tests"].values()}
    for prefix in ("csp-", "cookies-", "cross-origin-resource-sharing-", "redirection-", "referrer-policy-", "hsts-", "sri-",
                   "x-content-type-options-", "x-frame-options-", "corp-"):
        assert len({r for r in results if r.startswith(prefix)}) >= 2, prefix
