"""Azure storage account key or client secret (NW812)."""

from __future__ import annotations

import re

from nodeward.secrets.detectors.base import ROTATE, Detector, secret_rule

RULE = secret_rule(
    "NW812",
    "azure-credential",
    "An Azure storage account key or Entra ID client secret",
    what="Finds Azure storage account key or client secret values in any text file of the project (code, config, `.env`, docs).",
    why=ROTATE,
    example="""
AZURE_CLIENT_SECRET=k9R8Q~tW3nLp5XzB7cV2mJ8hD4fG6sA1qE0yUo.r
""",
    use_instead="""
const azureclientsecret = process.env.AZURE_CLIENT_SECRET;
""",
    references=('https://learn.microsoft.com/en-us/azure/storage/common/storage-account-keys-manage',),
)

DETECTOR = Detector(
    rule=RULE,
    kind="Azure storage account key or client secret",
    keywords=('accountkey', 'q~'),
    patterns=(
        re.compile(r"""(?i)AccountKey=(?P<secret>[A-Za-z0-9+/]{86}==)"""),
        re.compile(r"""(?:^|[\s\"'=:])(?P<secret>[A-Za-z0-9_.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])"""),
    ),

)
