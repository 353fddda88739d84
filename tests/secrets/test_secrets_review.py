"""Regressions from a user's review of `nodeward secrets`: each test failed before its fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from nw_secrets_helpers import git, history_sightings, init_repo, secrets_scan

from nodeward.model import Confidence
from nodeward.secrets.candidate import SecretDetail
from nodeward.secrets.gitrepo import git_available

needs_git = pytest.mark.skipif(not git_available(), reason="git is not installed")

GH_TOKEN = "ghp_R7kLm2Qx9Tz4Wv8Np3Hs6Jd1Fb5Gc0Ya7Ue2X"


def found(root: Path, **kw: object) -> set[tuple[str, int, str]]:
    return {(f.path, f.line, f.rule_id) for f in secrets_scan(root, **kw).findings}  # type: ignore[arg-type]


@needs_git
def test_history_added_line_starting_with_plus_plus_is_not_a_file_header(tmp_path: Path) -> None:
    """`++ x` added to a file shows as `+++ x` in the diff: it must not rename the current file."""
    repo = init_repo(tmp_path / "r")
    (repo / "notes.md").write_text(f"-- heading\n++ counter\nconst t = '{GH_TOKEN}';\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "notes")
    (repo / "notes.md").write_text("nothing\n")
    git(repo, "commit", "-qam", "remove")
    hist = {(p, line, r) for p, line, r in found(repo, history=True, min_confidence=Confidence.LOW) if r == "NW805"}
    assert hist == {("notes.md", 3, "NW805")}


@needs_git
def test_secrets_in_a_tracked_env_file_that_gitignore_now_covers_are_reported(tmp_path: Path) -> None:
    """Discovery skips ignored files, but a file committed before the rule is in the repository."""
    repo = init_repo(tmp_path / "r")
    (repo / ".env").write_text("PORT=3000\nDB_PASSWORD=Hq7Lm2Rx9TzQw\n")
    git(repo, "add", ".env")
    git(repo, "commit", "-qm", "env")
    (repo / ".gitignore").write_text(".env\n")
    result = secrets_scan(repo)
    got = {(f.path, f.line, f.rule_id) for f in result.findings}
    assert (".env", 2, "NW807") in got
    assert (".env", 1, "NW801") in got
    tracked = next(f for f in result.findings if f.rule_id == "NW801")
    assert "covers it now" in tracked.message


@needs_git
def test_env_template_with_a_real_value_is_tracked_but_not_told_to_be_ignored(tmp_path: Path) -> None:
    """`.env.example` is meant to be committed: NW801 + the value's finding, never NW802."""
    repo = init_repo(tmp_path / "r")
    (repo / ".env.example").write_text(f"GITHUB_TOKEN={GH_TOKEN}\n")
    git(repo, "add", ".env.example")
    got = found(repo)
    assert (".env.example", 1, "NW801") in got
    assert (".env.example", 1, "NW813") in got
    assert not any(r == "NW802" for _, _, r in got)


def test_without_git_on_path_env_files_are_skipped_with_that_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text("PORT=3000\n")
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    result = secrets_scan(tmp_path)
    reasons = {s.path: s.reason for s in result.skipped}
    assert reasons[".env"].startswith("git is not installed")
    assert not any(f.rule_id in ("NW801", "NW802") for f in result.findings)


PEM_LINE_1 = "MIIEowIBAAKCAQEAq7Lm2Rx9Tz4Wv8Np3Hs6Jd1Fb5Gc0Ya7Ue2PXk7Rm2Tq9Lz4Wn8Vp"
PEM_LINE_2 = "3Hs6Jd1Fb5Gc0Ya7Ue2PXk7Rm2Tq9Lz4Wn8Vp3Hs6Jd1Fb5Gc0Ya7Ue2PXk7Rm2Tq9Lz4W"


def test_pem_body_starting_on_the_begin_line_is_redacted_in_the_snippet(tmp_path: Path) -> None:
    """The snippet is one line; the part of a multi-line key on it must not show."""
    (tmp_path / ".env.production").write_text(
        f'PRIVATE_KEY="-----BEGIN RSA PRIVATE KEY-----{PEM_LINE_1}\n{PEM_LINE_2}\n-----END RSA PRIVATE KEY-----"\n'
    )
    [f] = [f for f in secrets_scan(tmp_path).findings if f.rule_id == "NW837"]
    assert (f.path, f.line) == (".env.production", 1)
    assert PEM_LINE_1[8:-8] not in f.location.snippet
    assert f.location.snippet.endswith("-----MIIE…n8Vp")


