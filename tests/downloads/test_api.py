"""The downloads REST API: each endpoint calls its service and reports refusals clearly."""

from __future__ import annotations

import pytest

from downloads.models import Candidate, DownloadJob, EngineSettings, RejectedFile
from library.models import QualityProfile
from tests.factories import AlbumFactory, CandidateFactory, DownloadJobFactory

pytestmark = pytest.mark.django_db
Status = DownloadJob.Status


def _post(client, path: str, body: dict | None = None):
    return client.post(path, body or {}, content_type="application/json")


def test_posting_a_want_creates_a_queued_job(api_client) -> None:
    response = _post(
        api_client,
        "/api/downloads",
        {"artist": "Nu", "title": "Echo", "duration_ms": 5000, "priority": 5},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "queued" and body["artist"] == "Nu" and body["title"] == "Echo"
    assert body["priority"] == 5 and body["attempts"] == 0 and body["candidate"] is None
    job = DownloadJob.objects.get(pk=body["id"])
    assert job.track.status == "wanted" and job.track.duration_ms == 5000


def test_the_same_want_twice_is_a_409_naming_the_job(api_client) -> None:
    first = _post(api_client, "/api/downloads", {"artist": "Nu", "title": "Echo"}).json()
    again = _post(api_client, "/api/downloads", {"artist": "nu", "title": "echo"})
    assert again.status_code == 409
    assert f"job #{first['id']}" in again.json()["detail"]


def test_an_empty_artist_is_a_validation_error(api_client) -> None:
    response = _post(api_client, "/api/downloads", {"artist": "", "title": "Echo"})
    assert response.status_code == 422
    assert not DownloadJob.objects.exists()


def test_album_wants_create_an_album_job_and_its_track_list(api_client) -> None:
    response = _post(
        api_client,
        "/api/downloads/albums",
        {"artist": "Nu", "album": "Waves", "year": 2001, "tracks": ["One", "Two"]},
    )
    assert response.status_code == 201
    job = DownloadJob.objects.get(pk=response.json()["id"])
    assert job.kind == "album" and job.album.track_count == 2 and job.album.year == 2001
    assert list(job.album.tracks.order_by("track_number").values_list("title", flat=True)) == [
        "One",
        "Two",
    ]


def test_list_filters_by_status_and_paginates(api_client) -> None:
    DownloadJobFactory.create_batch(3)
    DownloadJobFactory(status=Status.FAILED)
    body = api_client.get("/api/downloads?status=failed").json()
    assert body["count"] == 1 and body["items"][0]["status"] == "failed"
    assert api_client.get("/api/downloads").json()["count"] == 4


def test_the_list_comes_in_limit_offset_pages_newest_first(api_client) -> None:
    jobs = DownloadJobFactory.create_batch(5)

    body = api_client.get("/api/downloads?limit=2&offset=1").json()

    assert body["count"] == 5
    assert [item["id"] for item in body["items"]] == [jobs[3].pk, jobs[2].pk]


def test_listing_downloads_takes_the_same_queries_for_5_or_50_jobs(
    api_client, django_assert_max_num_queries
) -> None:
    def jobs_with_candidates(n: int) -> None:
        for job in DownloadJobFactory.create_batch(n, track__album=AlbumFactory()):
            job.candidate = CandidateFactory(job=job)
            job.save()

    jobs_with_candidates(5)
    with django_assert_max_num_queries(6) as small:
        api_client.get("/api/downloads")
    jobs_with_candidates(45)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(api_client.get("/api/downloads").json()["items"]) == 50


def test_detail_shows_the_candidate_with_its_exact_remote_path(api_client) -> None:
    job = DownloadJobFactory(status=Status.DOWNLOADING)
    candidate = CandidateFactory(
        job=job,
        filename="@@x\\Music\\A\\01 - B.flac",
        bitrate=None,
        bit_depth=24,
        score=88.5,
        rank=1,
    )
    job.candidate = candidate
    job.save()
    body = api_client.get(f"/api/downloads/{job.pk}").json()
    assert body["candidate"]["filename"] == "@@x\\Music\\A\\01 - B.flac"
    assert body["candidate"]["bit_depth"] == 24 and body["candidate"]["score"] == 88.5
    assert api_client.get("/api/downloads/999999").status_code == 404


def test_candidates_are_ranked_then_rejected_with_reasons(api_client) -> None:
    job = DownloadJobFactory()
    CandidateFactory(
        job=job,
        rank=None,
        state=Candidate.State.REJECTED,
        rejection_reason="version mismatch: live",
    )
    CandidateFactory(job=job, rank=2, score=50)
    CandidateFactory(job=job, rank=1, score=90, breakdown={"title": {"points": 40}})
    body = api_client.get(f"/api/downloads/{job.pk}/candidates").json()["items"]
    assert [c["rank"] for c in body] == [1, 2, None]
    assert body[0]["breakdown"] == {"title": {"points": 40}}
    assert body[2]["rejection_reason"] == "version mismatch: live"


def test_pause_resume_cancel_and_retry_a_job(api_client) -> None:
    job = DownloadJobFactory()
    assert _post(api_client, f"/api/downloads/{job.pk}/pause").json()["status"] == "paused"
    assert _post(api_client, f"/api/downloads/{job.pk}/pause").status_code == 409
    assert _post(api_client, f"/api/downloads/{job.pk}/resume").json()["status"] == "queued"
    assert _post(api_client, f"/api/downloads/{job.pk}/cancel").json()["status"] == "cancelled"
    assert _post(api_client, f"/api/downloads/{job.pk}/resume").status_code == 409
    retried = _post(api_client, f"/api/downloads/{job.pk}/retry").json()
    assert retried["status"] == "queued" and retried["attempts"] == 0


def test_retrying_an_active_job_is_refused(api_client) -> None:
    job = DownloadJobFactory(status=Status.SEARCHING)
    response = _post(api_client, f"/api/downloads/{job.pk}/retry")
    assert response.status_code == 409 and "only finished jobs" in response.json()["detail"]


def test_patch_changes_the_priority(api_client) -> None:
    job = DownloadJobFactory()
    response = api_client.patch(
        f"/api/downloads/{job.pk}", {"priority": 9}, content_type="application/json"
    )
    assert response.json()["priority"] == 9


def test_reject_candidate_remembers_the_file_and_moves_on(api_client) -> None:
    job = DownloadJobFactory(status=Status.DOWNLOADING)
    wrong = CandidateFactory(job=job, rank=1, state=Candidate.State.TRYING)
    CandidateFactory(job=job, rank=2)
    job.candidate, job.transfer_id = wrong, "6f1d2b47-6b1b-4a37-9a63-0c9b1f0f6a11"
    job.save()
    body = _post(
        api_client, f"/api/downloads/{job.pk}/reject-candidate", {"reason": "it is a cover"}
    ).json()
    assert body["status"] == "queued" and body["candidate"] is None
    assert body["attempts"] == 0  # the user's verdict is not the peer's failure
    wrong.refresh_from_db()
    assert wrong.state == Candidate.State.WRONG
    assert RejectedFile.objects.filter(
        track=job.track, username=wrong.username, filename=wrong.filename
    ).exists()


def test_reject_without_a_chosen_file_is_a_409(api_client) -> None:
    job = DownloadJobFactory()
    assert _post(api_client, f"/api/downloads/{job.pk}/reject-candidate").status_code == 409


def test_global_pause_and_resume(api_client) -> None:
    assert _post(api_client, "/api/downloads/pause").json()["paused"] is True
    assert EngineSettings.load().paused
    assert _post(api_client, "/api/downloads/resume").json()["paused"] is False


def test_engine_settings_bound_the_concurrency(api_client) -> None:
    ok = api_client.patch(
        "/api/downloads/settings", {"max_concurrent": 4}, content_type="application/json"
    )
    assert ok.json()["max_concurrent"] == 4
    bad = api_client.patch(
        "/api/downloads/settings", {"max_concurrent": 11}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert EngineSettings.load().max_concurrent == 4


def test_batch_create_retry_and_cancel_report_each_item(api_client) -> None:
    created = _post(
        api_client,
        "/api/downloads/batch",
        {
            "action": "create",
            "items": [
                {"artist": "A", "title": "One"},
                {"artist": "A", "title": "One"},
                {"artist": "B", "title": "Two"},
            ],
        },
    ).json()["results"]
    assert [r["ok"] for r in created] == [True, False, True]
    assert "already being downloaded" in created[1]["error"]
    ids = [created[0]["id"], created[2]["id"], 424242]
    cancelled = _post(api_client, "/api/downloads/batch", {"action": "cancel", "ids": ids}).json()[
        "results"
    ]
    assert [r["ok"] for r in cancelled] == [True, True, False]
    retried = _post(api_client, "/api/downloads/batch", {"action": "retry", "ids": ids[:2]}).json()[
        "results"
    ]
    assert all(r["ok"] for r in retried)
    assert set(DownloadJob.objects.values_list("status", flat=True)) == {"queued"}


def test_quality_profiles_are_editable_and_validated(api_client) -> None:
    listed = api_client.get("/api/downloads/quality-profiles").json()["items"]
    assert listed[0]["is_default"] and listed[0]["ladder"][0] == "flac_24"
    body = {
        "name": "Lossy ok",
        "ladder": ["mp3_320", "mp3_v0"],
        "cutoff": "mp3_320",
        "is_default": True,
    }
    created = _post(api_client, "/api/downloads/quality-profiles", body)
    assert created.status_code == 201
    assert QualityProfile.get_default().name == "Lossy ok"
    bad = {**body, "name": "Broken", "ladder": ["mp3_999"], "cutoff": "flac"}
    response = _post(api_client, "/api/downloads/quality-profiles", bad)
    assert response.status_code == 400 and "Unknown quality 'mp3_999'" in response.json()["detail"]
    assert not QualityProfile.objects.filter(name="Broken").exists()


def test_a_second_profile_with_the_same_name_is_a_conflict(api_client) -> None:
    body = {"name": "Lossy ok", "ladder": ["mp3_320"], "cutoff": "mp3_320"}
    assert _post(api_client, "/api/downloads/quality-profiles", body).status_code == 201

    response = _post(api_client, "/api/downloads/quality-profiles", body)

    assert response.status_code == 409
    assert response.json() == {"detail": "a profile named 'Lossy ok' already exists"}
    assert QualityProfile.objects.filter(name="Lossy ok").count() == 1


def test_candidates_take_the_same_queries_for_5_or_50(
    api_client, django_assert_max_num_queries
) -> None:
    job = DownloadJobFactory()
    CandidateFactory.create_batch(5, job=job)
    with django_assert_max_num_queries(6) as small:
        api_client.get(f"/api/downloads/{job.pk}/candidates")
    CandidateFactory.create_batch(45, job=job)
    with django_assert_max_num_queries(len(small.captured_queries)):
        body = api_client.get(f"/api/downloads/{job.pk}/candidates").json()
    assert (body["count"], len(body["items"])) == (50, 50)
