"""The labelled evaluation set and per-detector truth tables.

`corpus/app` is a small but complete service tree with real-format FAKE keys
for every detector, near-misses, placeholders, lockfile hashes, UUIDs, docs and
fixtures.  `corpus/*.labels.tsv` list every (path, line, rule) expected at
default confidence; anything else found is a false positive.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from nw_secrets_helpers import CORPUS, labels, secrets_scan, triples

from nodeward.model import Confidence
from nodeward.project import content_skip_reason
from nodeward.secrets.analyzer import scan_bytes, scopes_for
from nodeward.secrets.detectors import DETECTORS
from nodeward.secrets.engine import Engine, available_engines

ENGINES = available_engines()


@pytest.mark.parametrize("engine", ENGINES)
def test_corpus_matches_labels_exactly(engine: str) -> None:
    got = triples(secrets_scan(CORPUS, engine=engine))
    expected = labels()
    assert sorted(expected - got) == [], "missed (false negatives)"
    assert sorted(got - expected) == [], "unexpected (false positives)"


def test_docs_and_fixtures_are_low_confidence_not_dropped() -> None:
    low = {(f.path, f.line, f.rule_id) for f in secrets_scan(CORPUS, min_confidence=Confidence.LOW).findings if f.confidence == Confidence.LOW}
    assert ("app/README.md", 5, "NW810") in low  # AKIAIOSFODNN7EXAMPLE
    assert ("app/README.md", 8, "NW816") in low  # a real-format key, but in docs
    assert ("app/test/fixtures/users.json", 5, "NW807") in low
    assert ("app/src/config.js", 11, "NW808") in low  # JSDoc-style comment example


def test_minified_bundle_is_skipped_with_reason() -> None:
    result = secrets_scan(CORPUS)
    assert any(s.path == "app/dist/app.min.js" and "minified" in s.reason for s in result.skipped)


def _all_files() -> list[Path]:
    extra = [CORPUS.parent.parent.parent / "examples" / "insecure-express"]
    files = [p for root in (CORPUS, *extra) for p in sorted(root.rglob("*")) if p.is_file()]
    return files


@pytest.mark.skipif("hyperscan" not in ENGINES, reason="hyperscan wheel not installed")
def test_hyperscan_and_re_engines_return_identical_matches() -> None:
    hs, rx = Engine("hyperscan"), Engine("re")
    compared = 0
    for path in _all_files():
        data = path.read_bytes()
        if content_skip_reason(path.name, data):
            continue
        scopes = scopes_for(path.name, path.suffix in (".js", ".mjs", ".ts"))
        a = [(m.detector.rule.id, m.offset, m.secret) for m in hs.scan(data, scopes)]
        b = [(m.detector.rule.id, m.offset, m.secret) for m in rx.scan(data, scopes)]
        assert a == b, path
        compared += len(a)
    assert compared > 50


# ---------------------------------------------------------------- truth tables

def _provider_lines() -> dict[str, list[str]]:
    text = (CORPUS / "app" / "providers.env").read_text().splitlines()
    out: dict[str, list[str]] = {}
    for path, line, rule in labels():
        if path == "app/providers.env":
            out.setdefault(rule, []).append(text[line - 1])
    return out


POSITIVES = _provider_lines()
POSITIVES.setdefault("NW803", []).append("//registry.npmjs.org/:_authToken=Qx7rT2mL9vWp4Zk8")
POSITIVES.setdefault("NW808", []).append("REDIS_URL=rediss://default:Zq8xLr2Vn5Kw@cache.prod:6380")
POSITIVES.setdefault("NW837", []).append(
    '{"private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCx7Lm2Rx9Tz4Wv8Np3Hs6Jd1Fb5Gc0\\n-----END PRIVATE KEY-----\\n"}'
)
POSITIVES.setdefault("NW838", []).append('{"kty": "oct", "kid": "hmac-1", "k": "GawgguFyGrWKav7AX4VKUg4xKp8qD2vZ"}')
POSITIVES.setdefault("NW839", []).append(
    "TOKEN=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJvcmRlcnMtd29ya2VyIn0.Kq7Lm2Rx9Tz4Wv8Np3Hs6Jd1Fb5Gc0Ya"
)

NEGATIVES: dict[str, list[str]] = {
    "NW803": ["//registry.npmjs.org/:_authToken=${NPM_TOKEN}", "always-auth=true"],
    "NW807": ["DB_PASSWORD=changeme", "DB_PASSWORD=", "PASSWORD_MIN_LENGTH=12", "JWT_SECRET=${JWT_SECRET}", "TOKEN_TTL=3600s"],
    "NW808": ["MONGO_URL=mongodb://localhost:27017/app", "DB=postgres://app:${DB_PASS}@db/app", "DB=mysql://root:password@localhost/app"],
    "NW810": ["AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "AWS_ACCESS_KEY_ID=AKIA1234", "AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY}"],
    "NW811": ["MAPS=AIzaShort123"],
    "NW812": ["AZURE=AccountKey=short=="],
    "NW813": ["GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "GITHUB_TOKEN=ghp_abc"],
    "NW814": ["GITLAB_TOKEN=glpat-short"],
    "NW815": ["SLACK=xoxb-not-a-token", "HOOK=https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"],
    "NW816": ["STRIPE=sk_test_4eC39HqLyjWDarjtT1zdp7dc", "STRIPE=pk_live_4eC39HqLyjWDarjtT1zdp7dc"],
    "NW817": ["TWILIO_AUTH_TOKEN=${TWILIO_AUTH_TOKEN}", "TWILIO_REGION=us1"],
    "NW818": ["msg.send(payload)"],
    "NW819": ["monkey-business", "key-1234"],
    "NW820": ["user-us1", "x-usage"],
    "NW821": ["npm_config_registry=https://registry.npmjs.org/"],
    "NW822": ["pypi-token"],
    "NW823": ["FCM=AAAA:APA91b-short"],
    "NW824": ["HEROKU_APP_ID=4f9a1c7e-5b2d-4f4a-9c0e-9b7d3f1a5c8e"],
    "NW825": ["DO=dop_v1_short"],
    "NW826": ["SHOP=shpat_short"],
    "NW827": ["SQ=sq0atp-short", "SQ=EAAAshort"],
    "NW828": ["BT=access_token$sandbox$abc$def"],
    "NW829": ["OPENAI_API_KEY=sk-proj-short"],
    "NW830": ["ANTHROPIC_API_KEY=sk-ant-api03-short"],
    "NW831": ["DISCORD_CLIENT_ID=123456789012345678"],
    "NW832": ["TG=12345:AAshort"],
    "NW833": ["OKTA_DOMAIN=dev-123.okta.com"],
    "NW834": ["AUTH0_DOMAIN=tenant.auth0.com"],
    "NW835": ["DD_SITE=datadoghq.eu"],
    "NW836": ["SENTRY_DSN=https://3f9a1c7e5b2d8f4a6c0e9b7d3f1a5c8e@o1.ingest.sentry.io/1"],
    "NW837": ["-----BEGIN PUBLIC KEY-----", "-----BEGIN RSA PRIVATE KEY-----\\n...\\n-----END RSA PRIVATE KEY-----"],
    "NW838": ['{"kty": "EC", "crv": "P-256", "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"}'],
    "NW839": [
        "CURSOR=eyJraW5kIjogImN1cnNvciJ9.eyJwYWdlIjogMiwgInNpemUiOiA1MH0.mfwpG8o3G-JfkW-PlOyLDvlSnT9YcPkw",
        "T=eyJhbGciOiJub25lIn0.eyJzdWIiOiJvcmRlcnMtd29ya2VyIn0.Kq7Lm2Rx9Tz4Wv8Np3Hs6Jd1Fb5Gc0Ya",
    ],
}

CASES = [(rule, payload, True) for rule, items in POSITIVES.items() for payload in items] + [
    (rule, payload, False) for rule, items in NEGATIVES.items() for payload in items
]


def _file_for(rule: str) -> str:
    return ".npmrc" if rule == "NW803" else "service.env"


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("rule", "payload", "should_flag"), CASES, ids=[f"{r}-{'pos' if s else 'neg'}-{i}" for i, (r, _, s) in enumerate(CASES)])
def test_truth_table(engine: str, rule: str, payload: str, should_flag: bool) -> None:
    data = ("# settings\n" + payload + "\n").encode()
    findings = [f for f in scan_bytes(Engine(engine), _file_for(rule), data, False) if f.confidence >= Confidence.MEDIUM]
    hits = [(f.rule_id, f.line) for f in findings if f.rule_id == rule]
    if should_flag:
        assert hits == [(rule, 2)]
    else:
        assert hits == []


def test_every_detector_has_positive_and_negative_cases() -> None:
    ids = {d.rule.id for d in DETECTORS}
    assert ids <= set(POSITIVES), sorted(ids - set(POSITIVES))
    assert ids <= set(NEGATIVES), sorted(ids - set(NEGATIVES))
