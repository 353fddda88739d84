"""Anthropic API key (NW830)."""

from __future__ import annotations

import re

from nodeward.secrets.detectors.base import ROTATE, Detector, secret_rule

RULE = secret_rule(
    "NW830",
    "anthropic-api-key",
    "An Anthropic API or admin key",
    what="Finds Anthropic API key values in any text file of the project (code, config, `.env`, docs).",
    why=ROTATE,
    example="""
ANTHROPIC_API_KEY=sk-ant-api03-qBu4wweocv81k2lsNaWQrZzhB4GZqT8hqt0pmpsLww0sAO_DGpUxjKbgRBWZRZX1VlxeVZ4DNCNnOBFXL4k41GiLP9qG3AA
""",
    use_instead="""
const anthropicapikey = process.env.ANTHROPIC_API_KEY;
""",
    references=('https://docs.anthropic.com/en/api/getting-started',),
)

DETECTOR = Detector(
    rule=RULE,
    kind="Anthropic API key",
    keywords=('sk-ant-',),
    patterns=(
        re.compile(r"""\b(?P<secret>sk-ant-(?:api03|admin01)-[A-Za-z0-9_-]{93}AA)(?![A-Za-z0-9_-])"""),
    ),

)