def test_pem_in_a_js_string_with_escaped_newlines_is_redacted_without_the_escape(tmp_path: Path) -> None:
    (tmp_path / "keys.js").write_text(
        f'const key = "-----BEGIN RSA PRIVATE KEY-----\\n{PEM_LINE_1}\\n{PEM_LINE_2}\\n-----END RSA PRIVATE KEY-----\\n";\n'
    )
    [f] = [f for f in secrets_scan(tmp_path).findings if f.rule_id == "NW837"]
    assert (f.path, f.line) == ("keys.js", 1)
    assert f.message == "Hard-coded private key `MIIE…Lz4W`"


def test_password_in_json_nested_in_a_json_string(tmp_path: Path) -> None:
    """Config values that hold escaped JSON (`"{\\"password\\":\\"...\\"}"`) are config too."""
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "production.json").write_text(
        '{\n  "host": "db.internal",\n  "pool": "{\\"user\\":\\"app\\",\\"password\\":\\"Zk8Wn2Qp5Vx7\\"}"\n}\n'
    )
    [f] = secrets_scan(tmp_path).findings
    assert (f.path, f.line, f.rule_id) == ("config/production.json", 3, "NW807")
    assert "Zk8Wn2Qp5Vx7" not in f.location.snippet


def test_near_misses_in_config_are_quiet_and_real_passwords_next_to_them_are_found(tmp_path: Path) -> None:
    """Validation messages, CSS selectors, header and MIME names, field names, YAML tags,
    sops values and local-only database URIs are not credentials; weak real passwords are."""
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "default.json").write_text(
        "{\n"
        '  "messages": { "password": "Password is required", "apiKey": "Please enter your API key." },\n'
        '  "selectors": { "password": "#password-input", "token": "input[name=token]" },\n'
        '  "headers": { "apiKey": "x-api-key", "contentSecret": "application/json" },\n'
        '  "fields": { "token": "access_token", "password": "auth.password.label" },\n'
        '  "db": { "password": "Summer2023!" },\n'
        '  "amqp": "amqp://guest:guest@localhost:5672",\n'
        '  "mongo": "mongodb://app:Hq7Lm2Rx9Tz@127.0.0.1:27017/app",\n'
        '  "queue": "amqp://svc:Hq7Lm2Rx9Tz@mq.internal:5672",\n'
        '  "session": { "secret": "correct horse battery staple" }\n'
        "}\n"
    )
    (tmp_path / "deploy.yml").write_text(
        "db_password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n"
        "api_token: ENC[AES256_GCM,data:Tr8sPq2w,iv:Lm2Rx9Tz,tag:Zk8W==,type:str]\n"
        "smtp_password: !secret smtp_password\n"
        "admin_password: Hq7Lm2Rx9Tz\n"
    )
    assert found(tmp_path) == {
        ("config/default.json", 6, "NW807"),
        ("config/default.json", 9, "NW808"),
        ("config/default.json", 10, "NW807"),
        ("deploy.yml", 5, "NW807"),
    }
    low = found(tmp_path, min_confidence=Confidence.LOW)
    assert {("config/default.json", 7, "NW808"), ("config/default.json", 8, "NW808")} <= low


def test_translation_catalogues_and_password_hashes_are_low_confidence(tmp_path: Path) -> None:
    (tmp_path / "locales").mkdir()
    (tmp_path / "locales" / "fr.json").write_text('{\n  "password": "Mot de passe oublié",\n  "token": "Jeton"\n}\n')
    (tmp_path / "seed.json").write_text(
        '[{"email": "a@shop.test", "password": "$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"}]\n'
    )
    assert found(tmp_path) == set()
    assert found(tmp_path, min_confidence=Confidence.LOW) == {("locales/fr.json", 2, "NW807"), ("seed.json", 1, "NW807")}


