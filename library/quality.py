"""The quality vocabulary shared by QualityProfile, the matcher and the importer.

A file's quality is one key from `QUALITIES`, worked out from its format and whatever stream
attributes are known. A profile's ladder is an ordered list of these keys, best first; a key
that is not on the ladder is not allowed by that profile.
"""

from __future__ import annotations

from dataclasses import dataclass

# key -> human label, roughly best to worst (the default ladder's order).
QUALITIES: dict[str, str] = {
    "flac_24": "FLAC 24-bit",
    "wav_24": "WAV/AIFF 24-bit",
    "flac": "FLAC",
    "alac": "ALAC",
    "wav": "WAV/AIFF",
    "mp3_320": "MP3 320",
    "mp3_v0": "MP3 V0",
    "aac_256": "AAC 256+",
    "opus_160": "Opus 160+",
    "ogg_256": "Ogg Vorbis 256+",
    "mp3_256": "MP3 256",
    "aac_192": "AAC 192",
    "mp3_192": "MP3 192",
    "opus": "Opus",
    "ogg": "Ogg Vorbis",
    "aac": "AAC",
    "mp3_unknown": "MP3 (bitrate unknown)",
    "mp3_128": "MP3 128",
    "mp3_low": "MP3 < 128",
    "wav_low": "WAV/AIFF below CD quality",
}

# Lossless ranks by what it holds, not its container: hi-res WAV/AIFF sits with hi-res FLAC, CD
# WAV/AIFF with FLAC and ALAC (Lidarr's "Lossless" group), and PCM below CD quality (8-bit or under
# 44.1 kHz) holds less than a lossy CD-quality file, so it ranks last.
DEFAULT_LADDER: list[str] = [
    "flac_24",
    "wav_24",
    "flac",
    "alac",
    "wav",
    "mp3_320",
    "mp3_v0",
    "aac_256",
    "opus_160",
    "ogg_256",
    "mp3_256",
    "aac_192",
    "mp3_192",
    "opus",
    "ogg",
    "aac",
    "mp3_unknown",
    "wav_low",
]
# The lowest lossless rung: CD-quality WAV/AIFF or ALAC rips meet the cutoff, so their owners are
# not asked to download everything again as FLAC.
DEFAULT_CUTOFF = "wav"

# The default ladder and cutoff before WAV/AIFF were ranked; the data migration that moves stored
# profiles to the new default recognises an untouched default by these.
PREVIOUS_DEFAULT_LADDER: list[str] = [
    key for key in DEFAULT_LADDER if key not in {"wav_24", "wav", "wav_low"}
]
PREVIOUS_DEFAULT_CUTOFF = "flac"


def default_ladder() -> list[str]:
    """A fresh copy for model defaults (a shared list would be mutated across rows)."""
    return list(DEFAULT_LADDER)


# Lossless codecs other than FLAC, ALAC and PCM; "dsd" is read_audio's name for DSF and DFF.
_OTHER_LOSSLESS = {"ape", "wv", "tak", "ofr", "ofs", "tta", "dsf", "dff", "dsd"}
LOSSLESS_EXTENSIONS = {"flac", "alac", "wav", "aiff", "aif", "aifc"} | _OTHER_LOSSLESS
AUDIO_EXTENSIONS = LOSSLESS_EXTENSIONS | {
    "mp3",
    "mp2",
    "m4a",
    "m4b",
    "aac",
    "mp4",
    "3g2",
    "ogg",
    "oga",
    "opus",
    "spx",
    "wma",
    "asf",
    "mpc",
    "mp+",
    "mpp",
    "ac3",
    "eac3",
}


@dataclass(frozen=True)
class StreamInfo:
    """What is known of a file's stream; any field may be unknown (None)."""

    extension: str
    bitrate: int | None = None  # kbps
    bit_depth: int | None = None
    sample_rate: int | None = None
    is_vbr: bool | None = None


