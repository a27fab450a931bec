"""The job page refreshes as a whole while the job is live; the form wants tracks or albums."""

from __future__ import annotations

import pytest

from downloads.models import Candidate, DownloadJob
from tests.factories import AlbumFactory, CandidateFactory, DownloadJobFactory, TrackFactory

pytestmark = pytest.mark.django_db
Status = DownloadJob.Status
POLL = {"HX-Request": "true", "HX-Target": "job"}


def _downloading_job() -> DownloadJob:
    job = DownloadJobFactory(status=Status.DOWNLOADING)
    job.candidate = CandidateFactory(job=job, rank=1, state=Candidate.State.TRYING)
    job.save()
    CandidateFactory(job=job, rank=2, filename="@@x\\Music\\second choice.flac")
    return job


def test_a_live_job_refreshes_its_buttons_and_candidates_too(logged_in_client) -> None:
    job = _downloading_job()
    response = logged_in_client.get(f"/downloads/{job.pk}/", headers=POLL)
    fragment = response.content.decode()
    assert response.status_code == 200 and "<html" not in fragment
    assert 'id="job"' in fragment and 'hx-trigger="every 2s"' in fragment
    assert "Pause" in fragment and "Wrong file" in fragment and "Remove" in fragment
    assert "second choice.flac" in fragment


def test_polling_stops_at_a_terminal_state_with_the_final_buttons(logged_in_client) -> None:
    job = _downloading_job()
    DownloadJob.objects.filter(pk=job.pk).update(status=Status.COMPLETED)
    response = logged_in_client.get(f"/downloads/{job.pk}/", headers=POLL)
    fragment = response.content.decode()
    assert response.status_code == 286
    assert "Download again" in fragment and "Pause" not in fragment
    assert "hx-trigger" not in fragment


def test_a_finished_job_page_does_not_poll_at_all(logged_in_client) -> None:
    job = DownloadJobFactory(status=Status.FAILED)
    page = logged_in_client.get(f"/downloads/{job.pk}/").content.decode()
    assert "hx-trigger" not in page and "Retry" in page


def test_a_job_removed_while_its_page_is_open_stops_the_polling(logged_in_client) -> None:
    job_id = DownloadJobFactory(status=Status.QUEUED).pk
    DownloadJob.objects.filter(pk=job_id).delete()
    response = logged_in_client.get(f"/downloads/{job_id}/", headers=POLL)
    assert response.status_code == 286 and b"This download was removed." in response.content
    assert logged_in_client.get(f"/downloads/{job_id}/").status_code == 404


def test_the_job_page_costs_the_same_queries_for_many_candidates_and_tracks(
    logged_in_client, django_assert_max_num_queries
) -> None:
    album = AlbumFactory()
    job = DownloadJobFactory(kind=DownloadJob.Kind.ALBUM, album=album, track=None)

    def grow(count: int) -> None:
        for _ in range(count):
            CandidateFactory(job=job)
            DownloadJobFactory(parent=job, track=TrackFactory(album=album))

    grow(3)
    with django_assert_max_num_queries(20) as few:
        logged_in_client.get(f"/downloads/{job.pk}/")
        logged_in_client.get(f"/downloads/{job.pk}/", headers=POLL)
    grow(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        logged_in_client.get(f"/downloads/{job.pk}/")
        logged_in_client.get(f"/downloads/{job.pk}/", headers=POLL)


def test_the_form_wants_a_whole_album_when_no_title_is_given(logged_in_client) -> None:
    response = logged_in_client.post(
        "/downloads/new/", {"artist": "Nu", "title": "", "album": "Echoes"}
    )
    job = DownloadJob.objects.get()
    assert job.kind == DownloadJob.Kind.ALBUM and job.album.title == "Echoes"
    assert response["Location"] == f"/downloads/{job.pk}/"


def test_the_form_with_a_title_and_an_album_wants_the_track(logged_in_client) -> None:
    logged_in_client.post("/downloads/new/", {"artist": "Nu", "title": "Echo", "album": "Echoes"})
    job = DownloadJob.objects.get()
    assert job.kind == DownloadJob.Kind.TRACK and job.track.album.title == "Echoes"


def test_the_form_without_title_or_album_says_what_to_give(logged_in_client) -> None:
    response = logged_in_client.post("/downloads/new/", {"artist": "Nu"}, follow=True)
    assert "give a title to want a track, or only an album" in response.content.decode()
    assert not DownloadJob.objects.exists()


def test_the_same_album_twice_is_refused_with_a_message(logged_in_client) -> None:
    form = {"artist": "Nu", "album": "Echoes"}
    logged_in_client.post("/downloads/new/", form)
    response = logged_in_client.post("/downloads/new/", form, follow=True)
    assert "already being downloaded" in response.content.decode()
    assert DownloadJob.objects.count() == 1


def test_the_form_says_an_album_alone_wants_the_whole_album(logged_in_client) -> None:
    page = logged_in_client.get("/downloads/").content.decode()
    assert "an album without a title wants the whole album" in page
    assert '<input name="title" required' not in page
