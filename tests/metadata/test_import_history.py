"""Imports in the want history: a download's import (with its job) and a folder import that
brings a wanted track."""

from __future__ import annotations

import shutil

import pytest

from downloads import tasks as download_tasks
from downloads.models import DownloadJob
from library.models import HistoryEvent
from library.tagging import TagSet, write_tags
from metadata import services
from tests.factories import TrackFactory
from tests.metadata.support import downloaded_file, importing_job, want

pytestmark = pytest.mark.django_db


def test_a_downloads_import_is_recorded_once_with_its_job_and_library_path(
    dirs, audio_sources
) -> None:
    track = want()
    job = importing_job(track, downloaded_file(dirs, audio_sources, "flac"))

    download_tasks.import_download(job.pk)
    download_tasks.import_download(job.pk)  # a re-run reports nothing new

    job.refresh_from_db()
    assert job.status == DownloadJob.Status.COMPLETED
    (event,) = HistoryEvent.objects.filter(type="imported")
    assert (event.track_id, event.job_id) == (track.pk, job.pk)
    assert event.detail == {"path": job.library_path, "outcome": "imported"}
    assert event.message == f"Imported to {job.library_path}"


def test_a_folder_import_records_the_wanted_tracks_it_brings(dirs, audio_sources) -> None:
    wanted = want(title="Afterglow", isrc="GBNEO2400001")
    TrackFactory(title="Intro", artist=wanted.artist)  # known, not wanted
    for name, isrc in (("afterglow", "GBNEO2400001"), ("intro", "")):
        path = dirs.downloads / f"{name}.flac"
        shutil.copyfile(audio_sources["flac"], path)
        write_tags(path, TagSet(title=name.capitalize(), artist="Neon Harbor", isrc=isrc))

    batch = services.import_folder_now(str(dirs.downloads))

    assert batch.imported == 2
    (event,) = HistoryEvent.objects.all()
    wanted.refresh_from_db()
    path = wanted.files.get().path
    assert (event.type, event.track_id, event.job_id) == ("imported", wanted.pk, None)
    assert event.detail == {"path": path}
