"""NW806 (literal secrets passed to secret-taking APIs) and NW807 in code, through the syntax tree."""

from __future__ import annotations

import pytest

from nodeward.model import Confidence
from nodeward.sast.parse import language_for, parse
from nodeward.secrets.code import check_tree


def found(source: str, path: str = "src/app.js") -> set[tuple[str, int]]:
    lang = language_for(path)
    assert lang is not None
    data = source.encode()
    return {(f.rule_id, f.line) for f in check_tree(path, data, parse(data, lang), lang) if f.confidence >= Confidence.MEDIUM}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("const jwt = require('jsonwebtoken');\njwt.sign(p, 'k-2023-signing');\n", {("NW806", 2)}),
        ("const { sign } = require('jsonwebtoken');\nsign(p, 'k-2023-signing');\n", {("NW806", 2)}),
        ("const { verify: check } = require('jsonwebtoken');\ncheck(t, 'k-2023-signing');\n", {("NW806", 2)}),
        ("const sign = require('jsonwebtoken').sign;\nsign(p, `k-2023-signing`);\n", {("NW806", 2)}),
        ("import jwt from 'jsonwebtoken';\njwt.verify(t, 'k-2023-signing');\n", {("NW806", 2)}),
        ("import * as j from 'jsonwebtoken';\nj.sign(p, 'k-2023-signing');\n", {("NW806", 2)}),
        ("import { sign as s } from 'jsonwebtoken';\ns(p, 'k-2023-signing');\n", {("NW806", 2)}),
        ("const KEY = 'k-2023-signing';\nconst jwt = require('jsonwebtoken');\njwt.sign(p, KEY);\n", {("NW806", 3)}),
        ("const session = require('express-session');\napp.use(session({\n  secret: 'keyboard cat',\n}));\n", {("NW806", 3)}),
        ("import session from 'express-session';\napp.use(session({ secret: ['a-1-key', 'b-2-key'] }));\n", {("NW806", 2)}),
        ("const cp = require('cookie-parser');\napp.use(cp('cookie-secret-123'));\n", {("NW806", 2)}),
        ("const crypto = require('crypto');\ncrypto.createHmac('sha256', 'hmac-key-1').update(b);\n", {("NW806", 2)}),
        ("const { createHmac } = require('node:crypto');\ncreateHmac('sha256', 'hmac-key-1');\n", {("NW806", 2)}),
        (
            "const { Strategy } = require('passport-google-oauth20');\nnew Strategy({ clientID: 'id', clientSecret: 'GOCSPX-q7Lm2Rx9Tz4Wv8Np3Hs6Jd1Fb5G' }, cb);\n",
            {("NW806", 2)},
        ),
        ("const cs = require('cookie-session');\napp.use(cs({ keys: ['k1-long-key', process.env.K2] }));\n", {("NW806", 2)}),
        ("const jwt = require('jsonwebtoken');\njwt.sign(p, 'secret');\n", {("NW806", 2)}),
        ("const crypto = require('crypto');\ncrypto.createCipheriv('aes-256-gcm', 'k'.repeat(1) + 'x', iv);\n", set()),
        ("const crypto = require('crypto');\ncrypto.createCipheriv('aes-256-gcm', '0123456789abcdef0123456789abcdef', iv);\n", {("NW806", 2)}),
        ("const { expressjwt } = require('express-jwt');\napp.use(expressjwt({ secret: 'api-jwt-key-9', algorithms: ['HS256'] }));\n", {("NW806", 2)}),
        # negatives
        ("const jwt = require('jsonwebtoken');\njwt.sign(p, process.env.JWT_SECRET);\n", set()),
        ("const jwt = require('jsonwebtoken');\njwt.sign(p, config.jwtSecret);\n", set()),
        ("const jwt = require('jsonwebtoken');\njwt.sign(p, `k-${process.env.SUFFIX}`);\n", set()),
        ("function sign(a, b) { return b; }\nsign(p, 'not-a-jwt-call');\n", set()),
        ("const jwt = { sign: (a, b) => b };\njwt.sign(p, 'not-a-jwt-call');\n", set()),
        ("const crypto = require('crypto');\ncrypto.createHash('sha256').update('data-not-key');\n", set()),
        ("const session = require('express-session');\napp.use(session({ secret: process.env.S, name: 'sid-cookie' }));\n", set()),
    ],
)
def test_secret_arguments(source: str, expected: set[tuple[str, int]]) -> None:
    assert found(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("module.exports = { db: { password: 'Winter2019!' } };\n", {("NW807", 1)}),
        ("const dbPassword = 'Hx4!mQ9zLp2w';\n", {("NW807", 1)}),
        ("cfg.clientSecret = 'Qm7xT2vL9pRw4';\n", {("NW807", 1)}),
        ("module.exports = { 'api_key': \"Qm7xT2vL9pRw4\" };\n", {("NW807", 1)}),
        # negatives: references, placeholders, field names, short or word-like values
        ("module.exports = { password: process.env.DB_PASSWORD };\n", set()),
        ("module.exports = { passwordField: 'password' };\n", set()),
        ("module.exports = { password: 'changeme' };\n", set()),
        ("module.exports = { password: '' };\n", set()),
        ("const tokenType = 'Bearer';\n", set()),
        ("const TOKEN = 'TOKEN';\n", set()),
        ("module.exports = { secret: 'secretName' };\n", set()),
    ],
)
def test_password_like_names(source: str, expected: set[tuple[str, int]]) -> None:
    assert found(source, "knexfile.js") == expected


def test_typescript_and_tsx() -> None:
    src = "import jwt from 'jsonwebtoken';\nexport const t = (p: object): string => jwt.sign(p, 'ts-signing-key-1');\n"
    assert found(src, "src/auth.ts") == {("NW806", 2)}
    assert found(src, "src/auth.tsx") == {("NW806", 2)}


def test_test_files_are_low_confidence() -> None:
    src = "const jwt = require('jsonwebtoken');\njwt.sign(p, 'k-2023-signing');\n"
    data = src.encode()
    findings = check_tree("test/auth.test.js", data, parse(data, "javascript"), "javascript")
    assert [(f.rule_id, f.confidence) for f in findings] == [("NW806", Confidence.LOW)]


def test_message_and_snippet_are_redacted() -> None:
    src = "const jwt = require('jsonwebtoken');\njwt.sign(p, 'orders-signing-key-7731');\n"
    data = src.encode()
    (f,) = check_tree("a.js", data, parse(data, "javascript"), "javascript")
    assert "orders-signing-key-7731" not in f.message + f.location.snippet
    assert "or…31" in f.message
