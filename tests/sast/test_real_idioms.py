"""SAST false alarms found by scanning real, maintained servers (bench/real_apps.py).

The fixture is written for this test (no code of those apps is copied): each `// ok:` line is
the idiom that was misread, each `// ruleid:` line the risky twin the rule must still catch.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nodeward.sast.rules.regex import nested_quantifier
from tests.sast.test_fixtures import annotations, findings_of

FIXTURE = Path(__file__).resolve().parent / "data" / "real_idioms.js"
RULES = {"NW102", "NW302", "NW502", "NW604"}


def test_real_idioms_findings_equal_annotations() -> None:
    expected, forbidden = annotations(FIXTURE.read_text())
    assert {r for r, _ in expected} == RULES and {r for r, _ in forbidden} == RULES
    found = {f for f in findings_of(FIXTURE) if f[0] in RULES}
    assert found == expected
    assert not found & forbidden


@pytest.mark.parametrize(
    ("pattern", "flagged"),
    [
        (r"(?:[~^][0-9]*)*", False),  # class of punctuation disjoint from the repeated part
        (r"(?:[,;]\s*\w+)*", False),
        (r"([\/.]\w+)+", False),
        (r"(?:[_.]\w+)+", True),  # `_` is also a word character: repetitions overlap
        (r"([-+]\d+)*x", True),  # a range-like dash is not taken as a separator
        (r"([a-z][a-z0-9]*)*", True),
        (r"([^,]\w*)*", True),  # negated classes match almost anything
    ],
)
def test_small_punctuation_class_is_a_separator(pattern: str, flagged: bool) -> None:
    assert nested_quantifier(pattern) is flagged


@pytest.mark.parametrize(
    ("pattern", "flagged"),
    [
        (r"^([^<>]|<[^<>]*>)*$", False),  # text or a tag: `<` decides, `>` ends the tag
        (r"(\s|/\*[^*]*\*/)*", False),  # blanks and block comments
        (r"(x|<[^>]*>)+y", False),
        (r"(\d|x\d*\D)*", False),
        (r"([^<]|<[^<]*)*", True),  # a tag without its terminator: `<aaa` splits many ways
        (r"(<.*>|x)*", True),  # `.` also matches the terminator
        (r"(a|ab*)*", True),  # both alternatives start with `a`
        (r"(\s+|x)*", True),  # a repeated first atom
        (r"(\S|\s<\S*>)*", True),  # beyond ASCII \s and \S are not modelled: kept
        (r"(a|b[a-z]*c)*", True),  # the terminator `c` is in `[a-z]`
    ],
)
def test_alternation_with_disjoint_starts_and_terminated_repeats(pattern: str, flagged: bool) -> None:
    assert nested_quantifier(pattern) is flagged


@pytest.mark.parametrize(
    ("pattern", "flagged"),
    [
        (r"(?:\s+[\w./:=-]+)*\s*$", False),  # arguments after blanks
        (r"(\s+-\w+)*x", False),
        (r"(\s+\d+)+x", False),
        (r"(\s+\w+\s*)*x", True),  # trailing blanks trade with the next run
        (r"(\s+[\s\w]+)*x", True),  # the word class also matches blanks
        (r"(\s+\w.*)*x", True),  # `.` matches blanks
        (r"(\s*\w+)*x", True),  # optional blanks: words split anywhere
        (r"(\s+[^,]+)*x", True),  # a negated class matches blanks
    ],
)
def test_blank_run_then_word_is_a_separator(pattern: str, flagged: bool) -> None:
    assert nested_quantifier(pattern) is flagged


def test_legacy_helmet_headers_disabled_are_low(tmp_path: Path) -> None:
    """`xXssProtection: false` leaves out `X-XSS-Protection: 0` (a filter modern browsers
    dropped); `hsts: false` drops a real defence."""
    from nodeward.model import Severity
    from tests.analysis.helpers import scan_app

    (tmp_path / "a.js").write_text(
        "const helmet = require('helmet');\n"
        "exports.api = helmet({ originAgentCluster: false, xDnsPrefetchControl: false, xXssProtection: false });\n"
        "exports.site = helmet({ hsts: false, xXssProtection: false });\n"
    )
    got = {(f.location.start_line, f.severity) for f in scan_app(tmp_path).findings if f.rule_id == "NW409"}
    assert got == {(2, Severity.LOW), (3, Severity.MEDIUM)}


def test_command_from_own_fields_is_low(tmp_path: Path) -> None:
    """A service installer's `execSync(`systemctl restart ${this.serviceName}`)` is still a
    shell string, but nobody calling the method chooses it: low.  A parameter stays high."""
    from nodeward.model import Severity
    from tests.analysis.helpers import scan_app

    (tmp_path / "svc.js").write_text(
        "const { execSync } = require('child_process');\n"
        "class Installer {\n"
        "  start() { execSync(`systemctl start ${this.serviceName}`); }\n"
        "  owner() { return execSync(`id -u ${this.opts.user || process.env.SUDO_USER}`); }\n"
        "  add(user) { execSync(`useradd -m ${user}`); }\n"
        "  mixed(group) { execSync(`usermod -a -G ${group} ${this.user}`); }\n"
        "}\n"
        "module.exports = Installer;\n"
    )
    got = {(f.location.start_line, f.severity) for f in scan_app(tmp_path).findings if f.rule_id == "NW102"}
    assert got == {(3, Severity.LOW), (4, Severity.LOW), (5, Severity.HIGH), (6, Severity.HIGH)}


def test_math_random_ids_in_test_doubles_are_not_secrets(tmp_path: Path) -> None:
    """A fake store numbering its records, a test's random id: not secrets.  The same line in
    a real store is reported."""
    from tests.analysis.helpers import scan_app

    line = "exports.add = (links, link) => links.push({ ...link, id: String(Math.random()) });\n"
    for rel in ("lib/fake-link-store.js", "lib/__mocks__/store.js", "lib/store.test.js", "test/helpers.js", "lib/link-store.js"):
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(line)
    got = {f.path for f in scan_app(tmp_path).findings if f.rule_id == "NW302"}
    assert got == {"lib/link-store.js"}
