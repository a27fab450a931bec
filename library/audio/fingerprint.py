"""Identify the audio stream of a file independently of its tags.

Used to prove that tagging never changes audio and to spot the same recording under different
tags. The value is prefixed with the method, because different methods never compare equal.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path
from typing import BinaryIO

from library.audio.info import UnreadableAudio
from library.audio.layout import flac_layout, id3v2_end, sniff_container, tail_tags_size

_CHUNK = 1024 * 1024
PCM_TIMEOUT_S = 600


def audio_fingerprint(path: Path) -> str:
    """A hash of the audio stream only.

    FLAC: the STREAMINFO MD5 of the decoded audio when the encoder set it, else a SHA-256 of
    the frames. MP3: SHA-256 of the bytes between the ID3v2 tag and the ID3v1/APE tail.
    Everything else (MP4, Ogg, WAV...): MD5 of the PCM decoded by ffmpeg, since their
    containers re-number or re-offset packets when tags change.
    """
    path = Path(path)
    size = path.stat().st_size
    with path.open("rb") as f:
        container = sniff_container(f)
        if container == "flac":
            try:
                info, audio_start = flac_layout(f, size)
            except ValueError as exc:
                raise UnreadableAudio(path, str(exc)) from exc
            if any(info.md5):
                return f"flac-md5:{info.md5.hex()}"
            return f"flac-frames:{_sha256_range(f, audio_start, size - tail_tags_size(f, size))}"
        start = id3v2_end(f)
        if container is None and _is_mpeg_sync(f, start):
            return f"mp3-sha256:{_sha256_range(f, start, size - tail_tags_size(f, size))}"
    return f"pcm-md5:{pcm_md5(path)}"


def pcm_md5(path: Path) -> str:
    """MD5 of the first audio stream decoded to PCM by ffmpeg (slow: decodes everything)."""
    ffmpeg = shutil.which("ffmpeg")
    if not ffmpeg:
        raise RuntimeError("ffmpeg is not installed; cannot hash decoded audio")
    args = [ffmpeg, "-nostdin", "-v", "error", "-i", str(path), "-map", "0:a:0", "-f", "md5", "-"]
    done = subprocess.run(args, capture_output=True, timeout=PCM_TIMEOUT_S, check=False)
    out = done.stdout.decode("ascii", "replace").strip()
    if done.returncode != 0 or not out.startswith("MD5="):
        reason = done.stderr.decode("utf-8", "replace").strip()[:300]
        raise UnreadableAudio(Path(path), f"ffmpeg could not decode the audio: {reason}")
    return out.removeprefix("MD5=")


def _is_mpeg_sync(f: BinaryIO, offset: int) -> bool:
    f.seek(offset)
    head = f.read(2)
    return len(head) == 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0


def _sha256_range(f: BinaryIO, start: int, end: int) -> str:
    digest = hashlib.sha256()
    f.seek(start)
    remaining = max(end - start, 0)
    while remaining:
        chunk = f.read(min(_CHUNK, remaining))
        if not chunk:
            break
        digest.update(chunk)
        remaining -= len(chunk)
    return digest.hexdigest()
