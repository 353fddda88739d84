"""Advisory parsing and matching on the 64 real GHSA records, with expectations from node-semver."""

from __future__ import annotations

import json
from pathlib import Path

from nodeward.deps.advisories.base import merge_advisories
from nodeward.deps.advisories.cvss import cvss3_base_score
from nodeward.deps.advisories.files import OsvFilesSource, iter_osv_records
from nodeward.deps.advisories.model import AffectedPackage, parse_osv
from nodeward.deps.match import affected_by, bound_version, fixed_versions_for
from nodeward.deps.semver import parse_version
from nodeward.model import Severity
from tests.conftest import SHARED
from tests.deps.oracle import ask, require_oracle

ADVISORIES = SHARED / "advisories"


def _load(ghsa: str) -> dict:  # type: ignore[type-arg]
    return json.loads((ADVISORIES / f"{ghsa}.json").read_text())


def _all() -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(p.read_text()) for p in sorted(ADVISORIES.glob("GHSA-*.json"))]


def test_every_shared_record_parses() -> None:
    records = _all()
    assert len(records) == 64
    parsed = [parse_osv(r) for r in records]
    assert all(a.id.startswith("GHSA-") for a in parsed)
    no_npm = [a.id for a in parsed if not a.affected]
    assert no_npm == ["GHSA-j8xg-fqg3-53r7"], "only the record mislabelled `GitHub Actions` has no npm entry"


def test_record_oddities() -> None:
    axios = parse_osv(_load("GHSA-8hc4-vh64-cxmj"))
    assert [a.name for a in axios.affected] == ["axios"], "package names are matched case-insensitively"
    moment = parse_osv(_load("GHSA-8hfj-j24r-96c4"))
    assert {a.name for a in moment.affected} == {"moment"}, "NuGet's Moment.js entry is skipped"
    hb = parse_osv(_load("GHSA-2cf5-4w76-r9qv"))
    assert hb.aliases == () and hb.severity is not None
    lowercase = parse_osv(_load("GHSA-x5rq-j2xg-h7qm"))
    assert lowercase.severity == Severity.MEDIUM, "`moderate` in lower case"
    empty_score = parse_osv(_load("GHSA-cqmj-92xf-r6r9"))
    assert empty_score.cvss_score is None and empty_score.severity == Severity.HIGH
    malware = parse_osv(_load("GHSA-pjwm-rvh2-c87w"))
    assert malware.malicious and malware.severity == Severity.CRITICAL
    debug = parse_osv(_load("GHSA-gxpj-cx7g-858c"))
    assert debug.cvss_vector.startswith("CVSS:3.0/") and debug.cvss_score == 5.3


def test_cvss3_scores() -> None:
    assert cvss3_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H") == 9.8
    assert cvss3_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H") == 10.0
    assert cvss3_base_score("CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N") == 0.0
    assert cvss3_base_score("CVSS:4.0/AV:N") is None
    assert cvss3_base_score("garbage") is None


def test_edge_case_matching() -> None:
    lodash = parse_osv(_load("GHSA-29mw-wpgm-hmr9")).for_package("lodash")[0]
    assert affected_by(lodash, "4.17.20") and not affected_by(lodash, "4.17.21")
    assert affected_by(lodash, "4.17.21-beta.1"), "a prerelease of the fix is still vulnerable"
    serialize = parse_osv(_load("GHSA-q4v7-4rhw-9hqm")).for_package("node-serialize")[0]
    assert affected_by(serialize, "0.0.4") and affected_by(serialize, "99.0.0"), "no fix: every later version"
    assert fixed_versions_for(serialize, "0.0.4") == ()
    fetch = parse_osv(_load("GHSA-r683-j2x4-v87g")).for_package("node-fetch")
    assert bound_version("1.0") == parse_version("1.0.0-0"), "a partial bound covers the line's prereleases"
    # Two ranges in this record: [0, 2.6.7) and [`1.0`, 3.1.1): the second one still covers 2.6.7.
    assert [affected_by(a, "2.6.7") for a in fetch] == [True, False]
    assert [affected_by(a, "0.9.0") for a in fetch] == [False, True]
    assert not any(affected_by(a, "3.1.1") for a in fetch)
    express = parse_osv(_load("GHSA-rv95-896h-c2vc")).for_package("express")
    assert any(affected_by(a, "5.0.0-beta.1") for a in express)
    assert not any(affected_by(a, "5.0.0-beta.3") for a in express)
    assert not any(affected_by(a, "4.19.2") for a in express)
    ua = parse_osv(_load("GHSA-pjwm-rvh2-c87w")).for_package("ua-parser-js")
    assert [affected_by(a, "0.7.29") for a in ua] == [True, False, False]
    assert not any(affected_by(a, "0.7.30") for a in ua)


