"""The node-semver port against node-semver's own fixture tables and against node-semver in Node.

The tables in data/node_semver_fixtures.json are node-semver's
test/fixtures/range-include.js, range-exclude.js and comparisons.js (ISC
licence), converted to [range-or-a, version-or-b, loose, includePrerelease].
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import nodesemver
import pytest

from nodeward.deps.semver import (
    Range,
    SemverError,
    compare,
    max_satisfying,
    min_satisfying,
    parse_version,
    satisfies,
    valid_range,
)
from tests.deps.oracle import ask, require_oracle

FIXTURES = json.loads((Path(__file__).parent / "data" / "node_semver_fixtures.json").read_text())


@pytest.mark.parametrize("rng,version,loose,incpre", FIXTURES["range-include"])
def test_range_include(rng: str, version: str, loose: bool, incpre: bool) -> None:
    assert satisfies(version, rng, loose=loose, include_prerelease=incpre), (rng, version)


@pytest.mark.parametrize("rng,version,loose,incpre", FIXTURES["range-exclude"])
def test_range_exclude(rng: str, version: str | None, loose: bool, incpre: bool) -> None:
    assert not satisfies(version, rng, loose=loose, include_prerelease=incpre), (rng, version)


@pytest.mark.parametrize("a,b,loose,_incpre", FIXTURES["comparisons"])
def test_comparisons(a: str, b: str, loose: bool, _incpre: bool) -> None:
    assert compare(a, b, loose) == 1
    assert compare(b, a, loose) == -1
    assert compare(a, a, loose) == 0


def test_prerelease_is_below_its_release_even_with_include_prerelease() -> None:
    # The PyPI port gets this wrong: with include_prerelease it treats the prerelease as equal.
    assert nodesemver.satisfies("4.17.21-beta.1", "<4.17.21", include_prerelease=True) is False
    assert satisfies("4.17.21-beta.1", "<4.17.21", include_prerelease=True)
    assert not satisfies("4.17.21-beta.1", "<4.17.21")
    assert parse_version("4.17.21-beta.1") < parse_version("4.17.21")  # type: ignore[operator]
    assert satisfies("1.0.0-rc1", "*", include_prerelease=True)


def test_invalid_inputs_are_false_or_errors_not_crashes() -> None:
    assert parse_version("1.2") is None
    assert parse_version("x" * 300) is None
    assert not satisfies("1.2.3", ">=1.2.3 <")
    assert valid_range("not a range") is None
    with pytest.raises(SemverError):
        Range("blerg")
    with pytest.raises(SemverError):
        compare("1.2", "1.2.3")


def test_desugaring_matches_node_semver_text() -> None:
    assert valid_range("^1.2.3") == ">=1.2.3 <2.0.0-0"
    assert valid_range("~1.2") == ">=1.2.0 <1.3.0-0"
    assert valid_range("1.2.3 - 2.3.4") == ">=1.2.3 <=2.3.4"
    assert valid_range("*", include_prerelease=True) == "*"
    assert valid_range("^1.2.3", include_prerelease=True) == ">=1.2.3 <2.0.0-0"


def test_max_min_satisfying() -> None:
    versions = ["1.2.3", "1.2.4", "1.3.0-beta.1", "2.0.0"]
    assert max_satisfying(versions, "^1.2.0") == "1.2.4"
    assert max_satisfying(versions, "^1.2.0", include_prerelease=True) == "1.3.0-beta.1"
    assert min_satisfying(versions, ">1.2.3") == "1.2.4"


def _corpus() -> tuple[list[str], list[str]]:
    ranges = sorted({r for r, *_ in FIXTURES["range-include"] + FIXTURES["range-exclude"] if isinstance(r, str)})
    ranges += ["<4.17.21", ">=4.0.0 <4.17.21", "<=0.0.4", ">=5.0.0-alpha.1 <5.0.0-beta.3", "^0.0.1-alpha || >=3", "1.x || >=2.5.0 || 5.0.0 - 7.2.3"]
    versions = ["0.0.0", "0.0.1", "0.2.4", "1.0.0", "1.0.0-rc1", "1.2.3", "1.2.3-beta", "1.2.3-pre.2", "1.3.0-beta", "2.0.0", "2.0.0-pre.0", "2.4.3-alpha", "4.17.20", "4.17.21", "4.17.21-beta.1", "5.0.0-alpha.1", "5.0.0-beta.2", "5.0.0", "7.2.3", "0.7.2", "0.6.2", "3.0.0-pre.0"]
    rnd = random.Random(7)
    for _ in range(40):
        v = f"{rnd.randint(0, 5)}.{rnd.randint(0, 5)}.{rnd.randint(0, 5)}"
        versions.append(v + rnd.choice(["", "", "-alpha", "-beta.2", "-rc.1", "-0"]))
    return ranges, sorted(set(versions))


def test_satisfies_agrees_with_node_semver() -> None:
    require_oracle()
    ranges, versions = _corpus()
    queries = [["satisfies", v, r, inc] for r in ranges for v in versions for inc in (False, True)]
    expected = ask(queries)
    mismatches = [
        (q, e) for q, e in zip(queries, expected, strict=True) if satisfies(q[1], q[2], include_prerelease=q[3]) != e
    ]
    assert not mismatches, mismatches[:10]
    assert len(queries) > 5000


def test_compare_agrees_with_node_semver() -> None:
    require_oracle()
    _, versions = _corpus()
    queries = [["compare", a, b] for a in versions for b in versions]
    expected = ask(queries)
    assert [compare(q[1], q[2]) for q in queries] == expected
