"""Fingerprints of findings on code that holds a secret cannot be used to test password guesses.

The attack: a fingerprint is `sha256(rule, path, normalised code, n)`; given a published baseline
or SARIF file and a wordlist, one computes it for `jwt.sign(p, 'guess')` at GPU speed.  These
tests run the real `scan` pipeline and check, for every finding on a line that holds a secret,
that no syntax node around the secret (with any occurrence index) reproduces its fingerprint,
while fingerprints stay stable across line moves, differ between two secrets in the same place,
and are unchanged for code that holds no secret (old baselines keep matching).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from nodeward.analysis.rules.base import finding_at
from nodeward.config import Config
from nodeward.model import Confidence, Finding, Severity, make_fingerprint
from nodeward.sast.parse import parse
from nodeward.scanner import scan
from nodeward.secrets.candidate import secret_hash
from nodeward.secrets.fingerprint import secret_free_code, secret_free_text, secret_token

APP = """\
const jwt = require('jsonwebtoken');
const session = require('express-session');
const crypto = require('crypto');
const express = require('express');
const { Sequelize } = require('sequelize');
const app = express();
app.use(session({ secret: 'Summer2023!', cookie: {} }));
function issue(user) {
  return jwt.sign({ sub: user.id }, 'Summer2023!');
}
function check(token) {
  return jwt.verify(token, 'Winter2024!');
}
const c = crypto.createCipher('aes192', 'Autumn2022!');
const db = new Sequelize('shop', 'app', 'Spring2021!', { host: 'db.prod.internal' });
"""
SECRETS = ("Summer2023!", "Winter2024!", "Autumn2022!", "Spring2021!")


def _scan(root: Path, files: dict[str, str]) -> list[Finding]:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    cfg = Config(min_confidence=Confidence.LOW, min_severity=Severity.INFO)
    return list(scan(root, cfg).findings)


def _nodes_holding(source: str, secret: str) -> list[str]:
    """The text of every syntax node whose text contains `secret` (and prefixes of 400 chars)."""
    tree = parse(source.encode(), "javascript")
    out: list[str] = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        text = (node.text or b"").decode()
        if secret in text:
            out += [text, text[:400], text[:240]]
            stack.extend(node.children)
    lines = [ln for ln in source.splitlines() if secret in ln]
    return out + lines + [ln.strip() for ln in lines]


def test_no_fingerprint_can_be_recomputed_from_a_guessed_secret(tmp_path: Path) -> None:
    findings = _scan(tmp_path, {"app.js": APP})
    lines_with_secret = {i + 1 for i, ln in enumerate(APP.splitlines()) if any(s in ln for s in SECRETS)}
    on_secret_lines = [f for f in findings if f.line in lines_with_secret]
    rules = {f.rule_id for f in on_secret_lines}
    # the SAST rules that report on these calls, and the secrets rule for the values themselves
    assert {"NW403", "NW501", "NW503", "NW303", "NW806"} <= rules, rules
    for f in on_secret_lines:
        for secret in SECRETS:
            guesses = {make_fingerprint(f.rule_id, f.path, t, n) for t in _nodes_holding(APP, secret) for n in range(3)}
            guesses.add(make_fingerprint(f.rule_id, f.path, secret))
            guesses.add(make_fingerprint(f.rule_id, f.path, hashlib.sha256(secret.encode()).hexdigest()))
            assert f.fingerprint not in guesses, (f.rule_id, f.line, secret)


def test_stable_across_line_moves_and_distinct_per_secret(tmp_path: Path) -> None:
    before = _scan(tmp_path / "a", {"app.js": APP})
    moved = _scan(tmp_path / "b", {"app.js": "// moved down\n\n" + APP.replace("function check", "\n\nfunction check")})
    changed = _scan(tmp_path / "c", {"app.js": APP.replace("'Winter2024!'", "'Winter2025!'")})

    def by_rule_line(fs: list[Finding], shift: int = 0) -> dict[tuple[str, int], str]:
        return {(f.rule_id, f.line - shift): f.fingerprint for f in fs}

    assert sorted(f.fingerprint for f in before) == sorted(f.fingerprint for f in moved)
    a, c = by_rule_line(before), by_rule_line(changed)
    # line 12 holds the changed secret: its SAST finding and its secrets finding get new identities
    assert a[("NW501", 12)] != c[("NW501", 12)]
    assert a[("NW806", 12)] != c[("NW806", 12)]
    assert {k: v for k, v in a.items() if k[1] != 12} == {k: v for k, v in c.items() if k[1] != 12}


def test_code_without_a_secret_keeps_its_plain_code_fingerprint(tmp_path: Path) -> None:
    """Old baselines keep matching: no secret, no change to the fingerprint scheme."""
    src = "const jwt = require('jsonwebtoken');\nexports.issue = (u) => jwt.sign({ sub: u.id }, process.env.JWT_SECRET);\n"
    (f,) = [f for f in _scan(tmp_path, {"auth.js": src}) if f.rule_id == "NW503"]
    assert f.fingerprint == make_fingerprint("NW503", "auth.js", "jwt.sign({ sub: u.id }, process.env.JWT_SECRET)", 0)


def test_secret_free_code_replaces_only_secret_places() -> None:
    src = (
        "jwt.sign(p, 'Summer2023!', { algorithm: 'HS256' });\n"
        "x = { password: 'Hq7-pass', label: 'Password' };\n"
        "new Sequelize('shop', 'app', 'Spring2021!');\n"
        "fetch('https://api.example.org', { headers: { auth: token } });\n"
        "send(`key sk_live_4eC39HqLyjWDarjtT1zdp7dc`);\n"
    )
    tree = parse(src.encode(), "javascript")
    stmts = [s.named_children[0] for s in tree.root_node.named_children]
    texts = [secret_free_code(s, (s.text or b"").decode()) for s in stmts]
    assert texts[0] == f"jwt.sign(p, {secret_token('Summer2023!')}, {{ algorithm: 'HS256' }})"
    assert texts[1] == f"x = {{ password: {secret_token('Hq7-pass')}, label: 'Password' }}"
    assert texts[2] == f"new Sequelize('shop', 'app', {secret_token('Spring2021!')})"
    assert texts[3] == (stmts[3].text or b"").decode()  # nothing secret: unchanged
    assert "sk_live_" not in texts[4] and secret_token("sk_live_4eC39HqLyjWDarjtT1zdp7dc") in texts[4]
    assert secret_token("x") == f"<secret:{secret_hash('x')[:16]}>"


def test_cut_code_is_cut_after_replacement() -> None:
    """A long node is fingerprinted by its first 400 characters; a secret replaced inside them
    does not pull later text (or a later secret) into the key."""
    pem_like = "A" * 900
    src = f"jwt.sign(p, '{pem_like}', {{ a: 1 }}); jwt.sign(p, 'Later-secret-1');\n"
    tree = parse(src.encode(), "javascript")
    node = tree.root_node.named_children[0]
    out = secret_free_code(node, (node.text or b"").decode()[:400])
    assert len(out) <= 400 and pem_like not in out and "Later-secret" not in out


def test_app_model_findings_hash_snippets_without_their_secrets() -> None:
    from nodeward.registry import ALL_RULES

    rule = next(r for r in ALL_RULES if r.id == "NW102")
    key = "ghp_" + "q7Lm2Rx9Tz4Wv8Np3Hs6Jd1Fb5GkAe0Cx2Yu"
    snippet = f"exec(`curl -H 'Authorization: token {key}' ${{req.query.url}}`)"
    f = finding_at(rule, "routes/fetch.js", 3, 5, snippet, "m", "fix")
    assert f.fingerprint != make_fingerprint(rule.id, "routes/fetch.js", snippet)
    assert f.fingerprint == make_fingerprint(rule.id, "routes/fetch.js", snippet.replace(key, secret_token(key)))
    assert secret_free_text("res.send(req.query.q)") == "res.send(req.query.q)"


def test_secrets_findings_never_hash_their_line() -> None:
    """Every NW8xx finding on the labelled evaluation set (all detectors, code and config) is
    fingerprinted from the scrypt hash of its value, not from the text around it."""
    from nw_secrets_helpers import CORPUS, secrets_scan

    result = secrets_scan(CORPUS, min_confidence=Confidence.LOW)
    checked = 0
    for f in result.findings:
        if f.rule_id in ("NW801", "NW802"):
            continue  # file-level: keyed by "tracked" / "not-ignored", no value at all
        line = (CORPUS / f.path).read_text(errors="replace").splitlines()[f.line - 1]
        plain = {make_fingerprint(f.rule_id, f.path, t, n) for t in (line, line.strip()) for n in range(3)}
        assert f.fingerprint not in plain, (f.rule_id, f.path, f.line)
        checked += 1
    assert checked >= 60
