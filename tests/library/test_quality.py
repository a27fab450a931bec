"""The quality vocabulary: classifying what peers report, and ladders."""

from __future__ import annotations

import pytest

from library.quality import (
    DEFAULT_CUTOFF,
    DEFAULT_LADDER,
    QUALITIES,
    StreamInfo,
    classify,
    default_ladder,
    quality_extension,
    rank_in_ladder,
    validate_ladder,
)


@pytest.mark.parametrize(
    ("info", "expected"),
    [
        (StreamInfo("flac", bit_depth=24, sample_rate=96000), "flac_24"),
        (StreamInfo("flac", bit_depth=24, sample_rate=44100), "flac_24"),
        (StreamInfo("flac", bit_depth=16, sample_rate=96000), "flac_24"),
        (StreamInfo("flac", bit_depth=16, sample_rate=44100), "flac"),
        (StreamInfo("flac"), "flac"),
        (StreamInfo("FLAC", bit_depth=16), "flac"),
        (StreamInfo(".flac", bit_depth=16), "flac"),
        (StreamInfo("mp3", bitrate=320), "mp3_320"),
        (StreamInfo("mp3", bitrate=320, is_vbr=False), "mp3_320"),
        (StreamInfo("mp3", bitrate=319), "mp3_320"),
        (StreamInfo("mp3", bitrate=321), "mp3_320"),
        (StreamInfo("mp3", bitrate=245, is_vbr=True), "mp3_v0"),
        (StreamInfo("mp3", bitrate=256), "mp3_256"),
        (StreamInfo("mp3", bitrate=192), "mp3_192"),
        (StreamInfo("mp3", bitrate=190, is_vbr=True), "mp3_192"),
        (StreamInfo("mp3", bitrate=128), "mp3_128"),
        (StreamInfo("mp3", bitrate=96), "mp3_low"),
        (StreamInfo("mp3"), "mp3_unknown"),
        (StreamInfo("mp3", bitrate=0), "mp3_unknown"),
        (StreamInfo("m4a", bitrate=256), "aac_256"),
        (StreamInfo("aac", bitrate=192), "aac_192"),
        (StreamInfo("m4a"), "aac"),
        (StreamInfo("m4a", bit_depth=16, sample_rate=44100), "alac"),
        (StreamInfo("m4a", bitrate=900), "alac"),
        (StreamInfo("alac"), "alac"),
        (StreamInfo("wav"), "wav"),
        (StreamInfo("aiff"), "wav"),
        (StreamInfo("opus", bitrate=160), "opus_160"),
        (StreamInfo("opus", bitrate=96), "opus"),
        (StreamInfo("ogg", bitrate=320), "ogg_256"),
        (StreamInfo("ogg"), "ogg"),
    ],
)
def test_it_classifies_what_peers_report(info: StreamInfo, expected: str) -> None:
    assert classify(info) == expected


@pytest.mark.parametrize("extension", ["jpg", "cue", "log", "wma", "mpc", "ac3", ""])
def test_it_has_no_quality_for_files_it_cannot_rank(extension: str) -> None:
    assert classify(StreamInfo(extension, bitrate=320)) is None


def test_every_classified_key_is_a_known_quality() -> None:
    samples = [StreamInfo(e, bitrate=b) for e in ("mp3", "m4a", "ogg", "opus") for b in (64, 320)]
    assert {classify(s) for s in samples} <= set(QUALITIES)


def test_the_default_ladder_orders_lossless_above_lossy_and_known_above_unknown() -> None:
    order = ["flac_24", "flac", "mp3_320", "mp3_v0", "aac_256", "mp3_256", "mp3_unknown"]
    ranks = [rank_in_ladder(key, DEFAULT_LADDER) for key in order]
    assert ranks == sorted(ranks)
    assert None not in ranks


def test_a_quality_off_the_ladder_has_no_rank() -> None:
    assert rank_in_ladder("mp3_128", DEFAULT_LADDER) is None
    assert rank_in_ladder(None, DEFAULT_LADDER) is None
    assert rank_in_ladder("mp3_320", ["flac", "mp3_320"]) == 1


def test_default_ladder_returns_a_fresh_copy() -> None:
    ladder = default_ladder()
    ladder.append("mp3_128")
    assert "mp3_128" not in DEFAULT_LADDER
    assert default_ladder() == DEFAULT_LADDER


def test_the_default_ladder_and_cutoff_are_valid() -> None:
    assert validate_ladder(default_ladder(), DEFAULT_CUTOFF) == []


@pytest.mark.parametrize(
    ("ladder", "cutoff", "problem"),
    [
        ([], "flac", "non-empty list"),
        ("flac", "flac", "non-empty list"),
        (["flac", "vinyl"], "flac", "Unknown quality 'vinyl'"),
        (["flac", "flac"], "flac", "appears twice"),
        (["mp3_320"], "flac", "cutoff 'flac' is not on the ladder"),
    ],
)
def test_it_explains_what_is_wrong_with_a_ladder(ladder: object, cutoff: str, problem: str) -> None:
    problems = validate_ladder(ladder, cutoff)
    assert any(problem in p for p in problems), problems


def test_an_aac_stream_is_never_taken_for_alac_by_its_bitrate() -> None:
    # A 6-channel AAC at 512 kbps: read_audio said "aac" from its codec, so no guessing.
    assert classify(StreamInfo(extension=quality_extension("aac"), bitrate=512)) == "aac_256"
    assert classify(StreamInfo(extension=quality_extension("alac"), bit_depth=16)) == "alac"
    assert classify(StreamInfo(extension=quality_extension("wav"))) == "wav"
