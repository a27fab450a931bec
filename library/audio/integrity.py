"""Cheap integrity checks (truncation, broken containers) and an optional full decode.

`check_integrity` reads only headers and the last few KiB of a file, so the scanner can run it
on every file of a large library; `deep_check` decodes everything and is opt-in.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from mutagen.mp3 import MPEGInfo

from library.audio.containers import check_ape, check_asf, check_wavpack
from library.audio.flac import check_flac_tail
from library.audio.info import PARSE_ERRORS, AudioInfo, UnreadableAudio, read_audio
from library.audio.layout import flac_layout, id3v2_end, sniff_container, tail_tags_size

# An MP3 may legitimately be a little shorter than bitrate x duration says (rounding, a last
# frame or two); more than this much missing means the download was cut.
MP3_MISSING_RATIO = 0.02
MP3_MISSING_MIN_BYTES = 4 * 1024
_OGG_MAX_PAGE = 65307
DEEP_CHECK_TIMEOUT_S = 600
# A decode that stops more than this short of the header's length lost audio (frames a
# decoder skips and rounding account for less).
DEEP_SHORT_RATIO = 0.02
DEEP_SHORT_MIN_MS = 1000


class AudioToolMissing(RuntimeError):
    """flac/ffmpeg is not installed, so a deep check cannot run (the file is not to blame)."""


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of verifying a finished download before it is imported."""

    ok: bool
    reason: str = ""
    info: AudioInfo | None = None


def check_integrity(
    path: Path, info: AudioInfo | None = None, fileobj: BinaryIO | None = None
) -> str | None:
    """None if the file looks complete, else a short human reason (empty, unreadable, truncated).

    Pass the AudioInfo from `read_audio` when you have it to skip a second header parse, and
    `fileobj` when `path` is open already (it is read instead of opening the file again).
    """
    path = Path(path)
    try:
        size = os.fstat(fileobj.fileno()).st_size if fileobj else path.stat().st_size
    except FileNotFoundError:
        return "file not found"
    if size == 0:
        return "empty file (0 bytes)"
    if info is None:
        try:
            info = read_audio(path, fileobj)
        except UnreadableAudio as exc:
            return explain_unreadable(path, exc.reason, fileobj)
    if fileobj is not None:
        return _check_open_container(fileobj, size, info)
    with path.open("rb") as f:
        return _check_open_container(f, size, info)


def explain_unreadable(path: Path, reason: str, fileobj: BinaryIO | None = None) -> str:
    """A better reason than mutagen's for a file it could not parse, when we can name one.

    mutagen stops at the first inconsistency with "file said 2 bytes, read 0 bytes"; for a
    FLAC, walking its metadata blocks names the block that is broken.
    """
    try:
        if fileobj is not None:
            return _flac_metadata_problem(fileobj) or reason
        with Path(path).open("rb") as f:
            return _flac_metadata_problem(f) or reason
    except OSError:
        return reason


def _flac_metadata_problem(f: BinaryIO) -> str:
    if sniff_container(f) != "flac":
        return ""
    try:
        flac_layout(f, os.fstat(f.fileno()).st_size)
    except ValueError as exc:
        return str(exc)
    return ""


def _check_open_container(f: BinaryIO, size: int, info: AudioInfo) -> str | None:
    try:
        return _check_container(f, size, info)
    except PARSE_ERRORS as exc:  # hostile headers must not stop a library scan
        return f"corrupt container structure: {exc or type(exc).__name__}"


def verify_download(
    path: Path, expected_duration_ms: int | None, tolerance_s: float = 3
) -> VerifyResult:
    """Is this download readable, complete and about as long as the track we wanted?"""
    try:
        with Path(path).open("rb") as f:  # one open for the header parse and the tail check
            info = read_audio(Path(path), f)
            problem = check_integrity(path, info, f)
    except UnreadableAudio as exc:
        return VerifyResult(False, explain_unreadable(path, exc.reason))
    except OSError as exc:
        return VerifyResult(False, f"cannot read file: {exc.strerror or exc}")
    if problem:
        return VerifyResult(False, problem, info)
    if expected_duration_ms:
        off_by = abs(info.duration_ms - expected_duration_ms) / 1000
        if off_by > tolerance_s:
            reason = (
                f"duration {_clock(info.duration_ms)} differs from the expected "
                f"{_clock(expected_duration_ms)} by {off_by:.0f} s"
            )
            return VerifyResult(False, reason, info)
    return VerifyResult(True, "", info)


def deep_check(path: Path, expected_ms: int | None = None) -> str | None:
    """Decode the whole file (`flac -t` for FLAC, ffmpeg otherwise); None if it decodes cleanly.

    ffmpeg is judged by its exit status and by how much audio it decoded against the length
    the header gives (`expected_ms`, read from the file when not given): it prints error-level
    lines for streams it then decodes in full (a Vorbis setup packet spread over pages), so
    its messages alone convict good files.
    """
    path = Path(path)
    with path.open("rb") as f:
        is_flac = sniff_container(f) == "flac"
    if is_flac:
        args = [_tool("flac"), "-t", "-s", str(path)]
    else:
        args = [_tool("ffmpeg"), "-nostdin", "-v", "error", "-nostats", "-progress", "pipe:1"]
        args += ["-i", str(path), "-f", "null", "-"]
    done = subprocess.run(args, capture_output=True, timeout=DEEP_CHECK_TIMEOUT_S, check=False)
    errors = done.stderr.decode("utf-8", "replace").strip()
    summary = " ".join(line.strip() for line in errors.splitlines() if line.strip())
    if done.returncode != 0:
        return f"decode failed: {(summary or f'exit status {done.returncode}')[:300]}"
    if is_flac:
        return None  # flac -t checks every frame's CRC and the MD5 of all samples
    decoded_ms = _decoded_ms(done.stdout.decode("utf-8", "replace"))
    if expected_ms is None:
        try:
            expected_ms = read_audio(path).duration_ms
        except UnreadableAudio:
            expected_ms = None
    if decoded_ms is None or not expected_ms:
        return None
    if expected_ms - decoded_ms > max(DEEP_SHORT_MIN_MS, expected_ms * DEEP_SHORT_RATIO):
        detail = f": {summary[:200]}" if summary else ""
        return f"decode failed: only {_clock(decoded_ms)} of {_clock(expected_ms)} decodes{detail}"
    return None


