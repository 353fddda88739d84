"""The registry URL (and its token) as npm would pick it: env, project .npmrc, user .npmrc, default.

Never hard-code a host: companies proxy the registry (Artifactory, Verdaccio,
GitHub Packages), and npm's bulk advisory endpoint lives on whatever registry the
project installs from.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEFAULT_REGISTRY", "RegistryConfig", "read_npmrc", "registry_config"]

DEFAULT_REGISTRY = "https://registry.npmjs.org/"
_ENV = re.compile(r"\$\{([^}]+)\}")


def _expand(value: str, env: Mapping[str, str]) -> str:
    return _ENV.sub(lambda m: env.get(m.group(1), ""), value)


def read_npmrc(path: Path, env: Mapping[str, str]) -> dict[str, str]:
    """key -> value from an .npmrc (ini without sections); missing or unreadable -> {}."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    out: dict[str, str] = {}
    for line in text.splitlines():
        s = line.strip()
        if not s or s.startswith(("#", ";")) or "=" not in s:
            continue
        k, _, v = s.partition("=")
        v = v.strip()
        if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
            v = v[1:-1]
        out[k.strip()] = _expand(v, env)
    return out


@dataclass(frozen=True, slots=True)
class RegistryConfig:
    url: str
    """Always ends with `/`."""
    token: str | None = None
    origin: str = "default"
    """Where the URL came from: env, project .npmrc, user .npmrc or default."""

    def __repr__(self) -> str:  # never print the token
        return f"RegistryConfig(url={self.url!r}, origin={self.origin!r})"


def registry_config(project_dir: Path, env: Mapping[str, str] | None = None) -> RegistryConfig:
    env = os.environ if env is None else env
    user_rc = Path(env["NPM_CONFIG_USERCONFIG"]) if env.get("NPM_CONFIG_USERCONFIG") else Path(env.get("HOME", "~")).expanduser() / ".npmrc"
    project = read_npmrc(project_dir / ".npmrc", env)
    user = read_npmrc(user_rc, env)
    url, origin = DEFAULT_REGISTRY, "default"
    env_reg = env.get("npm_config_registry") or env.get("NPM_CONFIG_REGISTRY")
    if env_reg:
        url, origin = env_reg, "environment"
    elif project.get("registry"):
        url, origin = project["registry"], f"{project_dir / '.npmrc'}"
    elif user.get("registry"):
        url, origin = user["registry"], str(user_rc)
    if not url.endswith("/"):
        url += "/"
    # Tokens are keyed by `//host/path/:_authToken`; the longest matching prefix wins.
    # Like npm-registry-fetch, match whole path segments only (a key must end in `/`):
    # `//npm.company.com` must not hand its token to `https://npm.company.com.evil.example/`,
    # a registry a scanned project's .npmrc can name.
    nerf = "//" + url.split("://", 1)[-1]
    token = None
    best = -1
    for conf in (user, project):
        for k, v in conf.items():
            if k.endswith(":_authToken"):
                prefix = k[: -len(":_authToken")]
                if prefix.startswith("//") and prefix.endswith("/") and nerf.startswith(prefix) and len(prefix) > best:
                    token, best = v, len(prefix)
    return RegistryConfig(url, token or None, origin)
