"""One configuration schema, strictly validated, from one of three places.

`.nodeward.toml` at the scan root, a `"nodeward"` key in the root
`package.json`, or `--config FILE`.  The keys mirror the CLI flags.  An unknown
key is a `ConfigError` with a "did you mean" hint (bandit's split config
formats taught us to allow exactly one key set and check it).
"""

from __future__ import annotations

import datetime as _dt
import json
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from nodeward.errors import ConfigError
from nodeward.model import Confidence, Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["Config", "DepsConfig", "DepsIgnore", "SecretsConfig", "load_config", "find_config_file"]

CONFIG_FILENAME = ".nodeward.toml"


@dataclass(frozen=True, slots=True)
class DepsIgnore:
    """A scoped, expiring dependency-advisory ignore."""

    id: str
    reason: str
    package: str | None = None
    path: str | None = None
    versions: str | None = None
    expires: _dt.date | None = None


@dataclass(frozen=True, slots=True)
class DepsConfig:
    ignore: tuple[DepsIgnore, ...] = ()
    advisories: tuple[str, ...] = ()
    """Folders or .zip files of OSV records used directly (offline)."""
    sources: tuple[str, ...] = ("offline",)
    """Advisory sources to query: offline (local database / --advisories), osv, npm."""
    dev_severity_drop: int = 1
    """Levels to lower unimported dev-only findings by."""
    timeout: float = 10.0
    osv_url: str = "https://api.osv.dev"
    """Base URL of the OSV API (`--source osv`); a mirror or a test server may replace it."""


@dataclass(frozen=True, slots=True)
class SecretsConfig:
    exclude: tuple[str, ...] = ()
    baseline: str | None = None
    history: bool = False
    min_confidence: Confidence = Confidence.MEDIUM


