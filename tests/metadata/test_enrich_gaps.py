"""Providers down at import time: the file is imported anyway, gaps are listed, and the
scheduled fill-in completes the file once the providers are back."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone

from downloads.engine import handoff
from downloads.models import DownloadJob
from library.audio import audio_fingerprint
from library.models import Track, TrackFile
from library.tagging import read_cover, read_lyrics, read_tags
from metadata import services, tasks
from metadata.models import AlbumCover, MetadataGap
from tests.factories import AlbumFactory
from tests.metadata.support import SYNCED, downloaded_file, importing_job, want

pytestmark = pytest.mark.django_db
Kind = MetadataGap.Kind


def take_down(providers, how: str) -> None:
    if how == "refused":
        providers.stop()
    else:
        providers.set_mode(how)


def bring_back(providers, how: str) -> None:
    if how == "refused":
        providers.start()  # same port: the settings still point at it
    providers.set_mode("ok")


@pytest.mark.parametrize("how", ["refused", "503", "malformed"])
def test_a_download_is_imported_while_every_provider_is_down_and_completed_later(
    how, dirs, audio_sources, providers
) -> None:
    source = downloaded_file(dirs, audio_sources, "flac")
    audio = audio_fingerprint(source)
    track = want()
    job = importing_job(track, source)
    take_down(providers, how)

    handoff.import_download(job.pk)

    job.refresh_from_db()
    first = Path(job.library_path)
    assert job.status == DownloadJob.Status.COMPLETED
    assert first == dirs.music / "Neon Harbor" / "Unknown Album" / "Afterglow.flac"
    assert read_tags(first).title == "Afterglow" and read_tags(first).album is None
    assert set(MetadataGap.objects.values_list("kind", flat=True)) == {
        Kind.MUSICBRAINZ,
        Kind.COVER,
        Kind.LYRICS,
    }

    bring_back(providers, how)
    services.retry_gaps_now()
    message = tasks.fill_metadata_gaps()

    assert "filled 3 gaps" in message
    assert not MetadataGap.objects.exists()
    final = dirs.music / "Neon Harbor" / "Night Drive (2024)" / "02 - Afterglow.flac"
    assert TrackFile.objects.get().path == str(final)
    assert dirs.library_files() == [final] and not first.parent.exists()
    tags = read_tags(final)
    assert (tags.album, tags.track_number, tags.isrc) == ("Night Drive", 2, "GBNEO2400001")
    assert tags.musicbrainz_recording_id
    assert read_cover(final) is not None and (final.parent / "cover.jpg").is_file()
    assert final.with_suffix(".lrc").read_text() == SYNCED
    assert read_lyrics(final)
    assert audio_fingerprint(final) == audio


def test_only_the_missing_part_is_a_gap(dirs, audio_sources, providers) -> None:
    providers.set_mode("503", service="lrclib")
    job = importing_job(want(), downloaded_file(dirs, audio_sources, "mp3"))

    handoff.import_download(job.pk)

    gap = MetadataGap.objects.get()
    assert gap.kind == Kind.LYRICS and "503" in gap.reason
    job.refresh_from_db()
    assert "Night Drive (2024)" in job.library_path
    assert read_cover(Path(job.library_path)) is not None


def test_a_provider_that_answers_none_leaves_no_gap(
    dirs, audio_sources, providers, catalog
) -> None:
    catalog.remove_cover(next(iter(catalog.releases)))
    job = importing_job(want(title="Intro"), downloaded_file(dirs, audio_sources, "ogg", "01"))

    handoff.import_download(job.pk)

    job.refresh_from_db()
    path = Path(job.library_path)
    assert path.name == "01 - Intro.ogg"
    assert not MetadataGap.objects.exists()  # no cover exists, and Intro is instrumental
    assert not path.with_suffix(".lrc").exists() and read_lyrics(path) is None
    assert not (path.parent / "cover.jpg").exists()


def test_a_retry_that_fails_again_backs_off(dirs, audio_sources, providers) -> None:
    job = importing_job(want(), downloaded_file(dirs, audio_sources, "flac"))
    providers.set_mode("503")
    handoff.import_download(job.pk)
    services.retry_gaps_now()

    tasks.fill_metadata_gaps()

    for gap in MetadataGap.objects.all():
        assert gap.attempts == 1
        assert gap.next_attempt_at > timezone.now()
    assert "filled 0 gaps" in tasks.fill_metadata_gaps()  # nothing is due any more


def test_the_fill_in_waits_while_providers_are_switched_off(settings, dirs, audio_sources) -> None:
    job = importing_job(want(), downloaded_file(dirs, audio_sources, "m4a"))
    handoff.import_download(job.pk)  # providers are off: everything is a gap
    services.retry_gaps_now()

    message = tasks.fill_metadata_gaps()

    assert message == "metadata providers are switched off; 3 gaps wait"
    assert MetadataGap.objects.filter(attempts=0).count() == 3


def test_an_embedded_cover_is_kept_and_saved_when_the_archive_is_down(
    dirs, audio_sources, providers
) -> None:
    from fakes.metadata_services.coverart import render_cover
    from library.tagging import TagSet, write_tags

    source = downloaded_file(dirs, audio_sources, "flac")
    write_tags(source, TagSet(title="x"), cover=render_cover((10, 200, 30), 300))
    providers.set_mode("503", service="coverart")
    job = importing_job(want(), source)

    handoff.import_download(job.pk)

    job.refresh_from_db()
    path = Path(job.library_path)
    assert read_cover(path) is not None and (path.parent / "cover.jpg").is_file()
    assert not MetadataGap.objects.filter(kind=Kind.COVER).exists()


def test_a_known_image_url_is_used_when_the_archive_has_no_cover(
    dirs, audio_sources, providers, catalog
) -> None:
    night_drive = next(iter(catalog.releases))
    catalog.remove_cover(night_drive)
    other = catalog.add_release("Elsewhere", "Someone", tracks=[("x", 1000)])
    track = want()
    album = AlbumFactory(title="Night Drive", artist=track.artist, year=2024)
    Track.objects.filter(pk=track.pk).update(album=album)
    track.refresh_from_db()
    image_url = f"{providers.url}/release/{other.release_id}/front"
    AlbumCover.objects.create(album=album, image_url=image_url)
    job = importing_job(track, downloaded_file(dirs, audio_sources, "m4a"))

    handoff.import_download(job.pk)

    job.refresh_from_db()
    path = Path(job.library_path)
    assert read_cover(path) is not None and (path.parent / "cover.jpg").is_file()
    assert AlbumCover.objects.get(album=album).source == AlbumCover.Source.URL
    assert not MetadataGap.objects.exists()


def test_a_folder_imported_while_providers_are_down_is_completed_later(
    dirs, audio_sources, providers
) -> None:
    import shutil

    from library.tagging import TagSet, write_tags

    source = dirs.downloads / "rip" / "track.flac"
    source.parent.mkdir()
    shutil.copyfile(audio_sources["flac"], source)
    write_tags(source, TagSet(title="Afterglow", artist="Neon Harbor"))
    providers.stop()

    batch = services.import_folder_now(str(dirs.downloads))

    assert batch.imported == 1
    assert MetadataGap.objects.count() == 3
    providers.start()
    services.retry_gaps_now()
    tasks.fill_metadata_gaps()

    final = dirs.music / "Neon Harbor" / "Night Drive (2024)" / "02 - Afterglow.flac"
    assert dirs.library_files() == [final]
    assert read_tags(final).musicbrainz_release_id and read_cover(final)
    assert not MetadataGap.objects.exists()
