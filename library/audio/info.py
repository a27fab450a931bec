"""Read stream info and tags from an audio file without decoding it (one mutagen parse)."""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import mutagen
from mutagen.mp3 import BitrateMode

from library.audio.layout import id3v2_end, mpeg_audio_seconds, riff_chunk, tail_tags_size
from library.mutagen_formats import mutagen_kinds
from library.tagging import TagSet, tagset_from_mutagen

# The scanner and importer share the tagging TagSet; `Tags` is its name on AudioInfo.
Tags = TagSet

FORMATS = (
    "flac",
    "alac",
    "wav",
    "aiff",
    "mp3",
    "aac",
    "ogg",
    "opus",
    "speex",
    "ape",
    "wv",
    "mpc",
    "wma",
    "dsd",
    "tak",
    "ofr",
    "tta",
    "ac3",
    "other",
)
_FORMAT_BY_CLASS = {
    "FLAC": "flac",
    "OggFLAC": "flac",
    "MP3": "mp3",
    "WAVE": "wav",
    "AIFF": "aiff",
    "OggVorbis": "ogg",
    "OggOpus": "opus",
    "OggSpeex": "speex",
    "AAC": "aac",
    "MonkeysAudio": "ape",
    "WavPack": "wv",
    "Musepack": "mpc",
    "ASF": "wma",
    "DSF": "dsd",
    "DSDIFF": "dsd",
    "TAK": "tak",
    "OptimFROG": "ofr",
    "TrueAudio": "tta",
    "AC3": "ac3",  # E-AC-3 too: one mutagen class, one codec family
}
_WAVE_FORMAT_MP3 = 0x55
# Bit depth is meaningless for lossy codecs.
_LOSSLESS = {"flac", "alac", "wav", "aiff", "ape", "wv", "dsd", "tak", "ofr", "tta"}
_LOSSY_VBR = {"ogg", "opus", "speex", "mpc"}  # variable bitrate by design
# Broken or hostile files make mutagen's parsers fail in more ways than MutagenError.
PARSE_ERRORS = (mutagen.MutagenError, ValueError, IndexError, KeyError, EOFError, struct.error)