def _service_account(with_key: bool) -> str:
    import json

    body = "\\n".join((PEM_LINE_1 + PEM_LINE_2)[i : i + 64] for i in range(0, 128, 64)) * 12
    doc = {
        "type": "service_account",
        "project_id": "orders-prod-4821",
        "client_email": "orders@orders-prod-4821.iam.gserviceaccount.com",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    if with_key:
        doc["private_key"] = f"-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----\n"
    return json.dumps(doc, indent=2)


def test_base64_wrapped_service_account_json_is_found(tmp_path: Path) -> None:
    """`GOOGLE_CREDENTIALS_B64=$(base64 -w0 key.json)`: no text pattern sees the key inside."""
    import base64

    blob = base64.b64encode(_service_account(True).encode()).decode()
    other = base64.b64encode(("\n" + _service_account(True)).encode()).decode()  # another offset
    harmless = base64.b64encode(_service_account(False).encode()).decode()
    # A real deploy file has more settings than blobs (a file of nothing but long lines is
    # skipped as "minified" by project.content_skip_reason).
    settings = "".join(f"FEATURE_{i}_ENABLED=true\n" for i in range(60))
    (tmp_path / "deploy.env").write_text(
        f"PORT=8080\nGOOGLE_CREDENTIALS_B64={blob}\nSA_B64='{other}'\nMETA_B64={harmless}\n{settings}"
    )
    result = secrets_scan(tmp_path)
    assert {(f.path, f.line, f.rule_id) for f in result.findings} == {("deploy.env", 2, "NW811"), ("deploy.env", 3, "NW811")}
    assert all(blob[8:-8] not in f.location.snippet and blob[8:-8] not in f.message for f in result.findings)


def test_fingerprints_are_not_a_fast_hash_of_a_guessable_password(tmp_path: Path) -> None:
    """Baselines and JSON/SARIF reports are shared: with a plain SHA-256 inside, anyone could
    confirm `Summer2023!` from a wordlist at GPU speed."""
    import hashlib

    from nodeward.model import make_fingerprint

    (tmp_path / ".env.production").write_text("DB_PASSWORD=Summer2023!\n")
    [f] = [f for f in secrets_scan(tmp_path).findings if f.rule_id == "NW807"]
    fast = hashlib.sha256(b"Summer2023!").hexdigest()
    assert f.fingerprint != make_fingerprint("NW807", ".env.production", fast)
    assert f.fingerprint == next(x.fingerprint for x in secrets_scan(tmp_path).findings if x.rule_id == "NW807")


def test_yarn_berry_registry_credentials(tmp_path: Path) -> None:
    """`.yarnrc.yml` is Yarn 2+'s `.npmrc`: a UUID-shaped `npmAuthToken` is a legacy npm token."""
    (tmp_path / ".yarnrc.yml").write_text(
        "nodeLinker: node-modules\nnpmScopes:\n  acme:\n"
        "    npmAuthToken: 3f9a1c7e-5b2d-4f4a-9c0e-9b7d3f1a5c8f\n"
        '    npmRegistryServer: "https://npm.acme.dev"\n'
        'npmAuthIdent: "deploy:Hq7Lm2Rx9Tz"\n'
        "npmAlwaysAuth: true\n"
    )
    (tmp_path / "ids.json").write_text('{"requestToken": "3f9a1c7e-5b2d-4f4a-9c0e-9b7d3f1a5c8f"}\n')
    assert found(tmp_path) == {(".yarnrc.yml", 4, "NW807"), (".yarnrc.yml", 6, "NW807")}


def test_curl_basic_auth_in_package_scripts_and_per_script_columns(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(
        '{"name": "shop", "scripts": {"seed": "PGPASSWORD=Hq7Lm2Rx9Tz psql -f seed.sql", '
        '"warm": "curl -u admin:Hq7Lm2Rx9Tz https://cache.internal/warm", "ping": "curl -u $U:$P https://x"}}\n'
    )
    result = secrets_scan(tmp_path)
    got = sorted((f.path, f.line, f.location.start_col, f.rule_id) for f in result.findings)
    line = (tmp_path / "package.json").read_text()
    first, second = line.find("Hq7Lm2Rx9Tz") + 1, line.rfind("Hq7Lm2Rx9Tz") + 1
    assert got == [("package.json", 1, first, "NW804"), ("package.json", 1, second, "NW804")]


def test_unquoted_values_with_spaces_are_one_value_and_fully_redacted(tmp_path: Path) -> None:
    """YAML plain scalars run to the end of the line: cutting at the first space showed the
    rest of the passphrase in the snippet."""
    (tmp_path / "deploy.yml").write_text("smtp:\n  password: velvet Orchid 42 lantern  # rotated\n")
    (tmp_path / "Dockerfile").write_text("FROM node:20\nENV DB_PASSWORD=Hq7Lm2Rx9Tz NODE_ENV=production\n")
    result = secrets_scan(tmp_path)
    assert {(f.path, f.line, f.rule_id) for f in result.findings} == {
        ("deploy.yml", 2, "NW807"),
        ("Dockerfile", 2, "NW807"),
    }
    yml = next(f for f in result.findings if f.path == "deploy.yml")
    assert yml.location.snippet == "password: vel…ern  # rotated"
    docker = next(f for f in result.findings if f.path == "Dockerfile")
    assert docker.location.snippet == "ENV DB_PASSWORD=H…z NODE_ENV=production"


def test_configured_baseline_lives_in_the_project_not_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from nodeward.cli import main

    root = tmp_path / "app"
    root.mkdir()
    (root / ".nodeward.toml").write_text('[secrets]\nbaseline = ".nodeward-secrets.json"\n')
    (root / "config.js").write_text(f"module.exports = {{ github: '{GH_TOKEN}' }};\n")
    elsewhere = tmp_path / "ci"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert main(["secrets", str(root)]) == 0  # first run writes the baseline
    assert (root / ".nodeward-secrets.json").is_file()
    assert not (elsewhere / ".nodeward-secrets.json").exists()
    monkeypatch.chdir(root)
    assert main(["secrets", "."]) == 0  # the same baseline from the project folder
    capsys.readouterr()


@needs_git
def test_bad_history_range_is_one_clear_line_and_exit_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from nodeward.cli import main

    repo = init_repo(tmp_path / "r")
    (repo / "a.js").write_text("module.exports = 1;\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "a")
    assert main(["secrets", str(repo), "--history-range", "nosuchbranch..main"]) == 3
    err_lines = [ln for ln in capsys.readouterr().out.splitlines() if "git log failed" in ln or "Use '--'" in ln]
    assert len(err_lines) == 1 and "unknown revision" in err_lines[0]


def test_undecodable_byte_after_an_unquoted_value_is_not_part_of_it(tmp_path: Path) -> None:
    (tmp_path / "app.cfg").write_bytes(b"\xff\xfe PASSWORD=Lm2Rx9TzQw8N \xff\n")
    [f] = secrets_scan(tmp_path).findings
    assert (f.path, f.line, f.rule_id) == ("app.cfg", 1, "NW807")
    assert "`L…N`" in f.message


def test_hash_words_decide_by_the_name_and_what_precedes_the_value_not_a_trailing_comment(tmp_path: Path) -> None:
    (tmp_path / ".env.production").write_text(
        "SESSION_SECRET=Hq7Lm2Rx9TzP4w  # key used to hash session ids\n"
        "ADMIN_PASSWORD_HASH=5f4dcc3b5aa765d61d8327deb882cf99\n"
    )
    (tmp_path / "deploy.yml").write_text(
        "db:\n  password: Kx9Lm2Rt7VqZ  # last commit by ops\n  passwordDigest: 8c6976e5b5410415bde908bd4dee15df\n"
    )
    assert found(tmp_path) == {(".env.production", 1, "NW807"), ("deploy.yml", 2, "NW807")}


def test_keys_in_served_html_and_plain_text_files_are_not_demoted_as_docs(tmp_path: Path) -> None:
    """`public/index.html` is served to every visitor; `deploy-keys.txt` is no documentation."""
    (tmp_path / "public").mkdir()
    (tmp_path / "public" / "index.html").write_text(
        f"<html><body>\n<script>window.GH = '{GH_TOKEN}';</script>\n</body></html>\n"
    )
    (tmp_path / "deploy-keys.txt").write_text(f"github: {GH_TOKEN}\n")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "setup.html").write_text(f"<pre>GITHUB_TOKEN={GH_TOKEN}</pre>\n")
    (tmp_path / "CHANGELOG.txt").write_text(f"1.0: rotated {GH_TOKEN}\n")
    assert found(tmp_path) == {("public/index.html", 2, "NW813"), ("deploy-keys.txt", 1, "NW813")}
    low = found(tmp_path, min_confidence=Confidence.LOW)
    assert {("docs/setup.html", 1, "NW813"), ("CHANGELOG.txt", 1, "NW813")} <= low


@needs_git
def test_history_reports_a_renamed_secret_once_where_it_first_appeared(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "r")
    (repo / "keys.js").write_text(f"module.exports = '{GH_TOKEN}';\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "add", date="2024-01-02T03:04:05+00:00")
    first = git(repo, "rev-parse", "HEAD").strip()
    (repo / "config").mkdir()
    git(repo, "mv", "keys.js", "config/keys.js")
    git(repo, "commit", "-qm", "move", date="2024-02-02T03:04:05+00:00")
    hist = history_sightings(secrets_scan(repo, history=True))
    assert list(hist) == [("keys.js", 1)]
    # Still in the tree (at its new path): that finding, naming the commit and the old path.
    f = hist[("keys.js", 1)]
    assert (f.rule_id, f.path, f.line) == ("NW813", "config/keys.js", 1)
    assert first[:12] in f.message and "at keys.js:1" in f.message
    assert isinstance(f.detail, SecretDetail) and f.detail.still_present_at_head is True


@needs_git
def test_history_scans_what_a_merge_itself_adds_and_keeps_branch_secrets_at_their_commit(tmp_path: Path) -> None:
    """A conflict resolved by typing a key exists only in the merge commit's combined diff."""
    repo = init_repo(tmp_path / "r")
    (repo / "config.js").write_text("a\nb\nc\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "base", date="2024-01-01T00:00:00+00:00")
    git(repo, "checkout", "-qb", "feature")
    (repo / "config.js").write_text("a\nfeature\nc\n")
    (repo / "deploy.env").write_text("GITLAB_TOKEN=glpat-Xk7Rm2Tq9Lz4Wn8Vp3Hs\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "feature", date="2024-01-02T00:00:00+00:00")
    branch_commit = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "checkout", "-q", "main")
    (repo / "config.js").write_text("a\nmain\nc\n")
    git(repo, "commit", "-qam", "main", date="2024-01-03T00:00:00+00:00")
    try:
        git(repo, "merge", "-q", "feature", date="2024-01-04T00:00:00+00:00")
    except Exception:
        pass  # the expected conflict
    (repo / "config.js").write_text(f"a\nconst t = '{GH_TOKEN}';\nc\n")
    git(repo, "commit", "-qam", "merge", date="2024-01-04T00:00:00+00:00")
    merge_commit = git(repo, "rev-parse", "HEAD").strip()
    sightings = history_sightings(secrets_scan(repo, history=True))
    assert sorted(sightings) == [("config.js", 2), ("deploy.env", 1)]
    assert merge_commit[:12] in sightings[("config.js", 2)].message
    assert branch_commit[:12] in sightings[("deploy.env", 1)].message


@needs_git
def test_a_tracked_npmrc_that_gitignore_now_covers_is_still_scanned(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "r")
    (repo / ".npmrc").write_text("//registry.npmjs.org/:_authToken=3f9a1c7e-5b2d-4f4a-9c0e-9b7d3f1a5c8e\n")
    git(repo, "add", ".npmrc")
    git(repo, "commit", "-qm", "npmrc")
    (repo / ".gitignore").write_text(".npmrc\n")
    [f] = secrets_scan(repo).findings
    assert (f.path, f.line, f.rule_id) == (".npmrc", 1, "NW803")
    assert f.message.endswith("in a file tracked by git")


def test_uri_passwords_that_are_slots_names_or_docs_defaults_are_dropped(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "default.json").write_text(
        "{\n"
        '  "a": "postgres://app:DB_PASSWORD@db.prod.internal:5432/app",\n'
        '  "b": "postgres://app:{password}@db.prod.internal:5432/app",\n'
        '  "c": "postgres://postgres:mysecretpassword@db.prod.internal:5432/app",\n'
        '  "d": "mongodb://app:db_password@mongo.prod.internal/app",\n'
        '  "e": "postgres://postgres:postgres@db.prod.internal:5432/app",\n'
        '  "f": "redis://:secret_sauce_2@cache.prod.internal:6379"\n'
        "}\n"
    )
    assert found(tmp_path) == {("config/default.json", 6, "NW808"), ("config/default.json", 7, "NW808")}


def test_redaction_never_shows_more_than_a_third_of_a_password(tmp_path: Path) -> None:
    from nodeward.secrets.candidate import redact

    (tmp_path / ".env.production").write_text("DB_PASSWORD=Summer2023!\nADMIN_PASSWORD=hunter22\n")
    shown = {f.line: f.detail.redacted for f in secrets_scan(tmp_path).findings}  # type: ignore[union-attr]
    assert shown == {1: "S…!", 2: "h…2"}
    for value in ("Summer2023!", "Hq7Lm2Rx9TzP4wQv", "ghp_R7kLm2Qx9Tz4Wv8Np3Hs6Jd1Fb5Gc0Ya7Ue2X", "abc1234"):
        visible = len(redact(value)) - 1
        assert visible <= max(0, len(value) // 3)


def test_literal_authorization_headers_in_code_and_scripts(tmp_path: Path) -> None:
    (tmp_path / "api.js").write_text(
        "const axios = require('axios');\n"
        "const a = axios.create({ headers: { Authorization: 'Bearer 8f2kLm9QxR7tVw3Zp6Yn4Hs1Jd5Gc0Ba' } });\n"
        "const b = axios.create({ headers: { Authorization: `Bearer ${process.env.API_TOKEN}` } });\n"
        "const c = { headers: { 'Authorization': 'Basic ZGVwbG95OkhxN0xtMlJ4OVR6' } };\n"
        "const d = { headers: { Authorization: 'Bearer YOUR_TOKEN_HERE_PLEASE' } };\n"
        "const e = { headers: { Authorization: 'Bearer ' + token } };\n"
    )
    (tmp_path / "deploy.sh").write_text(
        '#!/bin/sh\ncurl -H "Authorization: Bearer 8f2kLm9QxR7tVw3Zp6Yn4Hs1Jd5Gc0Bb" https://api.internal/deploy\n'
        'curl -H "Authorization: Bearer $DEPLOY_TOKEN" https://api.internal/deploy\n'
    )
    assert found(tmp_path) == {("api.js", 2, "NW807"), ("api.js", 4, "NW807"), ("deploy.sh", 2, "NW807")}
    assert all("8f2kLm9QxR7tVw3Zp6Yn4Hs1Jd5Gc0B" not in f.location.snippet for f in secrets_scan(tmp_path).findings)


@needs_git
def test_history_reads_a_long_single_line_config_change(tmp_path: Path) -> None:
    """The "minified" line-length heuristic must not hide a compact JSON config in history."""
    import json

    repo = init_repo(tmp_path / "r")
    doc = {"features": {f"flag{i}": f"value-{i}-enabled" for i in range(300)}, "db": {"password": "Kx9Lm2Rt7VqZ"}}
    (repo / "settings.json").write_text(json.dumps(doc) + "\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "settings")
    (repo / "settings.json").write_text("{}\n")
    git(repo, "commit", "-qam", "drop")
    hist = [f for f in secrets_scan(repo, history=True).findings if f.rule_id == "NW805"]
    assert [(f.path, f.line) for f in hist] == [("settings.json", 1)]


def test_update_baseline_uses_the_configured_baseline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from nodeward.cli import main

    root = tmp_path / "app"
    root.mkdir()
    (root / ".nodeward.toml").write_text('[secrets]\nbaseline = "secrets-baseline.json"\n')
    (root / "config.js").write_text(f"module.exports = {{ github: '{GH_TOKEN}' }};\n")
    assert main(["secrets", str(root)]) == 0
    (root / "more.js").write_text("module.exports = 'sk_live_51Hq7LmR2x9Tz4Wv8Np3Hs6Jd';\n")
    assert main(["secrets", str(root)]) == 1  # the new key is not in the baseline
    assert main(["secrets", str(root), "--update-baseline"]) == 0
    assert main(["secrets", str(root)]) == 0
    capsys.readouterr()


@needs_git
def test_dotenv_vault_is_meant_to_be_committed_but_its_keys_are_not(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "r")
    (repo / ".env.vault").write_text(
        '#/-------------------.env.vault---------------------/\n'
        'DOTENV_VAULT_PRODUCTION="AtEC33ZfFJQMSE6C+2m/bXzS0Sp2XGbCD9+5LqkeX9G2Ulz5zdw=="\n'
    )
    (repo / ".env.keys").write_text('DOTENV_KEY_PRODUCTION="dotenv://:key_0dec82bea24ada79a@dotenv.org/vault/.env.vault"\n')
    git(repo, "add", ".")
    got = {(p, r) for p, _, r in found(repo) if r in ("NW801", "NW802")}
    assert got == {(".env.keys", "NW801"), (".env.keys", "NW802")}


def test_stripe_webhook_signing_secret(tmp_path: Path) -> None:
    (tmp_path / "webhooks.js").write_text(
        "const stripe = require('stripe')(process.env.STRIPE_KEY);\n"
        "const endpointSecret = 'whsec_Hq7Lm2Rx9Tz4Wv8Np3Hs6Jd1Fb5Gc0Ya7U';\n"
        "const placeholder = 'whsec_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx';\n"
        "const fromEnv = process.env.STRIPE_WEBHOOK_SECRET;\n"
    )
    result = secrets_scan(tmp_path)
    assert {(f.path, f.line, f.rule_id) for f in result.findings} == {("webhooks.js", 2, "NW816")}
    assert "Stripe webhook signing secret" in result.findings[0].message


def test_hash_sign_inside_an_unquoted_password_is_part_of_it(tmp_path: Path) -> None:
    """dotenv and YAML start a comment only at a `#` after whitespace: `Hq7Lm2#Rx9Tz` is one
    value, and the snippet showed `#Rx9Tz` when the match stopped at the `#`."""
    (tmp_path / ".env.production").write_text("DB_PASSWORD=Hq7Lm2#Rx9Tz\nAPI_SECRET=Kx9Lm2Rt7VqZ # the comment\n")
    result = secrets_scan(tmp_path)
    snippets = {f.line: f.location.snippet for f in result.findings}
    assert snippets == {1: "DB_PASSWORD=H…z", 2: "API_SECRET=K…Z # the comment"}


@needs_git
def test_env_files_of_test_fixtures_are_low_confidence(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "r")
    (repo / "test" / "fixtures" / "app").mkdir(parents=True)
    (repo / "test" / "fixtures" / "app" / ".env").write_text("PORT=3000\n")
    (repo / ".env").write_text("PORT=3000\n")
    git(repo, "add", ".")
    assert {(p, r) for p, _, r in found(repo)} == {(".env", "NW801"), (".env", "NW802")}
    low = {(p, r) for p, _, r in found(repo, min_confidence=Confidence.LOW)}
    assert {("test/fixtures/app/.env", "NW801"), ("test/fixtures/app/.env", "NW802")} <= low


def test_gitlab_routable_personal_access_token(tmp_path: Path) -> None:
    (tmp_path / "ci.env").write_text(
        "OLD=glpat-Xk7Rm2Tq9Lz4Wn8Vp3Hs\nNEW=glpat-Xk7Rm2Tq9Lz4Wn8Vp3HsQa9Zk2Lm7Rt.01.0k1b2c3d4\n"
    )
    assert found(tmp_path) == {("ci.env", 1, "NW814"), ("ci.env", 2, "NW814")}


@needs_git
def test_env_ignored_only_by_this_machines_excludes_is_not_ignored_for_the_team(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A global excludes file or `.git/info/exclude` protects one clone; the repository's
    `.gitignore` is what keeps the next teammate from committing `.env`."""
    repo = init_repo(tmp_path / "r")
    (repo / ".gitignore").write_text(".env\n.env.*\n!.env.staging\n")
    for name in (".env", ".env.local", ".env.staging", "prod.env", "ops.env"):
        (repo / name).write_text("PORT=3000\n")
    (repo / ".git" / "info" / "exclude").write_text("prod.env\n")
    excludes = tmp_path / "global-ignore"
    excludes.write_text("ops.env\n")
    config = tmp_path / "gitconfig"
    config.write_text(f"[core]\n\texcludesFile = {excludes}\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    got = {p for p, _, r in found(repo) if r == "NW802"}
    assert got == {".env.staging", "prod.env", "ops.env"}


@needs_git
def test_history_path_that_git_quotes(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "r")
    (repo / 'deploy "prod".env').write_text(f"TOKEN={GH_TOKEN}\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "add")
    (repo / 'deploy "prod".env').unlink()
    git(repo, "commit", "-qam", "rm")
    hist = [(f.path, f.line) for f in secrets_scan(repo, history=True).findings if f.rule_id == "NW805"]
    assert hist == [('deploy "prod".env', 1)]


@needs_git
def test_history_path_with_a_space(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "r")
    (repo / "old config.env").write_text(f"TOKEN={GH_TOKEN}\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "add")
    assert list(history_sightings(secrets_scan(repo, history=True))) == [("old config.env", 1)]


@needs_git
def test_env_template_word_placeholders_are_quiet_but_generated_values_flag_it(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "r")
    (repo / ".env.example").write_text(
        "NODE_ENV=development\nSESSION_SECRET=keyboard cat\nJWT_SECRET=super-secret-jwt-key\n"
        "DATABASE_URL=postgres://app:apppassword@db:5432/app\nSTRIPE_SECRET_KEY=sk_test_4eC39HqLyjWDarjtT1zdp7dc\n"
        "STRIPE_PUBLISHABLE_KEY=pk_live_51Hq7LmR2x9Tz4Wv8Np3Hs6Jd\n"
    )
    (repo / "config.sample.json").write_text('{\n  "db": { "password": "Hq7Lm2Rx9TzQw" }\n}\n')
    git(repo, "add", ".")
    assert found(repo) == {("config.sample.json", 2, "NW807")}
    (repo / ".env.example").write_text("JWT_SECRET=Hq7Lm2Rx9TzQw8N\n")
    assert found(repo) == {("config.sample.json", 2, "NW807"), (".env.example", 1, "NW807"), (".env.example", 1, "NW801")}
    low = found(repo, min_confidence=Confidence.LOW)
    assert (".env.example", 1, "NW807") in low


def test_database_uri_with_an_interpolated_host(tmp_path: Path) -> None:
    (tmp_path / "db.js").write_text(
        "const host = process.env.DB_HOST;\n"
        "const uri = `mongodb://admin:Hq7Lm2Rx9TzQw@${host}:27017/orders`;\n"
        "const ok = `mongodb://${user}:${pass}@${host}:27017/orders`;\n"
    )
    assert found(tmp_path) == {("db.js", 2, "NW808")}


def test_inline_suppressions_in_code_and_in_hash_comment_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`scan` honoured `// nodeward-ignore` in JS but `secrets` did not, and neither read
    `# nodeward-ignore` in `.env`/YAML files."""
    import json

    from nodeward.cli import main

    (tmp_path / "a.js").write_text(
        f"const k = '{GH_TOKEN}'; // nodeward-ignore NW813 revoked test token\n"
        "const j = 'sk_live_51Hq7LmR2x9Tz4Wv8Np3Hs6Jd';\n"
    )
    (tmp_path / "ci.env").write_text(
        "GITHUB_TOKEN=ghp_R7kLm2Qx9Tz4Wv8Np3Hs6Jd1Fb5Gc0Ya7Ue2Y # nodeward-ignore github-token: revoked\n"
        "OTHER=ghp_R7kLm2Qx9Tz4Wv8Np3Hs6Jd1Fb5Gc0Ya7Ue2Z # nodeward-ignore NW816 wrong rule\n"
    )
    for command in ("secrets", "scan"):
        main([command, str(tmp_path), "--format", "json"])
        doc = json.loads(capsys.readouterr().out)
        live = {(f["path"], f["line"], f["rule_id"]) for f in doc["findings"] if not f["suppressed"] and f["rule_id"].startswith("NW8")}
        assert live == {("a.js", 2, "NW816"), ("ci.env", 2, "NW813")}, command
        quiet = {(f["path"], f["line"]) for f in doc["findings"] if f["suppressed"]}
        assert {("a.js", 1), ("ci.env", 1)} <= quiet, command


def test_mail_and_iot_broker_uris_with_passwords(tmp_path: Path) -> None:
    (tmp_path / "mailer.js").write_text(
        "const nodemailer = require('nodemailer');\n"
        "const t = nodemailer.createTransport('smtps://orders%40shop.io:Hq7Lm2Rx9TzQw@smtp.mailhost.io');\n"
        "const m = mqtt.connect('mqtts://device:Kx9Lm2Rt7VqZ@broker.iot.internal:8883');\n"
        "const n = 'nats://svc:Zk8Wn2Qp5Vx7@nats.internal:4222';\n"
        "const ok = 'smtp://smtp.mailhost.io:587';\n"
    )
    assert found(tmp_path) == {("mailer.js", 2, "NW808"), ("mailer.js", 3, "NW808"), ("mailer.js", 4, "NW808")}


def test_yaml_aliases_tags_anchors_and_secret_manager_references(tmp_path: Path) -> None:
    (tmp_path / "values.yml").write_text(
        "defaults:\n"
        "  password: *default_password\n"
        "  password: op://prod-vault/db/password\n"
        "  password: sm://projects/orders/secrets/db\n"
        "  client_secret: !!str abcdef12\n"
        "  password: &db_pw Hq7Lm2Rx9TzQw\n"
        "  token_url: https://auth.internal/oauth/token\n"
    )
    [f] = secrets_scan(tmp_path).findings
    assert (f.path, f.line, f.rule_id) == ("values.yml", 6, "NW807")
    assert f.location.snippet == "password: &db_pw H…w"


def test_a_password_that_starts_with_an_exclamation_mark_is_not_a_yaml_tag(tmp_path: Path) -> None:
    (tmp_path / ".env.production").write_text("DB_PASSWORD=!Qaz2wsx9Lm\n")
    assert found(tmp_path) == {(".env.production", 1, "NW807")}


@needs_git
def test_history_finds_a_key_that_straddles_a_chunk_boundary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nodeward.secrets import history

    monkeypatch.setattr(history, "FLUSH_BYTES", 4096)
    repo = init_repo(tmp_path / "r")
    filler = "x" * 4050 + "\n"  # the 4 KiB flush falls right after the BEGIN line
    pem = f"-----BEGIN RSA PRIVATE KEY-----\n{PEM_LINE_1}\n{PEM_LINE_2}\n{PEM_LINE_1}\n-----END RSA PRIVATE KEY-----\n"
    (repo / "keys.txt").write_text(filler + pem)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "add")
    assert list(history_sightings(secrets_scan(repo, history=True))) == [("keys.txt", 2)]


SUPABASE_ANON = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6ImFiY2RlZmdoaWprbG1ub3AiLCJyb2xlIjoiYW5vbiIs"
    "ImlhdCI6MTcwMDAwMDAwMCwiZXhwIjoyMDE1MDAwMDAwfQ.k7Rm2Tq9Lz4Wn8Vp3Hs6Jd1Fb5Gc0Ya7Ue2PXq8vNx"
)
SUPABASE_SERVICE = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6ImFiY2RlZmdoaWprbG1ub3AiLCJyb2xlIjoic2VydmljZV9y"
    "b2xlIiwiaWF0IjoxNzAwMDAwMDAwLCJleHAiOjIwMTUwMDAwMDB9.k7Rm2Tq9Lz4Wn8Vp3Hs6Jd1Fb5Gc0Ya7Ue2PXq8vNy"
)


def test_supabase_anon_key_is_public_but_the_service_role_key_is_not(tmp_path: Path) -> None:
    (tmp_path / ".env.production").write_text(
        f"NEXT_PUBLIC_SUPABASE_ANON_KEY={SUPABASE_ANON}\nSUPABASE_SERVICE_ROLE_KEY={SUPABASE_SERVICE}\n"
    )
    assert found(tmp_path) == {(".env.production", 2, "NW839")}


def test_firebase_web_config_api_key_is_public_but_a_maps_server_key_is_not(tmp_path: Path) -> None:
    (tmp_path / "firebase.js").write_text(
        "export const firebaseConfig = {\n"
        '  apiKey: "AIzaSyBq7Lm2Rx9Tz4Wv8Np3Hs6Jd1Fb5Gc0Ya7",\n'
        '  authDomain: "orders-4821.firebaseapp.com",\n'
        '  projectId: "orders-4821",\n'
        "};\n"
    )
    (tmp_path / "geo.js").write_text("const MAPS_KEY = 'AIzaSyCq7Lm2Rx9Tz4Wv8Np3Hs6Jd1Fb5Gc0Ya7';\n")
    assert found(tmp_path) == {("geo.js", 1, "NW811")}