def _range_text(events: tuple[tuple[str, str], ...]) -> str:
    """OSV events as a node-semver range, built independently of nodeward's event walker."""
    parts, start = [], None
    for kind, value in events:
        if kind == "introduced":
            start = ">=0.0.0-0" if value == "0" else f">={value}"
        elif kind == "fixed" and start is not None:
            parts.append(f"{start} <{value}")
            start = None
        elif kind == "last_affected" and start is not None:
            parts.append(f"{start} <={value}")
            start = None
    if start is not None:
        parts.append(start)
    return " || ".join(parts) or "<0.0.0-0"


def _probe_versions(events: tuple[tuple[str, str], ...]) -> list[str]:
    out = set()
    for _, value in events:
        v = bound_version(value)
        if v is None:
            continue
        out.update({str(v), f"{v.major}.{v.minor}.{v.patch}-beta.1", f"{v.major}.{v.minor}.{v.patch + 1}", f"{v.major}.{v.minor + 1}.0", f"{v.major + 1}.0.0"})
        if v.patch:
            out.add(f"{v.major}.{v.minor}.{v.patch - 1}")
        if v.minor:
            out.add(f"{v.major}.{v.minor - 1}.99")
    return sorted(out)


def test_matching_agrees_with_node_semver_on_every_shared_record() -> None:
    require_oracle()
    cases: list[tuple[AffectedPackage, str, str]] = []
    for rec in _all():
        adv = parse_osv(rec)
        for aff in adv.affected:
            for r in aff.ranges:
                rng = _range_text(r.events)
                cases.extend((AffectedPackage(aff.name, (r,)), v, rng) for v in _probe_versions(r.events))
    expected = ask([["satisfies", v, rng, True] for _, v, rng in cases])
    wrong = [(a.name, v, rng, e) for (a, v, rng), e in zip(cases, expected, strict=True) if affected_by(a, v) != e]
    assert not wrong, wrong[:10]
    assert len(cases) > 500


def test_merge_by_alias_and_withdrawn() -> None:
    rec = _load("GHSA-35jh-r3h4-6jhm")
    copy = dict(rec, id="CVE-2021-23337", aliases=["GHSA-35jh-r3h4-6jhm"])
    gone = dict(_load("GHSA-p6mc-m468-83gw"), withdrawn="2024-01-01T00:00:00Z")
    merged = merge_advisories([parse_osv(copy), parse_osv(rec), parse_osv(gone)])
    assert [a.id for a in merged] == ["GHSA-35jh-r3h4-6jhm"]
    assert merged[0].aliases == ("CVE-2021-23337",)


def test_folder_zip_and_bad_records(tmp_path: Path) -> None:
    import zipfile

    (tmp_path / "recs").mkdir()
    (tmp_path / "recs" / "a.json").write_text(json.dumps(_load("GHSA-35jh-r3h4-6jhm")))
    (tmp_path / "recs" / "bad.json").write_text("{ not json")
    with zipfile.ZipFile(tmp_path / "all.zip", "w") as zf:
        zf.writestr("GHSA-xvch-5gv4-984h.json", json.dumps(_load("GHSA-xvch-5gv4-984h")))
        zf.writestr("broken.json", "[1, 2]")
    src = OsvFilesSource([tmp_path / "recs", tmp_path / "all.zip"])
    got = {a.id for a in src.query([("lodash", "4.17.20"), ("Minimist", "1.2.5")])}
    assert got == {"GHSA-35jh-r3h4-6jhm", "GHSA-xvch-5gv4-984h"}
    reasons = sorted(p.reason.split(":")[0] for p in src.problems)
    assert reasons == ["invalid JSON", "not a JSON object"]
    problems: list = []  # type: ignore[type-arg]
    assert len(list(iter_osv_records(ADVISORIES, problems))) == 64 and problems == []