class UnreadableAudio(Exception):
    """The file exists but is not audio we can parse (empty, noise, unknown or broken format)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason


@dataclass(frozen=True)
class AudioInfo:
    """Stream facts and tags of one audio file, as stored on TrackFile."""

    path: Path
    format: str  # one of FORMATS (TrackFile.Format values)
    size: int
    duration_ms: int
    bitrate: int | None  # kbps
    sample_rate: int | None
    bit_depth: int | None  # lossless formats only
    channels: int | None
    is_vbr: bool
    tags: TagSet = field(default_factory=TagSet)


def read_audio(path: Path, fileobj: BinaryIO | None = None) -> AudioInfo:
    """Parse headers and tags of `path` (never decodes audio, so it is cheap on big libraries).

    Raises UnreadableAudio for empty, unknown, unparsable or audio-less files, and
    FileNotFoundError when the file is gone (missing is not the same as broken). A caller that
    has `path` open already (the scanner) passes `fileobj`, which is then read instead.
    """
    path = Path(path)
    size = os.fstat(fileobj.fileno()).st_size if fileobj else path.stat().st_size
    if size == 0:
        raise UnreadableAudio(path, "empty file (0 bytes)")
    audio = open_mutagen(path, fileobj)
    length = _true_length(audio, path, fileobj, size)
    if length <= 0:
        raise UnreadableAudio(path, "no audio stream (duration is 0)")
    info = _info_from(path, size, audio, length, fileobj)
    problem = implausible_stream(info)
    if problem:
        raise UnreadableAudio(path, f"damaged header: {problem}")
    return info


def _true_length(audio: Any, path: Path, fileobj: BinaryIO | None, size: int) -> float:
    """mutagen's length, except where mutagen's source for it is known to lie.

    An MP3 whose Xing/Info header is wrong gets length 0 although its frames decode, and a
    WAV holding MP3 (format tag 0x55) gets a length from a PCM formula (1 ms for 5 s): both
    are measured by counting MPEG frames instead.
    """
    length = getattr(audio.info, "length", 0) or 0
    kind = type(audio).__name__
    is_mp3_wav = kind == "WAVE" and getattr(audio.info, "audio_format", None) == _WAVE_FORMAT_MP3
    if not (is_mp3_wav or (kind == "MP3" and length <= 0)):
        return length
    if fileobj is not None:
        return _counted_length(fileobj, size, is_mp3_wav, audio) or length
    with path.open("rb") as f:
        return _counted_length(f, size, is_mp3_wav, audio) or length


def _counted_length(f: BinaryIO, size: int, is_wav: bool, audio: Any) -> float:
    if is_wav:
        data = riff_chunk(f, size, b"data")
        return mpeg_audio_seconds(f, data[0], data[0] + data[1]) if data else 0.0
    start = getattr(audio.info, "frame_offset", None) or id3v2_end(f)
    return mpeg_audio_seconds(f, start, size - tail_tags_size(f, size))


def open_mutagen(path: Path, fileobj: BinaryIO | None = None) -> Any:
    """mutagen.File with every parse failure turned into UnreadableAudio."""
    try:
        if fileobj is None:
            audio = mutagen.File(path, options=mutagen_kinds())
        else:
            fileobj.seek(0)
            audio = mutagen.File(fileobj, options=mutagen_kinds())
    except PARSE_ERRORS as exc:
        # The reason is stored and shown next to the path: drop mutagen's copy of it.
        detail = str(exc).replace(repr(str(path)), "file") or type(exc).__name__
        raise UnreadableAudio(path, f"cannot parse audio headers: {detail}") from exc
    except OSError as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise UnreadableAudio(path, f"cannot read file: {exc.strerror or exc}") from exc
    if audio is None or getattr(audio, "info", None) is None:
        raise UnreadableAudio(path, "unknown or unsupported audio format")
    return audio


def format_key(audio: Any) -> str:
    """TrackFile format for a mutagen object; MP4 is told apart by its codec (AAC vs ALAC)."""
    name = type(audio).__name__
    if name == "WAVE" and getattr(audio.info, "audio_format", None) == _WAVE_FORMAT_MP3:
        # An MP3 stream in a RIFF container sounds like an MP3 and must rank like one, not as
        # lossless PCM; its container (and so its ".wav" name) stays as it is.
        return "mp3"
    if name == "MP4":
        codec = (getattr(audio.info, "codec", "") or "").lower()
        if codec == "alac":
            return "alac"
        if codec.startswith("mp4a.40"):
            return "aac"
        return "mp3" if codec in {"mp4a.69", "mp4a.6b"} else "other"
    return _FORMAT_BY_CLASS.get(name, "other")


def _info_from(
    path: Path, size: int, audio: Any, length: float, fileobj: BinaryIO | None
) -> AudioInfo:
    info = audio.info
    fmt = format_key(audio)
    bitrate = getattr(info, "bitrate", 0) or 0
    if not bitrate and fmt == "mp3" and length > 0:
        bitrate = size * 8 / length  # an MP3 in a WAV: mutagen gives none; the average is close
    sample_rate = getattr(info, "sample_rate", None) or (48000 if fmt == "opus" else None)
    bit_depth = getattr(info, "bits_per_sample", None) if fmt in _LOSSLESS else None
    return AudioInfo(
        path=path,
        format=fmt,
        size=size,
        duration_ms=round(length * 1000),
        bitrate=round(bitrate / 1000) or None,
        sample_rate=sample_rate,
        bit_depth=bit_depth or None,
        channels=getattr(info, "channels", None),
        is_vbr=_is_vbr(fmt, info),
        tags=tagset_from_mutagen(audio, fileobj or path),
    )


# What real audio files can be. A header outside these bounds is damaged, and its numbers must
# not reach the database (a 40-million-second duration overflowed PostgreSQL's integer column
# and aborted a whole scan).
MAX_DURATION_MS = 24 * 60 * 60 * 1000
# An audiobook (.m4b) may really run for days: a week is still a damaged header.
MAX_AUDIOBOOK_MS = 7 * MAX_DURATION_MS
SAMPLE_RATES = range(8_000, 768_000 + 1)
# DSD samples one bit at 64 to 512 times 44.1 kHz (2.8 to 22.6 MHz).
DSD_SAMPLE_RATES = range(2_822_400, 22_579_200 + 1)
MAX_BITRATE_KBPS = 50_000  # DSD256 stereo is about 22,600 kbps
MAX_BIT_DEPTH = 64
MAX_CHANNELS = 64


def implausible_stream(info: AudioInfo) -> str:
    """Why these stream facts cannot be true of a real file; empty when they can."""
    limit = MAX_AUDIOBOOK_MS if info.path.suffix.lower() == ".m4b" else MAX_DURATION_MS
    if info.duration_ms > limit:
        hours = info.duration_ms / 3_600_000
        return f"it says the audio lasts {hours:,.0f} hours (more than {limit // 3_600_000})"
    rates, real = (SAMPLE_RATES, "8 kHz to 768 kHz")
    if info.format == "dsd":
        rates, real = (DSD_SAMPLE_RATES, "2.8 MHz to 22.6 MHz")
    if info.sample_rate is not None and info.sample_rate not in rates:
        return f"it says the sample rate is {info.sample_rate:,} Hz ({real} is real)"
    if info.bitrate is not None and not 0 < info.bitrate <= MAX_BITRATE_KBPS:
        return f"it says the bitrate is {info.bitrate:,} kbps"
    if info.bit_depth is not None and not 0 < info.bit_depth <= MAX_BIT_DEPTH:
        return f"it says samples are {info.bit_depth} bits"
    if info.channels is not None and not 0 <= info.channels <= MAX_CHANNELS:
        return f"it says there are {info.channels} channels"
    return ""


def _is_vbr(fmt: str, info: Any) -> bool:
    if fmt == "mp3":
        return getattr(info, "bitrate_mode", None) in {BitrateMode.VBR, BitrateMode.ABR}
    return fmt in _LOSSY_VBR
