"""One file per track: the better file by the quality ladder wins; nothing is overwritten."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from downloads.engine import handoff
from downloads.models import DownloadJob
from library.models import Playlist, PlaylistEntry, Track, TrackFile
from metadata.models import ImportItem
from tests.factories import TrackFactory, TrackFileFactory
from tests.metadata.support import downloaded_file, importing_job, want

pytestmark = pytest.mark.django_db


def first_import(dirs, audio_sources, fmt: str) -> Path:
    track = want()
    job = importing_job(track, downloaded_file(dirs, audio_sources, fmt))
    handoff.import_download(job.pk)
    job.refresh_from_db()
    DownloadJob.objects.filter(pk=job.pk).delete()  # so the next job for the track is allowed
    Track.objects.filter(pk=track.pk).update(status=Track.Status.WANTED)
    return Path(job.library_path)


def test_a_better_download_replaces_the_library_file(dirs, audio_sources) -> None:
    old = first_import(dirs, audio_sources, "mp3")
    job = importing_job(Track.objects.get(), downloaded_file(dirs, audio_sources, "flac"))

    handoff.import_download(job.pk)

    job.refresh_from_db()
    assert job.status == DownloadJob.Status.COMPLETED and job.library_path.endswith(".flac")
    assert dirs.library_files() == [Path(job.library_path)] and not old.exists()
    assert TrackFile.objects.present().get().path == job.library_path
    assert TrackFile.objects.get(is_missing=True).path == str(old)  # history kept
    assert [p.name for p in dirs.recycle.rglob("*.mp3")] == [old.name]


def test_a_worse_download_leaves_the_library_file_and_completes_the_job(
    dirs, audio_sources
) -> None:
    kept = first_import(dirs, audio_sources, "flac")
    source = downloaded_file(dirs, audio_sources, "opus")
    job = importing_job(Track.objects.get(), source)

    message = handoff.import_download(job.pk)

    job.refresh_from_db()
    assert job.status == DownloadJob.Status.COMPLETED and job.library_path == str(kept)
    assert "kept the library's" in message
    assert dirs.library_files() == [kept] and not source.exists()
    item = DownloadJob.objects.get(pk=job.pk).import_item
    assert item.state == ImportItem.State.SKIPPED and "FLAC" in item.reason
    assert Path(item.set_aside_path).is_relative_to(dirs.recycle)


def test_an_equal_download_keeps_the_file_already_there(dirs, audio_sources) -> None:
    kept = first_import(dirs, audio_sources, "flac")
    before = kept.stat().st_mtime_ns
    job = importing_job(Track.objects.get(), downloaded_file(dirs, audio_sources, "flac"))

    handoff.import_download(job.pk)

    assert dirs.library_files() == [kept] and kept.stat().st_mtime_ns == before
    assert TrackFile.objects.count() == 1


def test_a_broken_library_file_is_replaced_by_any_good_download(dirs, audio_sources) -> None:
    old = first_import(dirs, audio_sources, "flac")
    TrackFile.objects.update(is_broken=True, broken_reason="truncated")
    job = importing_job(Track.objects.get(), downloaded_file(dirs, audio_sources, "mp3"))

    handoff.import_download(job.pk)

    job.refresh_from_db()
    assert job.library_path.endswith(".mp3") and not old.exists()


def test_another_recordings_file_at_the_destination_is_never_touched(dirs, audio_sources) -> None:
    other = TrackFactory(title="Afterglow", artist__name="Someone Else")
    taken = dirs.music / "Neon Harbor" / "Unknown Album" / "Afterglow.flac"
    taken.parent.mkdir(parents=True)
    shutil.copyfile(audio_sources["mp3"], taken)
    TrackFileFactory(track=other, path=str(taken))
    job = importing_job(want(), downloaded_file(dirs, audio_sources, "flac"))

    handoff.import_download(job.pk)

    job.refresh_from_db()
    assert job.library_path == str(taken.with_name("Afterglow (2).flac"))
    assert taken.read_bytes() == audio_sources["mp3"].read_bytes()


def test_playlists_with_the_track_are_rewritten(dirs, audio_sources) -> None:
    track = want()
    playlist = Playlist.objects.create(name="Night")
    PlaylistEntry.objects.create(playlist=playlist, track=track, position=1)
    job = importing_job(track, downloaded_file(dirs, audio_sources, "ogg"))

    handoff.import_download(job.pk)

    job.refresh_from_db()
    m3u = (dirs.music / "Night.m3u8").read_text()
    assert Path(job.library_path).relative_to(dirs.music).as_posix() in m3u
