"""Typed readers for environment variables.

Settings are read once at start. A bad value must stop SoulSpot with one line that names the
variable, not with a traceback deep inside Django, so every reader raises `ConfigError` and
`settings.py` turns that into a clean exit.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


class ConfigError(Exception):
    """A configuration value is missing or invalid; the message names the variable."""


def env_str(name: str, default: str = "", *, strip: bool = True) -> str:
    value = os.environ.get(name, default)
    return value.strip() if strip else value


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false (got {raw!r})")


def env_int(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"{name} must be a whole number (got {raw!r})") from None
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ConfigError(f"{name} must be between {minimum} and {maximum} (got {value})")
    return value


def env_url(name: str) -> str:
    """An optional http(s) URL without a trailing slash; empty when unset."""
    value = env_str(name).rstrip("/")
    if value and not value.startswith(("http://", "https://")):
        raise ConfigError(f"{name} must start with http:// or https:// (got {value!r})")
    return value


def env_path(name: str, default: Path | None = None) -> Path | None:
    """A path with `~` expanded and made absolute; `default` when unset or empty."""
    value = env_str(name)
    return Path(value).expanduser().resolve() if value else default


def env_paths(name: str) -> list[Path]:
    """Colon-separated absolute paths (like PATH); empty when unset. A relative entry is a
    mistake (relative to what?), so it stops SoulSpot with the variable's name."""
    paths = []
    for part in env_str(name).split(":"):
        if not part.strip():
            continue
        path = Path(part.strip()).expanduser()
        if not path.is_absolute():
            raise ConfigError(f"{name} must list absolute paths separated by ':' (got {part!r})")
        paths.append(path.resolve())
    return paths


def writable_dir(name: str, path: Path) -> Path:
    """Create `path` if needed and prove we can write to it."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".soulspot-write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise ConfigError(
            f"{name}: directory {path} is not writable ({exc.strerror or exc})"
        ) from None
    return path


def persistent_secret(name: str, data_dir: Path) -> str:
    """The secret key from the environment, or one generated once and kept in the data dir."""
    value = env_str(name)
    if value:
        return value
    secret_file = data_dir / "secret_key"
    try:
        if secret_file.exists():
            return secret_file.read_text().strip()
        value = secrets.token_urlsafe(50)
        secret_file.write_text(value)
        secret_file.chmod(0o600)
    except OSError as exc:
        raise ConfigError(
            f"{name}: cannot read or create {secret_file} ({exc.strerror or exc})"
        ) from None
    return value
