"""How slskd writes JSON: ASP.NET "web" defaults (spec §1).

camelCase names, nulls omitted, DateTimes with 7 fractional digits (100 ns ticks), TimeSpans in
.NET "c" format, doubles without a trailing `.0`. Times are kept as `time.time_ns()` integers so
the 7th digit is real.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any

# DateTime.Ticks of the unix epoch: used for the `<stem>_<ticks><ext>` clash names.
_EPOCH_TICKS = 621_355_968_000_000_000
_TICKS_PER_SECOND = 10_000_000


def now_ns() -> int:
    """Wall-clock time in nanoseconds (the unit every record stores)."""
    return time.time_ns()


def utc_ticks(ns: int | None = None) -> int:
    """.NET `DateTime.UtcNow.Ticks` for a time_ns value."""
    return _EPOCH_TICKS + (now_ns() if ns is None else ns) // 100


def datetime_text(ns: int | None, *, z: bool) -> str | None:
    """`2025-11-01T21:18:20.9999708Z`; `z=False` for values read back without a UTC kind."""
    if ns is None:
        return None
    seconds, rest = divmod(ns, 1_000_000_000)
    base = datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{base}.{rest // 100:07d}{'Z' if z else ''}"


def timespan_text(seconds: float | None) -> str | None:
    """.NET TimeSpan "c" format: `00:00:05.1234567`, `1.02:03:04`, no fraction when whole."""
    if seconds is None:
        return None
    ticks = max(0, round(seconds * _TICKS_PER_SECOND))
    whole, fraction = divmod(ticks, _TICKS_PER_SECOND)
    days, rest = divmod(whole, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours:02d}:{minutes:02d}:{secs:02d}"
    if days:
        text = f"{days}.{text}"
    if fraction:
        text = f"{text}.{fraction:07d}"
    return text


def number(value: float) -> int | float:
    """System.Text.Json writes the double 100.0 as `100`; Python would write `100.0`."""
    return int(value) if float(value).is_integer() else value


def compact(obj: dict[str, Any]) -> dict[str, Any]:
    """Drop None values: slskd uses `WhenWritingNull`, so absent means omitted, never `null`."""
    return {key: value for key, value in obj.items() if value is not None}


def dumps(obj: Any) -> bytes:
    """Serialise the way Kestrel sends it: compact separators, UTF-8, no ASCII escaping."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def new_guid() -> str:
    """Lowercase GUID, as .NET writes `Guid`."""
    return str(uuid.uuid4())


def parse_guid(text: str) -> str | None:
    """Normalised lowercase GUID, or None when `text` is not one (.NET accepts braces too)."""
    try:
        return str(uuid.UUID(text.strip()))
    except (ValueError, AttributeError):
        return None


def lower_keys(obj: dict[str, Any]) -> dict[str, Any]:
    """ASP.NET binds JSON property names case-insensitively."""
    return {str(key).lower(): value for key, value in obj.items()}


def as_int(value: Any) -> int:
    """Web defaults also accept numbers written as strings (`"size": "123"`)."""
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return int(value.strip())
    raise ValueError(f"not an integer: {value!r}")


def as_bool(value: Any) -> bool:
    """JSON booleans, plus the query-string spellings `true`/`false` in any case."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    raise ValueError(f"not a boolean: {value!r}")
