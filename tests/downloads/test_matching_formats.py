"""Soulseek candidates in the formats the library now catalogues (APE, WavPack, TAK, M4B…):
lossless ones rank with FLAC, lossy ones off every ladder are rejected with a reason, and
nothing that is not audio becomes a candidate (issue 11)."""

from __future__ import annotations

import pytest

from downloads.matching import SearchFile, Want, rank

CREEP = Want(artist="Radiohead", title="Creep", album="Pablo Honey", duration_ms=238_000)
ALBUM = "@@abcde\\Music\\Radiohead\\Pablo Honey (1993)"


def verdict(name: str, **fields: object) -> tuple[bool, str | None, str | None]:
    file = SearchFile(
        username="peer",
        filename=f"{ALBUM}\\02 - Creep.{name}",
        size=30_000_000,
        length_s=238,
        has_free_slot=True,
        queue_length=0,
        upload_speed=2_000_000,
        **fields,  # type: ignore[arg-type]
    )
    (scored,) = rank(CREEP, [file])
    return scored.accepted, scored.quality, scored.rejection_reason


@pytest.mark.parametrize("ext", ["ape", "wv", "tak", "ofr", "tta", "APE"])
def test_lossless_formats_rank_with_flac(ext: str) -> None:
    assert verdict(ext, bit_depth=16, sample_rate=44100) == (True, "flac", None)
    assert verdict(ext, bit_depth=24, sample_rate=96000)[1] == "flac_24"


@pytest.mark.parametrize("ext", ["dsf", "dff"])
def test_dsd_ranks_as_hi_res(ext: str) -> None:
    assert verdict(ext, sample_rate=2_822_400)[:2] == (True, "flac_24")


def test_an_m4b_audiobook_chapter_ranks_as_aac() -> None:
    assert verdict("m4b", bitrate=256)[:2] == (True, "aac_256")


@pytest.mark.parametrize("ext", ["mpc", "ac3", "eac3", "spx", "wma"])
def test_lossy_formats_off_the_ladder_are_rejected_with_a_reason(ext: str) -> None:
    assert verdict(ext, bitrate=320) == (False, None, f"format .{ext} is not on any quality ladder")


@pytest.mark.parametrize("ext", ["jpg", "cue", "txt", "log"])
def test_files_that_are_not_audio_stay_rejected(ext: str) -> None:
    assert verdict(ext) == (False, None, f"not an audio file (.{ext})")
