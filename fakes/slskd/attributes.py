"""Audio attributes a peer reports for a shared file, read from the real file with mutagen.

Which attributes a Soulseek peer sends depends on the format (spec §10.6): lossless files carry
bitDepth/sampleRate/length and usually no bitRate; lossy files carry bitRate/length/
isVariableBitRate and no sampleRate/bitDepth; non-audio files carry nothing. Clients decide
quality from *presence* of keys, so the rules matter as much as the values.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import mutagen
from mutagen.mp3 import BitrateMode

# Soulseek FileAttributeType codes; attributes are listed in this order in browse results.
ATTRIBUTE_CODES = {
    "bitRate": 0,
    "length": 1,
    "isVariableBitRate": 2,
    "sampleRate": 4,
    "bitDepth": 5,
}
ATTRIBUTE_TYPES = {
    "bitRate": "BitRate",
    "length": "Length",
    "isVariableBitRate": "VariableBitRate",
    "sampleRate": "SampleRate",
    "bitDepth": "BitDepth",
}
_LOSSLESS = {"flac", "wav", "aiff", "aif", "ape", "wv", "alac"}
_LOSSY = {"mp3", "ogg", "opus", "m4a", "aac", "wma", "mpc"}
_LOSSLESS_KEYS = ("length", "sampleRate", "bitDepth")
_LOSSY_KEYS = ("bitRate", "length", "isVariableBitRate")

_VARIABLE = (BitrateMode.VBR, BitrateMode.ABR)

_cache: dict[tuple[str, int, int], dict[str, Any]] = {}
_cache_lock = threading.Lock()


def extension_of(filename: str) -> str:
    """Lowercase extension without the dot, from a remote name using either separator."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def read_attributes(local: Path, remote_name: str) -> dict[str, Any]:
    """Attributes (camelCase keys) a peer would report for `local` shared as `remote_name`."""
    ext = extension_of(remote_name)
    if ext not in _LOSSLESS and ext not in _LOSSY:
        return {}
    info = _probe(local)
    keys = _LOSSLESS_KEYS if ext in _LOSSLESS else _LOSSY_KEYS
    return {key: info[key] for key in keys if info.get(key) is not None}


def apply_overrides(
    attributes: dict[str, Any], overrides: dict[str, Any], omit: tuple[str, ...]
) -> dict[str, Any]:
    """Scenario overrides win over the real values; `omit` removes keys entirely."""
    merged = {**attributes, **overrides}
    for key in omit:
        merged.pop(key, None)
    return {key: merged[key] for key in sorted(merged, key=lambda k: ATTRIBUTE_CODES.get(k, 99))}


def attribute_list(attributes: dict[str, Any]) -> list[dict[str, Any]]:
    """The `attributes` array of browse/directory files: `[{"type":"Length","value":245}]`."""
    return [
        {"type": ATTRIBUTE_TYPES[key], "value": int(value)}
        for key, value in attributes.items()
        if key in ATTRIBUTE_TYPES
    ]


def _probe(local: Path) -> dict[str, Any]:
    """Read and cache the real stream info; unreadable files simply report nothing."""
    try:
        stat = local.stat()
    except OSError:
        return {}
    key = (str(local), stat.st_mtime_ns, stat.st_size)
    with _cache_lock:
        if key in _cache:
            return _cache[key]
    info = _read(local)
    with _cache_lock:
        _cache[key] = info
    return info


def _read(local: Path) -> dict[str, Any]:
    """mutagen stream info mapped to Soulseek attribute names and units."""
    try:
        audio = mutagen.File(local)
    except Exception:  # mutagen raises many types for junk; a junk share reports no attributes
        return {}
    if audio is None or audio.info is None:
        return {}
    info = audio.info
    mode = getattr(info, "bitrate_mode", None)
    bitrate = getattr(info, "bitrate", None)
    return {
        "length": round(info.length) if getattr(info, "length", None) else None,
        "bitRate": round(bitrate / 1000) if bitrate else None,
        "sampleRate": getattr(info, "sample_rate", None) or None,
        "bitDepth": getattr(info, "bits_per_sample", None) or None,
        # Only MP3 knows its mode; Vorbis/Opus/AAC streams are effectively always VBR.
        "isVariableBitRate": mode in _VARIABLE if mode is not None else True,
    }
