"""Keep the deps tests independent of the developer's npm and nodeward environment."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _clean_npm_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("NODEWARD_ADVISORIES", "npm_config_registry", "NPM_CONFIG_REGISTRY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NPM_CONFIG_USERCONFIG", str(tmp_path / "user-npmrc"))
