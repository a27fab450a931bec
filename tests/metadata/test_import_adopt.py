"""Adopting files the user already has: matching wants, new entries, progress, idempotence."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from downloads.engine.pump import step as engine_step
from downloads.models import DownloadJob
from library.models import Album, Track, TrackFile
from library.tagging import TagSet, read_tags, write_tags
from metadata import services, tasks
from metadata.importer.adopt import ImportRefused
from metadata.models import ImportBatch, ImportItem
from tests.factories import DownloadJobFactory
from tests.metadata.support import LENGTH_MS, Dirs, want

pytestmark = pytest.mark.django_db


def put(dirs: Dirs, audio_sources, relative: str, fmt: str = "flac", **tags: object) -> Path:
    path = dirs.downloads / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(audio_sources[fmt], path)
    if tags:
        write_tags(path, TagSet(**tags))
    return path


def test_a_folder_is_imported_and_wanted_tracks_become_owned(dirs, audio_sources) -> None:
    by_isrc = want(title="Afterglow", isrc="GBNEO2400001")
    by_name = want(title="Beyoncé Song", artist="Beyoncé")
    put(
        dirs,
        audio_sources,
        "a/afterglow.flac",
        title="Afterglow (radio)",
        artist="X",
        isrc="GBNEO2400001",
    )
    put(dirs, audio_sources, "a/b.mp3", "mp3", title="beyonce song (feat. Jay-Z)", artist="BEYONCE")
    put(dirs, audio_sources, "Unknown Band/First Album (1999)/03 - Untagged Song.ogg", "ogg")
    (dirs.downloads / "a" / "notes.txt").write_text("not music")

    batch = services.import_folder_now(str(dirs.downloads))

    assert (batch.status, batch.total, batch.done, batch.imported) == ("completed", 3, 3, 3)
    for track in (by_isrc, by_name):
        track.refresh_from_db()
        assert track.status == Track.Status.OWNED and track.files.count() == 1
    new = Track.objects.get(title="Untagged Song")
    assert (new.artist.name, new.album.title, new.album.year, new.track_number) == (
        "Unknown Band",
        "First Album",
        1999,
        3,
    )
    path = Path(new.files.get().path)
    assert path == dirs.music / "Unknown Band" / "First Album (1999)" / "03 - Untagged Song.ogg"
    assert read_tags(path).title == "Untagged Song"
    assert (dirs.downloads / "a" / "notes.txt").exists()
    assert not (dirs.downloads / "Unknown Band").exists()  # emptied folders are tidied


def test_an_active_download_of_an_adopted_track_is_stopped(dirs, audio_sources) -> None:
    queued = DownloadJobFactory(track=want(title="One"))
    searching = DownloadJobFactory(track=want(title="Two"), status=DownloadJob.Status.SEARCHING)
    put(dirs, audio_sources, "one.flac", title="One", artist="Neon Harbor")
    put(dirs, audio_sources, "two.mp3", "mp3", title="Two", artist="Neon Harbor")

    services.import_folder_now(str(dirs.downloads))
    engine_step()  # the engine settles jobs whose track arrived some other way

    for job in (queued, searching):
        job.refresh_from_db()
        assert job.status == DownloadJob.Status.COMPLETED
        assert job.library_path == job.track.files.get().path
        assert job.status_reason == "the library already has this track"


def test_importing_the_same_files_twice_gives_one_file_and_one_record(dirs, audio_sources) -> None:
    tags = {"title": "Afterglow", "artist": "Neon Harbor", "album": "Night Drive"}
    put(dirs, audio_sources, "x/1.flac", track_number=2, **tags)
    put(dirs, audio_sources, "x/2.mp3", "mp3", title="Intro", artist="Neon Harbor")

    first = services.import_folder_now(str(dirs.downloads), keep_source=True)
    second = services.import_folder_now(str(dirs.downloads), keep_source=True)

    assert (first.imported, second.imported, second.skipped) == (2, 0, 2)
    assert len(dirs.library_files()) == 2 and TrackFile.objects.count() == 2
    assert Track.objects.count() == 2 and Album.objects.count() == 1
    assert (dirs.downloads / "x" / "1.flac").exists()  # --copy leaves the originals
    reasons = set(second.items.values_list("reason", flat=True))
    assert all("already has this track" in reason for reason in reasons)


def test_a_duplicate_copy_of_a_file_goes_to_the_recycle_bin(dirs, audio_sources) -> None:
    put(dirs, audio_sources, "a/song.flac", title="Song", artist="Band")
    put(dirs, audio_sources, "b/song.flac", title="Song", artist="Band")

    batch = services.import_folder_now(str(dirs.downloads))

    assert (batch.imported, batch.skipped) == (1, 1)
    skipped = batch.items.get(state=ImportItem.State.SKIPPED)
    assert Path(skipped.set_aside_path).is_relative_to(dirs.recycle)
    assert len(dirs.library_files()) == 1


def test_a_better_file_replaces_a_worse_one_and_the_worse_one_is_recycled(
    dirs, audio_sources
) -> None:
    put(dirs, audio_sources, "lossy/song.mp3", "mp3", title="Song", artist="Band")
    services.import_folder_now(str(dirs.downloads / "lossy"))
    put(dirs, audio_sources, "lossless/song.flac", title="Song", artist="Band")

    batch = services.import_folder_now(str(dirs.downloads / "lossless"))

    assert batch.imported == 1
    assert [p.suffix for p in dirs.library_files()] == [".flac"]
    assert TrackFile.objects.present().get().format == "flac"
    assert TrackFile.objects.get(is_missing=True).format == "mp3"  # its history is kept
    assert [p.suffix for p in dirs.recycle.rglob("*.mp3")] == [".mp3"]


def test_a_worse_file_does_not_replace_a_better_one(dirs, audio_sources) -> None:
    put(dirs, audio_sources, "lossless/song.flac", title="Song", artist="Band")
    services.import_folder_now(str(dirs.downloads / "lossless"))
    put(dirs, audio_sources, "lossy/song.mp3", "mp3", title="Song", artist="Band")

    batch = services.import_folder_now(str(dirs.downloads / "lossy"))

    assert batch.skipped == 1
    assert "FLAC" in batch.items.get().reason
    assert [p.suffix for p in dirs.library_files()] == [".flac"]


def test_broken_files_are_reported_and_left_in_place(dirs, audio_sources) -> None:
    broken = dirs.downloads / "bad.flac"
    broken.write_bytes(b"fLaC" + b"\x00" * 50)
    put(dirs, audio_sources, "good.opus", "opus", title="Good", artist="Band")

    batch = services.import_folder_now(str(dirs.downloads))

    assert (batch.imported, batch.failed, batch.done, batch.total) == (1, 1, 2, 2)
    failed = batch.items.get(state=ImportItem.State.FAILED)
    assert failed.source_path == str(broken) and failed.reason
    assert broken.exists()


def test_files_already_in_the_library_are_adopted_in_place(settings, dirs, audio_sources) -> None:
    placed = dirs.music / "Band" / "Unknown Album" / "Song.flac"
    placed.parent.mkdir(parents=True)
    shutil.copyfile(audio_sources["flac"], placed)
    write_tags(placed, TagSet(title="Song", artist="Band", genre="Rock"))
    stray = dirs.music / "stray.mp3"
    shutil.copyfile(audio_sources["mp3"], stray)
    write_tags(stray, TagSet(title="Other", artist="Band"))

    batch = services.import_folder_now(str(dirs.music))

    assert batch.imported == 2
    assert placed.is_file() and not stray.exists()
    assert sorted(TrackFile.objects.values_list("path", flat=True)) == [
        str(dirs.music / "Band" / "Unknown Album" / "Other.mp3"),
        str(placed),
    ]
    assert read_tags(placed).genre == "Rock"


def test_a_batch_interrupted_midway_is_resumed(dirs, audio_sources) -> None:
    for name in ("a", "b", "c"):
        put(dirs, audio_sources, f"{name}.flac", title=name.upper(), artist="Band")
    batch = ImportBatch.objects.create(path=str(dirs.downloads))
    calls = []

    def die_after_first(progress_batch: ImportBatch) -> None:
        calls.append(progress_batch.done)
        if progress_batch.done == 1:
            raise KeyboardInterrupt  # the worker is stopped

    with pytest.raises(KeyboardInterrupt):
        services.run_folder_import(batch.pk, progress=die_after_first)
    assert tasks.run_folder_import(batch.pk) == f"folder import #{batch.pk} is not waiting to run"

    message = tasks.resume_folder_import(batch.pk)

    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.imported, batch.total) == ("completed", 3, 3, 3)
    assert "3 imported" in message
    assert len(dirs.library_files()) == 3


def test_the_task_runs_a_queued_batch(dirs, audio_sources, monkeypatch) -> None:
    queued = []
    monkeypatch.setattr("metadata.services.enqueue", lambda *args: queued.append(args))
    put(dirs, audio_sources, "one.m4a", "m4a", title="One", artist="Band")

    with pytest.raises(ImportRefused):
        services.start_folder_import("relative/path")
    from django.db import transaction

    with transaction.atomic():
        batch = services.start_folder_import(str(dirs.downloads))
    # on_commit does not run inside the test transaction; the task is what the worker would run
    message = tasks.run_folder_import(batch.pk)

    assert "1 imported" in message
    assert ImportBatch.objects.get().status == ImportBatch.Status.COMPLETED


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("", "not inside an import folder"),
        ("music", "not inside an import folder"),
        ("/nonexistent/x", "not inside an import folder"),
        ("{downloads}/gone", "does not exist"),
    ],
)
def test_unusable_paths_are_refused_with_a_reason(path, problem, dirs) -> None:
    with pytest.raises(ImportRefused, match=problem):
        services.start_folder_import(path.format(downloads=dirs.downloads))
    assert not ImportBatch.objects.exists()


def test_the_command_explains_what_is_wrong_with_any_path(dirs) -> None:
    for path, problem in [("", "absolute path"), ("/nonexistent/x", "does not exist")]:
        with pytest.raises(ImportRefused, match=problem):
            services.import_folder_now(path)
    assert not ImportBatch.objects.exists()


def test_a_folder_containing_the_library_is_refused(dirs) -> None:
    with pytest.raises(ImportRefused, match="contains the music library"):
        services.import_folder_now(str(dirs.music.parent))


def test_the_management_command_imports_inline_with_progress(dirs, audio_sources) -> None:
    put(dirs, audio_sources, "a.flac", title="A", artist="Band")
    (dirs.downloads / "broken.mp3").write_bytes(b"nope")
    out = io.StringIO()

    call_command("import", str(dirs.downloads), stdout=out)

    text = out.getvalue()
    assert "[2/2] imported 1, skipped 0, failed 1" in text
    assert "completed: imported 1, skipped 0, failed 1 of 2" in text
    assert "failed: " + str(dirs.downloads / "broken.mp3") in text
    with pytest.raises(CommandError, match="does not exist"):
        call_command("import", "/nowhere/at/all", stdout=out)


def test_length_of_a_want_is_used_to_tell_versions_apart(dirs, audio_sources) -> None:
    long_version = want(title="Song", artist="Band", duration_ms=LENGTH_MS + 60_000)
    put(dirs, audio_sources, "song.flac", title="Song", artist="Band")

    services.import_folder_now(str(dirs.downloads))

    long_version.refresh_from_db()
    assert long_version.status == Track.Status.WANTED
    assert Track.objects.filter(title="Song", status=Track.Status.OWNED).count() == 1
