"""The runtime settings: type, bounds, group and words for each (see the package docstring)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from soulspot.lib.schemas import MAX_PATH, MAX_TEXT

# Folders in SOULSPOT_IMPORT_DIRS: far more than anyone keeps, few enough to check quickly.
MAX_IMPORT_DIRS = 50

GROUPS = {
    "slskd": "slskd connection",
    "searching": "Searching",
    "downloads": "Downloads and concurrency",
    "providers": "Metadata providers and Spotify",
    "imports": "Imports",
    "retention": "Retention",
}


class InvalidValue(ValueError):
    """A value a setting cannot take; the message says why (without the setting's name)."""


@dataclass(frozen=True)
class SettingField:
    """One runtime setting. `kind` is text, url, int, bool, path (one absolute folder or
    empty) or paths (a list of absolute folders). `attr` is the `settings` attribute the code
    reads, `scale` what the stored number is multiplied by there."""

    key: str
    kind: str
    group: str
    label: str
    help: str
    attr: str = ""
    secret: bool = False
    required: bool = False
    minimum: int | None = None
    maximum: int | None = None
    scale: int = 1

    @property
    def setting_name(self) -> str:
        return self.attr or self.key

    def clean(self, raw: Any) -> Any:
        """The JSON value to store for `raw`; InvalidValue when it is not acceptable."""
        cleaner = _CLEANERS[self.kind]
        value = cleaner(self, raw)
        if self.required and value in ("", None, []):
            raise InvalidValue("must not be empty")
        return value

    def to_setting(self, value: Any) -> Any:
        """The stored JSON value as the code reads it from `settings`."""
        if self.kind == "int":
            return int(value) * self.scale
        if self.kind == "path":
            return Path(value) if value else None
        if self.kind == "paths":
            return [Path(p) for p in value]
        return value

    def from_setting(self, value: Any) -> Any:
        """`settings`' value as JSON (the inverse of `to_setting`)."""
        if self.kind == "int":
            return int(value) // self.scale
        if self.kind == "path":
            return str(value) if value else ""
        if self.kind == "paths":
            return [str(p) for p in value or []]
        return value


def _text(field: SettingField, raw: Any) -> str:
    if not isinstance(raw, str):
        raise InvalidValue("must be text")
    if len(raw) > MAX_TEXT or "\x00" in raw:
        raise InvalidValue(f"must be at most {MAX_TEXT} characters, without NUL")
    return raw.strip()


def _url(field: SettingField, raw: Any) -> str:
    value = _text(field, raw).rstrip("/")
    if value and not value.startswith(("http://", "https://")):
        raise InvalidValue("must start with http:// or https://")
    if value and (" " in value or len(value.split("://", 1)[1]) == 0):
        raise InvalidValue("is not a URL")
    return value


def _int(field: SettingField, raw: Any) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        if not (isinstance(raw, str) and raw.strip().lstrip("-").isdigit() and len(raw) < 20):
            raise InvalidValue("must be a whole number")
        raw = int(raw)
    low, high = field.minimum, field.maximum
    if (low is not None and raw < low) or (high is not None and raw > high):
        raise InvalidValue(f"must be between {low} and {high}")
    return raw


def _bool(field: SettingField, raw: Any) -> bool:
    if not isinstance(raw, bool):
        raise InvalidValue("must be true or false")
    return raw


def _path(field: SettingField, raw: Any) -> str:
    if not isinstance(raw, str) or len(raw) > MAX_PATH or "\x00" in raw:
        raise InvalidValue(f"must be a path of at most {MAX_PATH} characters")
    value = raw.strip()
    if value and not Path(value).expanduser().is_absolute():
        raise InvalidValue("must be an absolute path")
    return str(Path(value).expanduser().resolve()) if value else ""


def _paths(field: SettingField, raw: Any) -> list[str]:
    if not isinstance(raw, list) or len(raw) > MAX_IMPORT_DIRS:
        raise InvalidValue(f"must be a list of at most {MAX_IMPORT_DIRS} absolute paths")
    cleaned = [_path(field, item) for item in raw]
    return list(dict.fromkeys(p for p in cleaned if p))


_CLEANERS = {
    "text": _text,
    "url": _url,
    "int": _int,
    "bool": _bool,
    "path": _path,
    "paths": _paths,
}

FIELDS: dict[str, SettingField] = {
    f.key: f
    for f in [
        SettingField(
            "SLSKD_URL",
            "url",
            "slskd",
            "slskd URL",
            "slskd's address, e.g. http://localhost:5030. Empty: downloading is off.",
        ),
        SettingField(
            "SLSKD_API_KEY",
            "text",
            "slskd",
            "slskd API key",
            "An API key slskd accepts (web.authentication.api_keys).",
            secret=True,
        ),
        SettingField(
            "SLSKD_DOWNLOADS_DIR",
            "path",
            "slskd",
            "slskd downloads folder",
            "slskd's downloads folder as SoulSpot sees it. Empty: ask slskd for its own path.",
        ),
        SettingField(
            "SLSKD_SEARCH_BUDGET",
            "int",
            "searching",
            "Searches per window",
            "At most this many searches per window: the Soulseek server bans faster clients.",
            minimum=1,
            maximum=1000,
        ),
        SettingField(
            "SLSKD_SEARCH_WINDOW_SECONDS",
            "int",
            "searching",
            "Search window (seconds)",
            "The window the search budget counts over.",
            minimum=1,
            maximum=3600,
        ),
        SettingField(
            "SLSKD_SEARCH_TIMEOUT_MS",
            "int",
            "searching",
            "Search timeout (ms)",
            "slskd's search inactivity timeout.",
            minimum=1000,
            maximum=300000,
        ),
        SettingField(
            "SOULSPOT_SEARCH_NEW_WANTS",
            "bool",
            "searching",
            "Search new wants at once",
            "Search at once for tracks a source (Spotify, a list) newly wants.",
        ),
        SettingField(
            "SOULSPOT_DOWNLOAD_ATTEMPTS",
            "int",
            "downloads",
            "Download attempts",
            "Attempts per want, each with another candidate.",
            attr="DOWNLOAD_ATTEMPTS",
            minimum=1,
            maximum=20,
        ),
        SettingField(
            "SOULSPOT_REMOTE_QUEUE_TIMEOUT_MINUTES",
            "int",
            "downloads",
            "Peer queue timeout (minutes)",
            "Give up on a peer whose queue does not start our file in time.",
            attr="DOWNLOAD_REMOTE_QUEUE_TIMEOUT_SECONDS",
            minimum=1,
            maximum=1440,
            scale=60,
        ),
        SettingField(
            "SOULSPOT_STALL_TIMEOUT_MINUTES",
            "int",
            "downloads",
            "Stall timeout (minutes)",
            "Give up on a transfer whose bytes stopped moving.",
            attr="DOWNLOAD_STALL_TIMEOUT_SECONDS",
            minimum=1,
            maximum=1440,
            scale=60,
        ),
        SettingField(
            "SOULSPOT_SCAN_WORKERS",
            "int",
            "downloads",
            "Scan processes",
            "Processes that read and hash files during a library scan.",
            minimum=1,
            maximum=64,
        ),
        SettingField(
            "SOULSPOT_METADATA_PROVIDERS",
            "bool",
            "providers",
            "Metadata providers on",
            "Off: imports make no network calls (no MusicBrainz, covers, lyrics, genres).",
            attr="METADATA_PROVIDERS_ENABLED",
        ),
        SettingField(
            "MUSICBRAINZ_URL",
            "url",
            "providers",
            "MusicBrainz URL",
            "MusicBrainz web service (or a mirror).",
            required=True,
        ),
        SettingField(
            "LASTFM_API_KEY",
            "text",
            "providers",
            "Last.fm API key",
            "Genres come from Last.fm's top tags; empty: Last.fm is off.",
            secret=True,
        ),
        SettingField(
            "SPOTIFY_CLIENT_ID",
            "text",
            "providers",
            "Spotify client id",
            "Your Spotify app's client id; empty: Spotify is off.",
        ),
        SettingField(
            "SPOTIFY_CLIENT_SECRET",
            "text",
            "providers",
            "Spotify client secret",
            "Optional (SoulSpot connects with PKCE).",
            secret=True,
        ),
        SettingField(
            "SOULSPOT_IMPORT_DIRS",
            "paths",
            "imports",
            "Import folders",
            "Absolute folders imports started from the web or the API may take files from.",
        ),
        SettingField(
            "SOULSPOT_COVER_MAX_PX",
            "int",
            "imports",
            "Cover size (pixels)",
            "Embedded and cover.jpg art is resized to at most this many pixels.",
            attr="COVER_MAX_PX",
            minimum=100,
            maximum=5000,
        ),
        SettingField(
            "SOULSPOT_BACKUP_KEEP",
            "int",
            "retention",
            "Backups kept",
            "The daily backup keeps this many newest archives.",
            minimum=1,
            maximum=1000,
        ),
        SettingField(
            "SOULSPOT_AUDIT_RETENTION_DAYS",
            "int",
            "retention",
            "Audit log days",
            "Audit log entries older than this are deleted once a day.",
            minimum=1,
            maximum=36500,
        ),
    ]
}