@dataclass(frozen=True, slots=True)
class Config:
    """Everything a scan needs besides the path; passed explicitly, never global."""

    exclude: tuple[str, ...] = ()
    fail_on: Severity = Severity.HIGH
    min_severity: Severity = Severity.INFO
    min_confidence: Confidence = Confidence.LOW
    enable: tuple[str, ...] = ()
    """Rule ids/names to turn on beyond the defaults (`ALL` for every rule)."""
    disable: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    """Per-rule severity overrides, by id or name."""
    include_node_modules: bool = False
    max_file_size: int = 2 * 1024 * 1024
    jobs: int = 0
    """Worker processes; 0 means one per core."""
    use_cache: bool = True
    cache_dir: str | None = None
    strict: bool = False
    analyzers: tuple[str, ...] = ("sast", "app", "deps", "secrets")
    """Which static analyzers `scan` runs."""
    deps: DepsConfig = field(default_factory=DepsConfig)
    secrets: SecretsConfig = field(default_factory=SecretsConfig)
    source: str | None = None
    """The file this config came from, for messages."""

    def with_overrides(self, **changes: Any) -> Config:
        """A copy with CLI values applied on top (None means "not given")."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


# ---------------------------------------------------------------- validation

Validator = Callable[[str, Any], Any]


def _str_list(where: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a list of strings")
    return tuple(value)


def _severity(where: str, value: Any) -> Severity:
    if not isinstance(value, str):
        raise ConfigError(f"{where}: expected a severity string")
    try:
        return Severity.parse(value)
    except ValueError as e:
        raise ConfigError(f"{where}: {e}") from None


def _confidence(where: str, value: Any) -> Confidence:
    if not isinstance(value, str):
        raise ConfigError(f"{where}: expected a confidence string")
    try:
        return Confidence.parse(value)
    except ValueError as e:
        raise ConfigError(f"{where}: {e}") from None


def _bool(where: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: expected true or false")
    return value


def _int(where: str, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ConfigError(f"{where}: expected a non-negative integer")
    return value


def _float(where: str, value: Any) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
        raise ConfigError(f"{where}: expected a positive number")
    return float(value)


def _opt_str(where: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{where}: expected a string")
    return value


def _severity_map(where: str, value: Any) -> dict[str, Severity]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a table of rule = severity")
    from nodeward.registry import lookup

    out: dict[str, Severity] = {}
    for key, sev in value.items():
        rule = lookup(key)
        if rule is None:
            raise ConfigError(f"{where}: unknown rule {key!r}{_hint_rule(key)}")
        out[rule.id] = _severity(f"{where}.{key}", sev)
    return out


def _rule_list(where: str, value: Any) -> tuple[str, ...]:
    from nodeward.registry import lookup

    items = _str_list(where, value)
    for item in items:
        if item.upper() != "ALL" and lookup(item) is None:
            raise ConfigError(f"{where}: unknown rule {item!r}{_hint_rule(item)}")
    return items


def _analyzers(where: str, value: Any) -> tuple[str, ...]:
    items = _str_list(where, value)
    allowed = ("sast", "app", "deps", "secrets")
    for item in items:
        if item not in allowed:
            raise ConfigError(f"{where}: unknown analyzer {item!r}{_hint(item, allowed)}")
    return items


def _date(where: str, value: Any) -> _dt.date:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ConfigError(f"{where}: expected a date like 2026-12-31")


def _ignores(where: str, value: Any) -> tuple[DepsIgnore, ...]:
    if not isinstance(value, list):
        raise ConfigError(f"{where}: expected a list of tables")
    schema: dict[str, Validator] = {
        "id": _opt_str,
        "reason": _opt_str,
        "package": _opt_str,
        "path": _opt_str,
        "versions": _opt_str,
        "expires": _date,
    }
    out = []
    for i, item in enumerate(value):
        w = f"{where}[{i}]"
        if not isinstance(item, dict):
            raise ConfigError(f"{w}: expected a table")
        vals = _check_table(w, item, schema)
        for required in ("id", "reason"):
            if not vals.get(required):
                raise ConfigError(f"{w}: `{required}` is required")
        out.append(DepsIgnore(**vals))
    return tuple(out)


def _hint(key: str, choices: Any) -> str:
    import difflib  # only on a config error: not worth its import on every run

    close = difflib.get_close_matches(key, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _hint_rule(key: str) -> str:
    from nodeward.registry import ALL_RULES

    return _hint(key, [r.name for r in ALL_RULES] + [r.id for r in ALL_RULES])


def _check_table(where: str, table: Mapping[str, Any], schema: Mapping[str, Validator]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in table.items():
        norm = key.replace("-", "_")
        if norm not in schema:
            prefix = f"{where}: " if where else ""
            raise ConfigError(f"{prefix}unknown key {key!r}{_hint(norm, schema)}")
        out[norm] = schema[norm](f"{where}.{key}" if where else key, value)
    return out


_DEPS_SCHEMA: dict[str, Validator] = {
    "ignore": _ignores,
    "advisories": _str_list,
    "sources": _str_list,
    "dev_severity_drop": _int,
    "timeout": _float,
    "osv_url": _opt_str,
}
_SECRETS_SCHEMA: dict[str, Validator] = {
    "exclude": _str_list,
    "baseline": _opt_str,
    "history": _bool,
    "min_confidence": _confidence,
}


def _section(schema: Mapping[str, Validator]) -> Validator:
    def check(where: str, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: expected a table")
        return _check_table(where, value, schema)

    return check


_SCHEMA: dict[str, Validator] = {
    "exclude": _str_list,
    "fail_on": _severity,
    "min_severity": _severity,
    "min_confidence": _confidence,
    "enable": _rule_list,
    "disable": _rule_list,
    "severity": _severity_map,
    "include_node_modules": _bool,
    "max_file_size": _int,
    "jobs": _int,
    "strict": _bool,
    "analyzers": _analyzers,
    "deps": _section(_DEPS_SCHEMA),
    "secrets": _section(_SECRETS_SCHEMA),
}


def config_from_mapping(data: Mapping[str, Any], source: str) -> Config:
    """Validate a parsed table; every message is prefixed with the source file."""
    try:
        values = _check_table("", data, _SCHEMA)
    except ConfigError as e:
        raise ConfigError(f"{source}: {e}") from None
    deps = DepsConfig(**values.pop("deps", {}))
    secrets = SecretsConfig(**values.pop("secrets", {}))
    return Config(**values, deps=deps, secrets=secrets, source=source)


def find_config_file(root: Path) -> Path | None:
    """`.nodeward.toml` at the root, else a package.json with a `nodeward` key."""
    base = root if root.is_dir() else root.parent
    toml_path = base / CONFIG_FILENAME
    if toml_path.is_file():
        return toml_path
    pkg = base / "package.json"
    if pkg.is_file():
        try:
            data = json.loads(pkg.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return None
        if isinstance(data, dict) and "nodeward" in data:
            return pkg
    return None


def load_config(root: Path, explicit: Path | None = None) -> Config:
    """Load and validate the project's config, or defaults when there is none."""
    path = explicit if explicit is not None else find_config_file(root)
    if path is None:
        return Config()
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ConfigError(f"{path}: cannot read config: {e.strerror or e}") from None
    if path.name == "package.json":
        try:
            data = json.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            raise ConfigError(f"{path}: invalid JSON: {e}") from None
        section = data.get("nodeward") if isinstance(data, dict) else None
        if isinstance(data, dict) and "nodeward" not in data:
            raise ConfigError(f"{path}: has no \"nodeward\" key (put the settings under \"nodeward\": {{...}})")
        if not isinstance(section, dict):
            raise ConfigError(f"{path}: the \"nodeward\" key must be an object")
        return config_from_mapping(section, str(path))
    try:
        table = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: invalid TOML: {e}") from None
    return config_from_mapping(table, str(path))
