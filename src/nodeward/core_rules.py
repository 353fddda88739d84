"""Rules about nodeward itself (suppressions), in the NW0xx block."""

from __future__ import annotations

from nodeward.model import Confidence, Rule, Severity
from nodeward.ruledocs import make_docs

__all__ = ["RULES", "UNUSED_SUPPRESSION", "BLANKET_SUPPRESSION"]

UNUSED_SUPPRESSION = Rule(
    id="NW000",
    name="unused-suppression",
    summary="A `nodeward-ignore` comment that suppresses nothing",
    severity=Severity.INFO,
    confidence=Confidence.HIGH,
    cwe=(),
    owasp=(),
    guide_section="",
    family="core",
    docs=make_docs(
        what="Reports `// nodeward-ignore NWxxx` comments that no finding on that line or the next matched.",
        why=(
            "A stale suppression hides the next real finding on that line and tells reviewers "
            "a risk was accepted when there is none left to accept."
        ),
        example="""
// nodeward-ignore NW101 reviewed: constant input
const total = 1 + 2;
""",
        use_instead="""
const total = 1 + 2;
""",
        references=["https://docs.astral.sh/ruff/rules/unused-noqa/"],
    ),
)

BLANKET_SUPPRESSION = Rule(
    id="NW001",
    name="blanket-suppression",
    summary="A `nodeward-ignore` comment without a rule id or name",
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    cwe=(),
    owasp=(),
    guide_section="",
    family="core",
    docs=make_docs(
        what="Reports `// nodeward-ignore` comments that name no rule; they are refused and suppress nothing.",
        why=(
            "A blanket ignore silences every present and future rule on the line, including ones "
            "nobody reviewed (bandit's `# nosec` history)."
        ),
        example="""
const cp = require('child_process');
// nodeward-ignore
cp.exec(process.argv[2]);
""",
        use_instead="""
const cp = require('child_process');
// nodeward-ignore NW102 the CLI runs the operator's own command
cp.exec(process.argv[2]);
""",
        references=["https://bandit.readthedocs.io/en/latest/config.html#exclusions"],
    ),
)

RULES: tuple[Rule, ...] = (UNUSED_SUPPRESSION, BLANKET_SUPPRESSION)