def classify(info: StreamInfo) -> str | None:
    """The quality key of a file, or None when it is not a recognised audio format."""
    ext = info.extension.lower().lstrip(".")
    rate = info.bitrate
    if ext == "flac" or ext in _OTHER_LOSSLESS:
        # The other lossless formats have no rungs of their own: they rank with FLAC. DSD (one
        # bit at MHz rates) is hi-res by definition.
        hires = ext in {"dsf", "dff", "dsd"} or _proven_hires(info)
        return "flac_24" if hires else "flac"
    if ext == "alac" or (ext in _MP4_EXTENSIONS and _looks_lossless(info)):
        return "alac"
    if ext in {"wav", "aiff", "aif", "aifc"}:
        return _pcm_quality(info)
    if ext == "mp3":
        return _mp3_quality(rate, info.is_vbr)
    if ext in _MP4_EXTENSIONS or ext == "aac":
        return _tier(rate, [(256, "aac_256"), (192, "aac_192")], "aac")
    if ext == "opus":
        return _tier(rate, [(160, "opus_160")], "opus")
    if ext in {"ogg", "oga"}:
        return _tier(rate, [(256, "ogg_256")], "ogg")
    return None


def _pcm_quality(info: StreamInfo) -> str:
    """Hi-res, CD or below-CD PCM; unknown attributes count as CD quality (proven neither way)."""
    depth, rate = info.bit_depth, info.sample_rate
    if (depth is not None and depth < 16) or (rate is not None and rate < 44100):
        return "wav_low"
    return "wav_24" if _proven_hires(info) else "wav"


def _proven_hires(info: StreamInfo) -> bool:
    """Hi-res only when proven: an unknown bit depth or sample rate counts as CD quality."""
    return (info.bit_depth or 0) > 16 or (info.sample_rate or 0) > 48000


_MP4_EXTENSIONS = {"m4a", "m4b", "mp4", "3g2"}  # M4B: audiobooks, AAC or ALAC like .m4a


def _looks_lossless(info: StreamInfo) -> bool:
    """An .m4a is ALAC when it reports a bit depth or a bitrate no lossy AAC reaches."""
    return bool(info.bit_depth) or (info.bitrate or 0) >= 500


def _mp3_quality(rate: int | None, is_vbr: bool | None) -> str:
    if rate is None or rate <= 0:
        return "mp3_unknown"
    if is_vbr and rate >= 220:
        return "mp3_v0"
    # `>=` on purpose: peers report 319 or 321 for CBR 320 files often enough.
    return _tier(
        rate, [(315, "mp3_320"), (250, "mp3_256"), (190, "mp3_192"), (128, "mp3_128")], "mp3_low"
    )


def _tier(rate: int | None, tiers: list[tuple[int, str]], fallback: str) -> str:
    if rate:
        for minimum, key in tiers:
            if rate >= minimum:
                return key
    return fallback


def quality_extension(audio_format: str) -> str:
    """The extension `classify` expects for a `read_audio` format.

    Only for classifying, never for naming a file (a raw ADTS stream is not an .m4a). AAC stays
    "aac": `read_audio` already told it from ALAC by its codec, so a high bitrate must not make
    `classify` guess lossless as it does for an unknown ".m4a".
    """
    return audio_format


def rank_in_ladder(quality: str | None, ladder: list[str]) -> int | None:
    """0 for the best rung; None when the profile does not allow this quality."""
    if quality is None or quality not in ladder:
        return None
    return ladder.index(quality)


def validate_ladder(ladder: object, cutoff: str) -> list[str]:
    """Problems with a ladder/cutoff pair, as sentences; empty when valid."""
    if not isinstance(ladder, list) or not ladder:
        return ["The ladder must be a non-empty list of quality keys."]
    problems = [f"Unknown quality {key!r}." for key in ladder if key not in QUALITIES]
    if len(set(ladder)) != len(ladder):
        problems.append("A quality appears twice in the ladder.")
    if cutoff and cutoff not in ladder:
        problems.append(f"The cutoff {cutoff!r} is not on the ladder.")
    return problems


def split_at_cutoff(ladder: list[str], cutoff: str) -> tuple[list[str], list[str]]:
    """The ladder's qualities at or above the cutoff, and those below it (best first)."""
    if cutoff not in ladder:
        return list(ladder), []
    index = ladder.index(cutoff)
    return ladder[: index + 1], ladder[index + 1 :]


def is_upgrade(candidate: str | None, owned: str | None, ladder: list[str]) -> bool:
    """True when `candidate` ranks strictly above `owned` on the ladder (an owned quality that
    is off the ladder cannot be ranked, so nothing is an upgrade of it)."""
    new, old = rank_in_ladder(candidate, ladder), rank_in_ladder(owned, ladder)
    return new is not None and old is not None and new < old


def best_of(qualities: list[str], ladder: list[str]) -> str | None:
    """The best of these qualities on the ladder (None when none of them is on it)."""
    ranked = [key for key in qualities if key in ladder]
    return min(ranked, key=ladder.index, default=None)
