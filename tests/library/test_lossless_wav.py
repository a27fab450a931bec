"""WAV and AIFF ranked as lossless: classify, the default ladder, the duplicates keeper and the
data migration that moves untouched default profiles onto the new ladder."""

from __future__ import annotations

import importlib
import subprocess
from pathlib import Path

import pytest
from django.apps import apps as django_apps

from fakes.audio import ffmpeg_path
from library import services
from library.models import DuplicateGroup, QualityProfile
from library.quality import (
    DEFAULT_CUTOFF,
    DEFAULT_LADDER,
    PREVIOUS_DEFAULT_CUTOFF,
    PREVIOUS_DEFAULT_LADDER,
    StreamInfo,
    classify,
    is_upgrade,
    split_at_cutoff,
    validate_ladder,
)
from library.tagging import TagSet, write_tags
from tests.library.support import audio_file, music_root

migration = importlib.import_module("library.migrations.0009_lossless_wav_on_ladder")


@pytest.mark.parametrize(
    ("info", "expected"),
    [
        (StreamInfo("wav", bit_depth=16, sample_rate=44100), "wav"),
        (StreamInfo("aiff", bit_depth=16, sample_rate=48000), "wav"),
        (StreamInfo("wav"), "wav"),  # unknown attributes: not proven hi-res or low
        (StreamInfo("wav", bit_depth=24, sample_rate=96000), "wav_24"),
        (StreamInfo("aif", bit_depth=24, sample_rate=44100), "wav_24"),
        (StreamInfo("wav", bit_depth=16, sample_rate=96000), "wav_24"),
        (StreamInfo("wav", bit_depth=8, sample_rate=16000), "wav_low"),
        (StreamInfo("wav", bit_depth=8, sample_rate=44100), "wav_low"),
        (StreamInfo("aiff", bit_depth=16, sample_rate=22050), "wav_low"),
    ],
)
def test_pcm_is_ranked_by_what_it_holds(info: StreamInfo, expected: str) -> None:
    assert classify(info) == expected


def test_cd_quality_wav_meets_the_default_cutoff_and_low_pcm_ranks_below_lossy() -> None:
    assert validate_ladder(DEFAULT_LADDER, DEFAULT_CUTOFF) == []
    met, below = split_at_cutoff(DEFAULT_LADDER, DEFAULT_CUTOFF)
    assert {"flac_24", "wav_24", "flac", "alac", "wav"} <= set(met)
    assert "wav_low" in below and "mp3_320" in below
    assert is_upgrade("flac_24", "wav", DEFAULT_LADDER)
    assert not is_upgrade("flac", "wav_24", DEFAULT_LADDER)
    assert is_upgrade("mp3_320", "wav_low", DEFAULT_LADDER)
    assert is_upgrade("wav", "mp3_320", DEFAULT_LADDER)


def test_the_migration_ladders_match_the_code() -> None:
    assert migration.NEW_LADDER == DEFAULT_LADDER
    assert migration.OLD_LADDER == PREVIOUS_DEFAULT_LADDER
    assert (DEFAULT_CUTOFF, PREVIOUS_DEFAULT_CUTOFF) == ("wav", "flac")


@pytest.mark.django_db
def test_the_migration_moves_only_untouched_default_ladders() -> None:
    untouched = QualityProfile.objects.create(
        name="Default", ladder=list(PREVIOUS_DEFAULT_LADDER), cutoff="flac"
    )
    mp3_cutoff = QualityProfile.objects.create(
        name="Small", ladder=list(PREVIOUS_DEFAULT_LADDER), cutoff="mp3_320"
    )
    custom = QualityProfile.objects.create(name="Mine", ladder=["flac", "mp3_320"], cutoff="flac")

    migration.forwards(django_apps, None)

    untouched.refresh_from_db(), mp3_cutoff.refresh_from_db(), custom.refresh_from_db()
    assert (untouched.ladder, untouched.cutoff) == (DEFAULT_LADDER, "wav")
    assert (mp3_cutoff.ladder, mp3_cutoff.cutoff) == (DEFAULT_LADDER, "mp3_320")
    assert (custom.ladder, custom.cutoff) == (["flac", "mp3_320"], "flac")

    migration.backwards(django_apps, None)
    untouched.refresh_from_db()
    assert (untouched.ladder, untouched.cutoff) == (PREVIOUS_DEFAULT_LADDER, "flac")


# --- the duplicates keeper on real files -----------------------------------------------------


def pcm(path: Path, codec: str, sample_rate: int, frequency: int = 440, **more: object) -> Path:
    """A real PCM file (WAV or AIFF by suffix) tagged as the same song as its rivals."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tone = f"sine=frequency={frequency}:sample_rate={sample_rate}:duration=3"
    subprocess.run(
        [
            ffmpeg_path(),
            "-nostdin",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            tone,
            "-c:a",
            codec,
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    write_tags(path, TagSet(title="Song", artist="A", album="B", track_number=1, **more))
    return path


def keeper_after_scan() -> str:
    assert services.run_scan(services.start_scan(background=False).pk) == "completed"
    group = DuplicateGroup.objects.with_files().get()
    assert group.files.count() == 2
    return Path(group.keeper.path).name


@pytest.mark.django_db
def test_the_keeper_is_the_aiff_not_an_ogg_copy() -> None:
    QualityProfile.get_default()
    root = music_root() / "A" / "B"
    pcm(root / "full.aiff", "pcm_s16be", 44100)
    audio_file(root / "01 - Song.ogg", tags=TagSet(title="Song", artist="A", album="B"))

    assert keeper_after_scan() == "full.aiff"


@pytest.mark.django_db
def test_the_keeper_is_the_cd_wav_not_a_16khz_8bit_one() -> None:
    QualityProfile.get_default()
    root = music_root() / "A" / "B"
    # Better tags on the poor copy: only the quality ladder can make the CD copy win.
    pcm(root / "01 - Song.wav", "pcm_u8", 16000, frequency=500, album_artist="A", genre="Rock")
    pcm(root / "cd.wav", "pcm_s16le", 44100)

    assert keeper_after_scan() == "cd.wav"
