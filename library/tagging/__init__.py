"""Read and write tags (ID3, Vorbis comments, MP4 atoms, APEv2, ASF) with Picard's field names.

Pure functions over paths: no Django import, so the importer, the scanner and benchmarks share
them. Each container has ONE mapping table (TagSet field -> native key) used for reading and
for writing, so the two directions cannot drift apart.

Writing only touches metadata: mutagen rewrites tag blocks/atoms/pages but never re-encodes,
and tests prove it with `library.audio.audio_fingerprint`.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any, BinaryIO

import mutagen
from mutagen.apev2 import APEv2
from mutagen.id3 import ID3

from library.mutagen_formats import mutagen_kinds
from library.tagging.containers import (
    ID3_KEYS,
    MP4_KEYS,
    SPOTIFY_KEY,
    VORBIS_KEYS,
    Container,
    Vorbis,
    container_for,
)
from library.tagging.covers import prepare_cover
from library.tagging.tagset import (
    INT_FIELDS,
    InvalidImage,
    TaggingError,
    TagSet,
    UnsupportedFormat,
    parse_int,
)

__all__ = [
    "ID3_KEYS",
    "MP4_KEYS",
    "SPOTIFY_KEY",
    "VORBIS_KEYS",
    "InvalidImage",
    "TagSet",
    "TaggingError",
    "UnsupportedFormat",
    "prepare_cover",
    "read_cover",
    "read_lyrics",
    "read_tags",
    "tagset_from_mutagen",
    "write_tags",
]


def read_tags(path: Path) -> TagSet:
    """Read the managed tags of an audio file (an empty TagSet when it has no tags)."""
    return tagset_from_mutagen(_open(path), Path(path))


def tagset_from_mutagen(audio: Any, source: Path | BinaryIO | None = None) -> TagSet:
    """Map an already opened mutagen file to a TagSet (lets readers parse a file only once).

    `source` is the path or open file `audio` was read from (mutagen knows no name for a file
    object), needed only to look for an APEv2 tag an MP3 or TTA carries instead of ID3.
    """
    tags = _tagset(audio)
    if tags == TagSet() and type(audio).__name__ in _APE_TOO:
        return _apev2_of(source or audio.filename)
    return tags


# MP3 and TTA files tagged by foobar2000 and older taggers carry APEv2 instead of ID3 (mutagen
# only reads their ID3): read that when there is no ID3 to read.
_APE_TOO = {"MP3", "TrueAudio"}


def _apev2_of(source: Path | BinaryIO | str | None) -> TagSet:
    if not source:
        return TagSet()
    try:
        ape = APEv2(source)
    except (mutagen.MutagenError, OSError, ValueError):
        return TagSet()  # no APEv2 tag (the usual case), or one too broken to read
    return _tagset(SimpleNamespace(tags=ape))


def _tagset(audio: Any) -> TagSet:
    try:
        container = container_for(audio)
    except UnsupportedFormat:
        return TagSet()
    if audio.tags is None:
        return TagSet()
    values: dict[str, Any] = {}
    for name, key in container.keys.items():
        if "/" in name:
            number_name, total_name = name.split("/")
            values[number_name], values[total_name] = container.get_pair(audio.tags, key)
        else:
            values[name] = _from_texts(name, container.get(audio.tags, key))
    if isinstance(container, Vorbis):
        _vorbis_number_fallbacks(container, audio.tags, values)
    if not values["artists"]:  # ARTIST=piman, ARTIST=jzig: two artists, not one "piman; jzig"
        named = _from_texts("artists", container.get(audio.tags, container.keys["artist"]))
        values["artists"] = named if len(named) > 1 else []
    return TagSet(**values)


def write_tags(
    path: Path,
    tags: TagSet,
    cover: bytes | None = None,
    lyrics: str | None = None,
    *,
    clear_missing: bool = True,
) -> None:
    """Write `tags` into the file in place; the audio stream is never touched.

    With `clear_missing` a managed field that is None/empty in `tags` is removed from the file,
    so the file ends up matching `tags`; tags SoulSpot does not manage are always kept.
    `cover` (JPEG/PNG bytes, see `prepare_cover`) replaces all embedded pictures and `lyrics`
    replaces the lyrics; None leaves the existing ones alone.
    """
    audio = _open(path)
    container = container_for(audio)
    if audio.tags is None:
        audio.add_tags()
    for name, key in container.keys.items():
        _write_field(container, audio.tags, name, key, tags, clear_missing)
    if cover is not None:
        container.set_cover(audio, cover)
    if lyrics is not None:
        container.put(audio.tags, container.lyrics_key, [lyrics])
    _save(audio)


def read_cover(path: Path) -> bytes | None:
    """The embedded front cover (or first picture), if any."""
    audio = _open(path)
    return None if audio.tags is None else container_for(audio).get_cover(audio)


def read_lyrics(path: Path) -> str | None:
    """The embedded unsynchronised lyrics, if any."""
    audio = _open(path)
    if audio.tags is None:
        return None
    container = container_for(audio)
    texts = container.get(audio.tags, container.lyrics_key)
    return texts[0] if texts else None


# --- helpers ----------------------------------------------------------------------------------


def _open(path: Path) -> Any:
    try:
        audio = mutagen.File(Path(path), options=mutagen_kinds())
    except mutagen.MutagenError as exc:
        raise TaggingError(f"{path}: cannot parse tags: {exc}") from exc
    if audio is None:
        raise UnsupportedFormat(f"{path}: unknown audio format")
    return audio


def _save(audio: Any) -> None:
    if isinstance(audio.tags, ID3):
        audio.save(v2_version=4)  # ID3v2.4: UTF-8 and real multi-value frames
    else:
        audio.save()


def _write_field(
    container: Container, native: Any, name: str, key: str, tags: TagSet, clear: bool
) -> None:
    if "/" in name:
        number_name, total_name = name.split("/")
        number = getattr(tags, number_name)
        if number:
            container.put_pair(native, key, number, getattr(tags, total_name))
        elif clear:
            container.delete(native, key)
        return
    texts = _to_texts(getattr(tags, name))
    if name == "genre":  # "Rock; Pop" is two genres: one value each, as taggers write them
        texts = [genre.strip() for text in texts for genre in text.split("; ") if genre.strip()]
    if texts:
        container.put(native, key, texts)
    elif clear:
        container.delete(native, key)


def _vorbis_number_fallbacks(container: Container, native: Any, values: dict[str, Any]) -> None:
    """Accept the older TOTALTRACKS/TOTALDISCS names and "3/12" numbers other taggers write."""
    for prefix, legacy in (("track", "TOTALTRACKS"), ("disc", "TOTALDISCS")):
        number, total = container.get_pair(native, VORBIS_KEYS[f"{prefix}_number"])
        values[f"{prefix}_number"] = number
        legacy_total = _from_texts("track_total", container.get(native, legacy))
        values[f"{prefix}_total"] = values[f"{prefix}_total"] or total or legacy_total


def _to_texts(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value if str(v).strip()]
    text = str(value)
    return [text] if text.strip() else []


def _from_texts(name: str, texts: list[str]) -> Any:
    texts = [t for t in texts if t.strip()]
    if name == "artists":
        return texts
    if name in INT_FIELDS:
        return parse_int(texts[0]) if texts else None
    return "; ".join(texts) if texts else None
