"""Google Cloud API key or service-account key (NW811).

Service-account JSON is often stored base64-encoded in one environment variable
(`GOOGLE_CREDENTIALS_B64=ewogICJ0eXBlIjog...`) so that it fits a CI secret or a
`.env` line.  Base64 hides `"private_key"` from every text pattern, but
`service_account` encodes to one of three fixed strings whatever its offset, so
those are the keywords, and the blob is confirmed by decoding it.
"""

from __future__ import annotations

import base64
import binascii
import re

from nodeward.secrets.detectors.base import ROTATE, Detector, secret_rule

RULE = secret_rule(
    "NW811",
    "gcp-credential",
    "A Google Cloud API key or service-account private key id",
    what="Finds Google Cloud API key or service-account key values in any text file of the project (code, config, `.env`, docs).",
    why=ROTATE,
    example="""
GOOGLE_MAPS_KEY=AIzazymMlopiWfqUyHRSIf8NFmAUNLnY5Yx0y3R
""",
    use_instead="""
const googlemapskey = process.env.GOOGLE_MAPS_KEY;
""",
    references=('https://cloud.google.com/docs/authentication/api-keys#securing',),
)

_B64_SERVICE_ACCOUNT = ("c2vydmljzv9hy2nvdw50", "nlcnzpy2vfywnjb3vu", "zzxj2awnlx2fjy291")
"""`service_account` in base64 at offsets 0, 1 and 2 (lower-case: the prefilter ignores case)."""


def _is_key(value: str) -> bool:
    """API keys and key ids pass; a base64 blob must decode to service-account JSON with a key."""
    if value.startswith("AIza") or len(value) == 40:
        return True
    try:
        data = base64.b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return False
    return b"service_account" in data and b'"private_key"' in data and b"PRIVATE KEY" in data


DETECTOR = Detector(
    rule=RULE,
    kind="Google Cloud API key or service-account key",
    keywords=('aiza', 'private_key_id', *_B64_SERVICE_ACCOUNT),
    patterns=(
        # Not the `apiKey` of a Firebase web config (followed by its `*.firebaseapp.com` auth
        # domain): Firebase documents those keys as public identifiers shipped to every browser.
        re.compile(r"""\b(?P<secret>AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])(?![\s\S]{0,400}?\.firebaseapp\.com)"""),
        re.compile(r"""\"private_key_id\"\s*:\s*\"(?P<secret>[a-f0-9]{40})\""""),
        re.compile(r"""(?<![A-Za-z0-9+/])(?P<secret>[A-Za-z0-9+/]{200,}={0,2})(?![A-Za-z0-9+/=])"""),
    ),
    validate=_is_key,
    window_lines=4,
)
