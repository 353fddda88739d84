"""Values under secret-named keys that are not secrets: messages naming the secret, package
versions, "your ..." slots.  Real values beside them are still reported."""

from __future__ import annotations

import json
from pathlib import Path

from nw_secrets_helpers import secrets_scan, triples

MESSAGES = """\
const messages = {
  invalidToken: 'Invalid token',
  unknownAdminApiKey: 'Unknown Admin API Key',
  resetPassword: 'Reset Password',
  invalidTokenWithMessage: 'Invalid token: {message}',
  partialCredentials: 'S3Store requires both accessKeyId and secretAccessKey when either is provided',
};
const config = {
  password: 'Tr0ub4dor&3',
  dbPassword: 'correct horse battery staple',
  adminToken: 'Rotate token 2024 Q3!',
};
module.exports = { messages, config };
"""

CLIENT = """\
/*
   registry:
     headers:
       authorization: "Basic YourBase64EncodedCredentials=="
*/
const headers = { authorization: 'Basic dXNlcjpTM2NyM3QtcGFzcyE=' };
module.exports = headers;
"""


def test_messages_naming_the_secret_are_not_secrets_but_values_beside_them_are(tmp_path: Path) -> None:
    (tmp_path / "messages.js").write_text(MESSAGES)
    found = {(path, line) for path, line, rule in triples(secrets_scan(tmp_path)) if rule == "NW807"}
    assert found == {("messages.js", 9), ("messages.js", 10), ("messages.js", 11)}


def test_dependency_versions_under_secret_like_package_names(tmp_path: Path) -> None:
    manifest = {
        "name": "registry",
        "dependencies": {"verdaccio-htpasswd": "13.0.0-next-8.1", "passport-token": "^2.1.0", "api-key-store": "~1.4"},
        "config": {"registryPassword": "u7Hq-29xLp!k"},
    }
    (tmp_path / "package.json").write_text(json.dumps(manifest, indent=2))
    found = {(path, line, rule) for path, line, rule in triples(secrets_scan(tmp_path)) if rule.startswith("NW80")}
    assert found == {("package.json", 9, "NW807")}


def test_your_slot_in_a_doc_comment_is_not_a_credential_but_a_real_basic_header_is(tmp_path: Path) -> None:
    (tmp_path / "client.js").write_text(CLIENT)
    found = {(path, line) for path, line, rule in triples(secrets_scan(tmp_path)) if rule.startswith("NW80")}
    assert found == {("client.js", 6)}


def test_public_analytics_project_keys_are_not_secrets_but_personal_keys_are(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(
        "FROM node:20\n"
        "ENV POSTHOG_TOKEN=phc_bIjZL7oh2GEUd2vqvTBH8WvrX0fWTXQMs6H5KQxiUxU\n"
        "ENV POSTHOG_PERSONAL_API_KEY=phx_4mWbq7Zt1nYxKc2dLr8sVh3eGp6JuQaTfNo9Bw5iXkE\n"
    )
    found = {(path, line) for path, line, rule in triples(secrets_scan(tmp_path)) if rule.startswith("NW8")}
    assert found == {("Dockerfile", 3)}
