"""Removing a job from the queue: cancelled first when live, the row deleted, files untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from downloads import services
from downloads.models import Candidate, DownloadJob
from fakes.audio import make_audio
from fakes.slskd import Network
from library.models import Album, Track
from tests.engine_support import run_engine_until
from tests.factories import AlbumFactory, CandidateFactory, DownloadJobFactory, TrackFactory

Status = DownloadJob.Status


@pytest.mark.django_db
def test_removing_a_queued_job_deletes_it_and_keeps_the_want() -> None:
    job = DownloadJobFactory(status=Status.QUEUED, track=TrackFactory(monitored=True))
    services.remove_job(job)
    assert not DownloadJob.objects.exists()
    assert Track.objects.get(pk=job.track_id).monitored is True


@pytest.mark.django_db
def test_removing_with_unmonitor_stops_wanting_the_track() -> None:
    job = DownloadJobFactory(status=Status.NOT_FOUND, track=TrackFactory(monitored=True))
    services.remove_job(job, unmonitor=True)
    assert Track.objects.get(pk=job.track_id).monitored is False


@pytest.mark.django_db
def test_removing_a_completed_job_never_touches_its_file(tmp_path: Path) -> None:
    song = tmp_path / "Nu - Echo.flac"
    song.write_bytes(b"fLaC" + b"\0" * 100)
    job = DownloadJobFactory(status=Status.COMPLETED, library_path=str(song))
    services.remove_job(job, unmonitor=True)
    assert song.read_bytes() == b"fLaC" + b"\0" * 100
    assert not DownloadJob.objects.exists()


@pytest.mark.django_db
def test_removing_an_album_job_removes_its_tracks_jobs_and_can_unwant_them_all() -> None:
    album = AlbumFactory(monitored=True)
    job = DownloadJobFactory(
        kind=DownloadJob.Kind.ALBUM, album=album, track=None, status=Status.DOWNLOADING
    )
    children = [
        DownloadJobFactory(parent=job, track=TrackFactory(album=album, monitored=True))
        for _ in range(2)
    ]
    services.remove_job(job, unmonitor=True)
    assert not DownloadJob.objects.exists()
    assert Album.objects.get(pk=album.pk).monitored is False
    assert not Track.objects.filter(pk__in=[c.track_id for c in children], monitored=True).exists()


@pytest.mark.django_db(transaction=True)
def test_delete_cancels_the_running_transfer_in_slskd_then_removes_the_job(
    slskd_factory, tmp_path, api_client
) -> None:
    net = Network.build(tmp_path / "net")
    audio = make_audio(tmp_path / "net" / "a.flac", seconds=20, seed=5)
    net.add_user("slowpoke", upload_speed=1_000).share("Music\\Nu\\Nu - Echo.flac", audio)
    fake = slskd_factory(net)
    job = services.queue_track_download(artist="Nu", title="Echo", duration_ms=20_000)
    run_engine_until(lambda: DownloadJob.objects.get(pk=job.pk).bytes_transferred > 0)
    transfer_id = DownloadJob.objects.get(pk=job.pk).transfer_id
    response = api_client.delete(f"/api/downloads/{job.pk}?unmonitor=true")
    assert response.status_code == 204 and response.content == b""
    fake.wait_for(lambda: fake.transfer(transfer_id).state.startswith("Completed"))
    assert fake.transfer(transfer_id).state == "Completed, Cancelled"
    assert not DownloadJob.objects.filter(pk=job.pk).exists()
    assert not Candidate.objects.exists()
    assert Track.objects.get(pk=job.track_id).monitored is False


@pytest.mark.django_db
def test_delete_of_a_job_that_is_gone_is_a_404(api_client) -> None:
    job = DownloadJobFactory(status=Status.FAILED)
    assert api_client.delete(f"/api/downloads/{job.pk}").status_code == 204
    response = api_client.delete(f"/api/downloads/{job.pk}")
    assert response.status_code == 404 and "detail" in response.json()


@pytest.mark.django_db
def test_delete_without_unmonitor_keeps_the_track_wanted(api_client) -> None:
    job = DownloadJobFactory(status=Status.QUEUED, track=TrackFactory(monitored=True))
    assert api_client.delete(f"/api/downloads/{job.pk}?unmonitor=false").status_code == 204
    assert Track.objects.get(pk=job.track_id).monitored is True


@pytest.mark.django_db
def test_delete_needs_the_api_key(client) -> None:
    job = DownloadJobFactory()
    assert client.delete(f"/api/downloads/{job.pk}").status_code == 401
    assert DownloadJob.objects.filter(pk=job.pk).exists()


@pytest.mark.django_db
def test_the_remove_button_removes_the_job_and_can_unwant_the_track(logged_in_client) -> None:
    job = DownloadJobFactory(status=Status.DOWNLOADING, track=TrackFactory(monitored=True))
    job.candidate = CandidateFactory(job=job, state=Candidate.State.TRYING)
    job.save()
    page = logged_in_client.get(f"/downloads/{job.pk}/").content.decode()
    assert f'action="/downloads/{job.pk}/remove/"' in page and 'name="unmonitor"' in page
    response = logged_in_client.post(f"/downloads/{job.pk}/remove/", {"unmonitor": "true"})
    assert response["Location"] == "/downloads/"
    assert not DownloadJob.objects.exists()
    assert Track.objects.get(pk=job.track_id).monitored is False
    follow = logged_in_client.get("/downloads/").content.decode()
    assert "and stopped wanting it" in follow


@pytest.mark.django_db
def test_the_remove_button_on_a_job_that_is_gone_is_a_404(logged_in_client) -> None:
    assert logged_in_client.post("/downloads/999/remove/").status_code == 404
