"""What providers teach the library: blanks are filled, the user's own edits always win."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from downloads.engine import handoff
from downloads.engine.pump import step as engine_step
from downloads.models import DownloadJob
from library.models import Album, Track
from library.tagging import read_cover, read_tags
from metadata import services
from tests.factories import AlbumFactory, DownloadJobFactory
from tests.metadata.support import downloaded_file, importing_job, want

pytestmark = pytest.mark.django_db


def test_values_edited_by_the_user_are_kept_and_written(dirs, audio_sources, providers) -> None:
    track = want(track_number=7, artist_credit="Neon Harbor (live band)")
    album = AlbumFactory(title="Night Drive", artist=track.artist, year=1999)
    Track.objects.filter(pk=track.pk).update(album=album)
    job = importing_job(
        Track.objects.get(pk=track.pk), downloaded_file(dirs, audio_sources, "flac")
    )

    handoff.import_download(job.pk)

    track.refresh_from_db()
    album.refresh_from_db()
    assert (track.track_number, album.year) == (7, 1999)  # the user's values
    assert track.musicbrainz_recording_id and album.musicbrainz_release_id  # blanks were filled
    job.refresh_from_db()
    tags = read_tags(Path(job.library_path))
    assert (tags.track_number, tags.artist, tags.date) == (7, "Neon Harbor (live band)", "1999")
    assert Path(job.library_path).parent.name == "Night Drive (1999)"


def test_a_compilation_does_not_lend_its_numbers_to_another_album(
    dirs, audio_sources, providers
) -> None:
    track = want()
    other = AlbumFactory(title="Summer Mix", artist=track.artist)
    Track.objects.filter(pk=track.pk).update(album=other)
    job = importing_job(Track.objects.get(pk=track.pk), downloaded_file(dirs, audio_sources, "mp3"))

    handoff.import_download(job.pk)

    track.refresh_from_db()
    other.refresh_from_db()
    assert track.musicbrainz_recording_id  # the recording is the same
    assert track.track_number is None and other.musicbrainz_release_id == ""


def test_covers_are_resized_to_the_configured_maximum(
    settings, dirs, audio_sources, providers
) -> None:
    settings.COVER_MAX_PX = 200
    job = importing_job(want(), downloaded_file(dirs, audio_sources, "opus"))

    handoff.import_download(job.pk)

    job.refresh_from_db()
    path = Path(job.library_path)
    for data in (read_cover(path), (path.parent / "cover.jpg").read_bytes()):
        with Image.open(io.BytesIO(data)) as image:
            assert max(image.size) <= 200 and image.format == "JPEG"


def test_a_running_download_of_an_adopted_track_is_cancelled(dirs, audio_sources) -> None:
    import shutil

    from library.tagging import TagSet, write_tags

    job = DownloadJobFactory(track=want(title="Song"), status=DownloadJob.Status.DOWNLOADING)
    path = dirs.downloads / "song.flac"
    shutil.copyfile(audio_sources["flac"], path)
    write_tags(path, TagSet(title="Song", artist="Neon Harbor"))

    services.import_folder_now(str(dirs.downloads))
    engine_step()  # the engine settles jobs whose track arrived some other way

    job.refresh_from_db()
    assert job.status == DownloadJob.Status.CANCELLED
    assert job.status_reason == "the library already has this track"
    assert Album.objects.count() == 0
