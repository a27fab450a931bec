"""The downloads pages: queue, job detail with candidates, manual search, admin actions."""

from __future__ import annotations

import pytest

from downloads import searches, services
from downloads.models import Candidate, DownloadJob, ManualSearch
from fakes.trap_network import build_trap_network
from tests.engine_support import all_settled, run_engine_until
from tests.factories import CandidateFactory, DownloadJobFactory

Status = DownloadJob.Status
HTMX = {"HX-Request": "true"}


@pytest.mark.django_db
def test_the_queue_page_lists_jobs_with_filters(logged_in_client) -> None:
    DownloadJobFactory(status=Status.FAILED, error="peer left")
    DownloadJobFactory(status=Status.QUEUED)
    page = logged_in_client.get("/downloads/").content.decode()
    assert "peer left" in page and "Queued" in page
    failed_only = logged_in_client.get("/downloads/?status=failed").content.decode()
    assert "peer left" in failed_only and "Want it" in failed_only


@pytest.mark.django_db
def test_the_queue_page_query_count_does_not_grow_with_rows(
    logged_in_client, django_assert_max_num_queries
) -> None:
    for job in DownloadJobFactory.create_batch(5):
        job.candidate = CandidateFactory(job=job)
        job.save()
    with django_assert_max_num_queries(20) as small:
        logged_in_client.get("/downloads/")
    for job in DownloadJobFactory.create_batch(40):
        job.candidate = CandidateFactory(job=job)
        job.save()
    with django_assert_max_num_queries(len(small.captured_queries)):
        logged_in_client.get("/downloads/")


@pytest.mark.django_db
def test_row_polling_stops_once_every_job_on_the_page_is_finished(logged_in_client) -> None:
    job = DownloadJobFactory(status=Status.DOWNLOADING, progress=40)
    headers = {**HTMX, "HX-Target": "job-rows"}
    moving = logged_in_client.get("/downloads/", headers=headers)
    assert (
        moving.status_code == 200 and b"<tr>" in moving.content and b"<html" not in moving.content
    )
    DownloadJob.objects.filter(pk=job.pk).update(status=Status.COMPLETED)
    assert logged_in_client.get("/downloads/", headers=headers).status_code == 286


@pytest.mark.django_db
def test_job_progress_polling_stops_at_a_terminal_state(logged_in_client) -> None:
    job = DownloadJobFactory(status=Status.DOWNLOADING)
    headers = {**HTMX, "HX-Target": "job"}
    assert logged_in_client.get(f"/downloads/{job.pk}/", headers=headers).status_code == 200
    DownloadJob.objects.filter(pk=job.pk).update(status=Status.NOT_FOUND)
    assert logged_in_client.get(f"/downloads/{job.pk}/", headers=headers).status_code == 286


@pytest.mark.django_db
def test_the_job_page_shows_candidates_and_the_wrong_file_action(logged_in_client) -> None:
    job = DownloadJobFactory(status=Status.DOWNLOADING)
    chosen = CandidateFactory(job=job, rank=1, state=Candidate.State.TRYING)
    CandidateFactory(
        job=job,
        rank=None,
        state=Candidate.State.REJECTED,
        rejection_reason="version mismatch: 'karaoke'",
    )
    job.candidate = chosen
    job.save()
    page = logged_in_client.get(f"/downloads/{job.pk}/").content.decode()
    assert "version mismatch: &#x27;karaoke&#x27;" in page and "Wrong file" in page
    response = logged_in_client.post(f"/downloads/{job.pk}/reject/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == Status.QUEUED and job.candidate is None


@pytest.mark.django_db
def test_actions_that_do_not_apply_show_a_message_not_an_error(logged_in_client) -> None:
    job = DownloadJobFactory(status=Status.COMPLETED)
    response = logged_in_client.post(f"/downloads/{job.pk}/pause/", follow=True)
    assert response.status_code == 200 and "cannot be paused" in response.content.decode()


@pytest.mark.django_db
def test_the_form_queues_a_want(logged_in_client) -> None:
    response = logged_in_client.post("/downloads/new/", {"artist": "Nu", "title": "Echo"})
    job = DownloadJob.objects.get()
    assert response["Location"] == f"/downloads/{job.pk}/"


@pytest.mark.django_db
def test_global_pause_from_the_page(logged_in_client) -> None:
    logged_in_client.post("/downloads/engine/pause/")
    assert "All downloads are paused" in logged_in_client.get("/downloads/").content.decode()


@pytest.mark.django_db
def test_admin_actions_retry_and_cancel(logged_in_client) -> None:
    failed = DownloadJobFactory(status=Status.FAILED)
    queued = DownloadJobFactory(status=Status.QUEUED)
    url = "/admin/downloads/downloadjob/"
    logged_in_client.post(url, {"action": "retry_jobs", "_selected_action": [failed.pk]})
    logged_in_client.post(url, {"action": "cancel_jobs", "_selected_action": [queued.pk]})
    failed.refresh_from_db()
    queued.refresh_from_db()
    assert (failed.status, queued.status) == (Status.QUEUED, Status.CANCELLED)


@pytest.mark.django_db(transaction=True)
def test_a_manual_search_shows_every_verdict_and_the_pick_downloads_it(
    logged_in_client,
    slskd_factory,
    tmp_path,
    monkeypatch,
) -> None:
    network, _ = build_trap_network(tmp_path / "net")
    slskd_factory(network)
    monkeypatch.setattr(searches, "enqueue", lambda *args: None)  # run the task inline below
    response = logged_in_client.post(
        "/downloads/search/", {"artist": "Alpha Band", "title": "Sunrise", "seconds": "5"}
    )
    found = ManualSearch.objects.get()
    assert response["Location"] == f"/downloads/search/{found.pk}/"
    searches.run_manual_search(found)
    page = logged_in_client.get(f"/downloads/search/{found.pk}/").content.decode()
    assert "01 - Sunrise.flac" in page and "live" in page.lower()
    found.refresh_from_db()
    live = next(i for i, r in enumerate(found.results) if "Live at Wembley" in r["filename"])
    assert not found.results[live]["accepted"]
    pick = next(i for i, r in enumerate(found.results) if r["accepted"])
    logged_in_client.post(f"/downloads/search/{found.pk}/pick/{pick}/")
    job = DownloadJob.objects.get()
    assert job.candidates.get(rank=1).filename == found.results[pick]["filename"]
    run_engine_until(all_settled)
    job.refresh_from_db()
    assert job.status == Status.IMPORTING and job.search_query == ""  # no search: the pick was used


@pytest.mark.django_db
def test_a_manual_search_without_slskd_fails_with_a_reason() -> None:
    found = searches.start_manual_search(artist="A", title="B")
    searches.run_manual_search(found)
    assert found.status == ManualSearch.Status.FAILED and found.error == "slskd is not configured"


@pytest.mark.django_db
def test_picking_a_result_that_does_not_exist_is_refused() -> None:
    found = ManualSearch.objects.create(artist="A", title="B", status="done", results=[])
    with pytest.raises(services.DownloadError):
        searches.pick_result(found, 3)
