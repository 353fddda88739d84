"""Password-name checks (NW807) also run on Dockerfile variants, .envrc and Terraform files."""

from __future__ import annotations

import pytest

from nodeward.secrets.analyzer import scopes_for


@pytest.mark.parametrize("path", ["Dockerfile.prod", "deploy/.envrc", "infra/main.tf", "infra/prod.tfvars", "config/db.json"])
def test_config_scope(path: str) -> None:
    assert "config" in scopes_for(path, is_source=False)


@pytest.mark.parametrize("path", ["src/app.js", "README.md", "package-lock.json"])
def test_not_config(path: str) -> None:
    assert "config" not in scopes_for(path, is_source=path.endswith(".js"))


def test_terraform_password_is_found(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from nodeward.config import Config
    from nodeward.project import discover
    from nodeward.secrets.analyzer import analyze_project

    (tmp_path / "main.tf").write_text('resource "db" "x" {\n  password = "Tr0ub4dor-and-3"\n}\n')
    out = analyze_project(discover(tmp_path, Config()))
    assert [(f.rule_id, f.path, f.line) for f in out.findings] == [("NW807", "main.tf", 2)]
