"""PyPI upload token (NW822)."""

from __future__ import annotations

import re

from nodeward.secrets.detectors.base import ROTATE, Detector, secret_rule

RULE = secret_rule(
    "NW822",
    "pypi-upload-token",
    "A PyPI API token",
    what="Finds PyPI upload token values in any text file of the project (code, config, `.env`, docs).",
    why=ROTATE,
    example="""
PYPI_TOKEN=pypi-AgEIcHlwaS5vcmcCJDk3ZTRmNjBhLTYxYjgtNDQ5Yy04NzlkLWZmNzZlYjRhNGM1ZQACKlszLCI3
""",
    use_instead="""
const pypitoken = process.env.PYPI_TOKEN;
""",
    references=('https://pypi.org/help/#apitoken',),
)

DETECTOR = Detector(
    rule=RULE,
    kind="PyPI upload token",
    keywords=('pypi-ageichlwas5vcmc',),
    patterns=(
        re.compile(r"""\b(?P<secret>pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,})"""),
    ),

)