def _decoded_ms(progress: str) -> int | None:
    """The last `out_time_us` of ffmpeg's -progress report (how far decoding got)."""
    times = [
        line.partition("=")[2].strip()
        for line in progress.splitlines()
        if line.startswith("out_time_us=")
    ]
    try:
        return max(0, int(times[-1]) // 1000) if times else None
    except ValueError:  # "N/A" when nothing was decoded
        return 0


def _check_container(f: BinaryIO, size: int, info: AudioInfo) -> str | None:
    container = sniff_container(f)
    if container == "flac":
        return check_flac_tail(f, size)
    if container in _HEADER_CHECKS:
        return _HEADER_CHECKS[container](f, id3v2_end(f), size - tail_tags_size(f, size))
    if container == "ogg":
        return _check_ogg(f, size)
    if container == "mp4":
        return _check_mp4(f, size)
    if container in {"riff", "aiff"}:
        return _check_iff(f, size, big_endian=container == "aiff")
    if info.format == "mp3":
        return _check_mp3(f, size)
    return None


_HEADER_CHECKS = {"ape": check_ape, "wavpack": check_wavpack, "asf": check_asf}


def _check_mp3(f: BinaryIO, size: int) -> str | None:
    """Compare the audio bytes present with bitrate x duration.

    mutagen takes duration from the Xing/VBRI frame count and bitrate from its byte count, so
    their product is the size the encoder wrote. Without such a header both come from the file
    size and always agree, so CBR files without a header cannot be checked this way.
    """
    try:
        stream = MPEGInfo(f)  # stream header only (exact bitrate); tags were parsed already
    except PARSE_ERRORS:
        return "MP3 file is corrupt: no valid MPEG frame found"
    audio_bytes = size - id3v2_end(f) - tail_tags_size(f, size)
    expected = stream.bitrate * stream.length / 8
    missing = expected - audio_bytes
    if expected and missing > max(expected * MP3_MISSING_RATIO, MP3_MISSING_MIN_BYTES):
        percent = 100 * audio_bytes / expected
        return f"MP3 file is truncated: only {percent:.0f}% of the audio data is present"
    return None


def _check_ogg(f: BinaryIO, size: int) -> str | None:
    """The last Ogg page must be complete and carry the end-of-stream flag."""
    end = size - tail_tags_size(f, size)
    start = max(0, end - _OGG_MAX_PAGE - 64)
    f.seek(start)
    tail = f.read(end - start)
    i = len(tail)
    while (i := tail.rfind(b"OggS", 0, i)) >= 0:
        if len(tail) - i < 27 or tail[i + 4] != 0:
            continue
        segments = tail[i + 27 : i + 27 + tail[i + 26]]
        page_end = i + 27 + tail[i + 26] + sum(segments)
        if page_end == len(tail):
            if tail[i + 5] & 0x04:
                return None
            return "Ogg file is truncated: the stream has no end-of-stream page"
    return "Ogg file is truncated: the last page is incomplete"


def _check_mp4(f: BinaryIO, size: int) -> str | None:
    """Every top-level atom must fit in the file (a cut file leaves 'mdat' or 'moov' short)."""
    pos, seen = 0, set()
    while pos + 8 <= size:
        f.seek(pos)
        atom_size, kind = struct.unpack(">I4s", f.read(8))
        if atom_size == 1:
            atom_size = struct.unpack(">Q", f.read(8))[0]
        elif atom_size == 0:  # "extends to the end of the file"
            atom_size = size - pos
        if atom_size < 8:
            return f"MP4 file is corrupt: invalid size for atom {kind!r}"
        if pos + atom_size > size:
            name = kind.decode("latin-1")
            return f"MP4 file is truncated: the '{name}' atom runs past the end of the file"
        seen.add(kind)
        pos += atom_size
    return None if b"mdat" in seen else "MP4 file has no audio data ('mdat' atom missing)"


def _check_iff(f: BinaryIO, size: int, *, big_endian: bool) -> str | None:
    """WAV (RIFF) / AIFF (FORM): the sample data chunk must fit in the file."""
    data_id, fmt = (b"SSND", ">4sI") if big_endian else (b"data", "<4sI")
    pos = 12
    while pos + 8 <= size:
        f.seek(pos)
        chunk_id, chunk_size = struct.unpack(fmt, f.read(8))
        if chunk_id == data_id:
            if chunk_size in {0, 0xFFFFFFFF}:
                return None  # streamed / RF64 placeholder sizes: cannot judge
            if pos + 8 + chunk_size > size:
                have = size - pos - 8
                return f"audio data is truncated: {have} of {chunk_size} bytes present"
            return None
        pos += 8 + chunk_size + (chunk_size & 1)  # chunks are padded to even sizes
    return "no audio data chunk found"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise AudioToolMissing(f"{name} is not installed; cannot run a deep check")
    return path


def _clock(ms: int) -> str:
    minutes, seconds = divmod(round(ms / 1000), 60)
    return f"{minutes}:{seconds:02d}"
