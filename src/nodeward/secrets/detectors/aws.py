"""AWS access key (NW810)."""

from __future__ import annotations

import re

from nodeward.secrets.detectors.base import ROTATE, Detector, secret_rule

RULE = secret_rule(
    "NW810",
    "aws-access-key",
    "An AWS access key id or secret access key in a file",
    what="Finds AWS access key values in any text file of the project (code, config, `.env`, docs).",
    why=ROTATE,
    example="""
AWS_ACCESS_KEY_ID=AKIAQ7TZ3WJXKPRN5V2M
AWS_SECRET_ACCESS_KEY=Tq8vNx2LmR5wKp9ZcY3bHj6FsD1gXe4AoU7iWr0E
""",
    use_instead="""
const awsaccesskeyid = process.env.AWS_ACCESS_KEY_ID;
""",
    references=('https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html',),
)

DETECTOR = Detector(
    rule=RULE,
    kind="AWS access key",
    keywords=('akia', 'asia', 'abia', 'acca', 'secret_access_key', 'secretaccesskey', 'aws_secret', 'awssecret'),
    patterns=(
        re.compile(r"""\b(?P<secret>(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b"""),
        re.compile(r"""(?i)(?P<key>aws_?secret_?(?:access_?)?key|secret_?access_?key)[\"']?\s*[:=]\s*[\"']?(?P<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"""),
    ),

)
