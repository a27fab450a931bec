"""Audio file facts without Django: stream info, tags, integrity and audio-only fingerprints.

Shared by the importer, the scanner and benchmarks; the lead wires them into services.
"""

from __future__ import annotations

from library.audio.fingerprint import audio_fingerprint, pcm_md5
from library.audio.info import FORMATS, AudioInfo, Tags, UnreadableAudio, read_audio
from library.audio.integrity import (
    AudioToolMissing,
    VerifyResult,
    check_integrity,
    deep_check,
    explain_unreadable,
    verify_download,
)

__all__ = [
    "FORMATS",
    "AudioInfo",
    "AudioToolMissing",
    "Tags",
    "UnreadableAudio",
    "VerifyResult",
    "audio_fingerprint",
    "check_integrity",
    "deep_check",
    "explain_unreadable",
    "pcm_md5",
    "read_audio",
    "verify_download",
]
