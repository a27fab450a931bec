"""Importing the file the download engine hands over: the acceptance path for every format."""

from __future__ import annotations

from pathlib import Path

import mutagen
import pytest

from downloads import tasks as download_tasks
from downloads.engine import handoff
from downloads.models import Candidate, DownloadJob, RejectedFile
from library.audio import audio_fingerprint, read_audio
from library.models import Track, TrackFile
from library.tagging import read_cover, read_lyrics, read_tags
from metadata.models import ImportItem, MetadataGap
from tests.metadata.support import (
    FORMATS,
    PLAIN,
    SYNCED,
    downloaded_file,
    importing_job,
    want,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_download_ends_in_the_library_tagged_named_and_decorated(
    fmt, dirs, audio_sources, providers, catalog
) -> None:
    source = downloaded_file(dirs, audio_sources, fmt)
    original_audio = audio_fingerprint(source)
    track = want()
    job = importing_job(track, source)

    result = download_tasks.import_download(job.pk)

    extension = ".m4a" if fmt == "m4a" else f".{fmt}"
    expected = dirs.music / "Neon Harbor" / "Night Drive (2024)" / f"02 - Afterglow{extension}"
    job.refresh_from_db()
    assert job.status == DownloadJob.Status.COMPLETED, result
    assert job.library_path == str(expected)
    assert expected.is_file() and not source.exists()
    assert audio_fingerprint(expected) == original_audio
    release = next(iter(catalog.releases.values()))
    tags = read_tags(expected)
    assert (tags.title, tags.artist, tags.album, tags.album_artist) == (
        "Afterglow",
        "Neon Harbor",
        "Night Drive",
        "Neon Harbor",
    )
    assert (tags.track_number, tags.track_total, tags.disc_number, tags.disc_total) == (2, 3, 1, 1)
    assert tags.date == "2024-03-15"
    assert tags.isrc == "GBNEO2400001"
    assert tags.genre == "Synth"  # kept from the file: the library has no genre of its own
    assert tags.musicbrainz_recording_id == release.media[0].tracks[1].recording_id
    assert tags.musicbrainz_release_id == release.id
    assert tags.musicbrainz_release_group_id == release.release_group_id
    assert tags.musicbrainz_artist_id == release.artist_ids[0]
    assert read_cover(expected)[:3] == b"\xff\xd8\xff"
    assert (expected.parent / "cover.jpg").read_bytes()[:3] == b"\xff\xd8\xff"
    assert expected.with_suffix(".lrc").read_text() == SYNCED
    assert read_lyrics(expected) == PLAIN
    assert mutagen.File(expected) is not None


def test_the_library_records_say_what_is_on_disk(dirs, audio_sources, providers) -> None:
    source = downloaded_file(dirs, audio_sources, "flac")
    track = want()
    job = importing_job(track, source)

    handoff.import_download(job.pk)

    job.refresh_from_db()
    row = TrackFile.objects.get()
    path = Path(job.library_path)
    info = read_audio(path)
    assert row.path == str(path) and row.track_id == track.pk
    assert (row.size, row.mtime) == (path.stat().st_size, path.stat().st_mtime)
    assert len(row.sha256) == 64 and row.format == "flac"
    assert (row.sample_rate, row.bit_depth, row.duration_ms) == (44100, 16, info.duration_ms)
    assert row.bitrate and row.last_scanned_at is not None
    track.refresh_from_db()
    assert track.status == Track.Status.OWNED
    assert track.musicbrainz_recording_id and track.isrc == "GBNEO2400001"
    assert track.album.title == "Night Drive" and track.album.year == 2024
    assert (track.track_number, track.disc_number) == (2, 1)
    assert not MetadataGap.objects.exists()
    assert ImportItem.objects.get().state == ImportItem.State.IMPORTED


def test_running_the_task_again_changes_nothing(dirs, audio_sources, providers) -> None:
    job = importing_job(want(), downloaded_file(dirs, audio_sources, "mp3"))
    handoff.import_download(job.pk)
    before = [(p, p.stat().st_mtime_ns) for p in dirs.library_files()]

    message = download_tasks.import_download(job.pk)

    assert "nothing to import" in message
    assert [(p, p.stat().st_mtime_ns) for p in dirs.library_files()] == before
    assert TrackFile.objects.count() == 1


def test_a_truncated_download_is_quarantined_and_the_engine_moves_on(
    dirs, audio_sources, providers
) -> None:
    source = downloaded_file(dirs, audio_sources, "flac")
    track = want()
    job = importing_job(track, source)
    data = source.read_bytes()
    source.write_bytes(data[: len(data) * 2 // 3])

    message = handoff.import_download(job.pk)

    job.refresh_from_db()
    assert "quarantined" in message
    assert job.status == DownloadJob.Status.QUEUED and job.candidate is None
    assert Candidate.objects.get().state == Candidate.State.WRONG
    assert RejectedFile.objects.filter(track=track).exists()
    item = ImportItem.objects.get()
    assert item.state == ImportItem.State.QUARANTINED and "truncated" in item.reason
    moved = Path(item.set_aside_path)
    assert (
        moved.is_relative_to(dirs.quarantine) and moved.read_bytes() == data[: len(data) * 2 // 3]
    )
    assert "truncated" in moved.with_name(moved.name + ".reason.txt").read_text()
    assert not source.exists() and dirs.library_files() == []


def test_a_download_of_the_wrong_length_is_quarantined(dirs, audio_sources) -> None:
    job = importing_job(want(duration_ms=200_000), downloaded_file(dirs, audio_sources, "opus"))

    handoff.import_download(job.pk)

    item = ImportItem.objects.get()
    assert item.state == ImportItem.State.QUARANTINED
    assert "differs from the expected" in item.reason
    assert Path(item.set_aside_path).is_file()


def test_noise_with_an_audio_name_is_quarantined(dirs) -> None:
    path = dirs.downloads / "peer" / "song.mp3"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x00junk" * 1000)
    job = importing_job(want(), path)

    handoff.import_download(job.pk)

    job.refresh_from_db()
    assert ImportItem.objects.get().state == ImportItem.State.QUARANTINED
    assert job.status == DownloadJob.Status.QUEUED
