"""Generate small real audio files for tests, fakes and benchmarks (ffmpeg + mutagen).

Each file is a sine tone whose pitch comes from `seed`, so two files made with different seeds
have different audio content (and different SHA-256), while the same arguments give the same
audio every time.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

# ffmpeg encoder arguments per container; the extension decides the format.
_ENCODERS: dict[str, list[str]] = {
    "flac": ["-c:a", "flac"],
    "mp3": ["-c:a", "libmp3lame"],
    "ogg": ["-c:a", "libvorbis"],
    "opus": ["-c:a", "libopus"],
    "m4a": ["-c:a", "aac"],
    "wav": ["-c:a", "pcm_s16le"],
}


class AudioToolMissing(RuntimeError):
    pass


def ffmpeg_path() -> str:
    path = shutil.which("ffmpeg")
    if not path:
        raise AudioToolMissing("ffmpeg is not installed (apt-get install ffmpeg)")
    return path


def make_audio(
    path: Path,
    *,
    seconds: float = 3.0,
    seed: int = 0,
    bitrate_kbps: int | None = None,
    sample_rate: int = 44100,
    bit_depth: int | None = None,
    channels: int = 1,
) -> Path:
    """Write an audio file at `path` (format from its extension) and return the path."""
    ext = path.suffix.lower().lstrip(".")
    if ext not in _ENCODERS:
        raise ValueError(f"unsupported test audio format: {ext}")
    path.parent.mkdir(parents=True, exist_ok=True)
    frequency = 220 + (seed * 37) % 880
    tone = f"sine=frequency={frequency}:sample_rate={sample_rate}:duration={seconds}"
    args = [
        ffmpeg_path(),
        "-nostdin",
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        "-f",
        "lavfi",
        "-i",
        tone,
        "-ac",
        str(channels),
        *_ENCODERS[ext],
    ]
    if ext == "opus":
        args += ["-ar", "48000"]  # libopus only encodes at 48 kHz (and a few lower rates)
    if bitrate_kbps and ext in {"mp3", "ogg", "opus", "m4a"}:
        args += ["-b:a", f"{bitrate_kbps}k"]
    if bit_depth == 24 and ext == "flac":
        args += ["-sample_fmt", "s32"]
    args.append(str(path))
    subprocess.run(args, check=True, capture_output=True, timeout=60)
    return path


def make_random_bytes_file(path: Path, size: int = 4096, seed: int = 0) -> Path:
    """A file of noise with an audio extension: what a hostile or broken share looks like."""
    import random

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(random.Random(seed).randbytes(size))
    return path
