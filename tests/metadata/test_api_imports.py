"""The import and gap endpoints."""

from __future__ import annotations

import shutil

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from library.tagging import TagSet, write_tags
from metadata import services
from metadata.models import ImportBatch, ImportItem, MetadataGap
from tests.factories import TrackFactory

pytestmark = pytest.mark.django_db


def post(client, url: str, data: object):
    return client.post(url, data, content_type="application/json")


def put(client, url: str, data: object):
    return client.put(url, data, content_type="application/json")


def test_the_endpoints_need_authentication(client) -> None:
    assert client.get("/api/metadata/imports").status_code == 401
    assert post(client, "/api/metadata/imports", {"path": "/tmp"}).status_code == 401


def test_starting_an_import_queues_a_batch(api_client, dirs, monkeypatch) -> None:
    queued = []
    monkeypatch.setattr("metadata.services.enqueue", lambda *args: queued.append(args))

    response = post(
        api_client, "/api/metadata/imports", {"path": str(dirs.downloads), "copy": True}
    )

    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued" and body["keep_source"] is True
    assert body["path"] == str(dirs.downloads)
    assert ImportBatch.objects.get().pk == body["id"]


def test_a_bad_path_is_refused_with_the_reason(api_client, dirs) -> None:
    missing = str(dirs.downloads / "no-such-folder")
    response = post(api_client, "/api/metadata/imports", {"path": missing})

    assert response.status_code == 400
    assert "does not exist" in response.json()["detail"]
    assert not ImportBatch.objects.exists()


def test_the_progress_of_an_import_lists_failures_with_reasons(
    api_client, dirs, audio_sources
) -> None:
    shutil.copyfile(audio_sources["flac"], dirs.downloads / "good.flac")
    write_tags(dirs.downloads / "good.flac", TagSet(title="Good", artist="Band"))
    (dirs.downloads / "bad.mp3").write_bytes(b"not audio")
    batch = services.import_folder_now(str(dirs.downloads))

    body = api_client.get(f"/api/metadata/imports/{batch.pk}").json()

    assert {k: body[k] for k in ("status", "total", "done", "imported", "skipped", "failed")} == {
        "status": "completed",
        "total": 2,
        "done": 2,
        "imported": 1,
        "skipped": 0,
        "failed": 1,
    }
    assert body["percent"] == 100
    [problem] = body["problems"]
    assert problem["source_path"] == str(dirs.downloads / "bad.mp3")
    assert problem["state"] == "failed" and problem["reason"]
    assert api_client.get("/api/metadata/imports/999999").status_code == 404


def make_batches(count: int) -> None:
    for n in range(count):
        batch = ImportBatch.objects.create(path=f"/music/in/{n}")
        ImportItem.objects.create(batch=batch, source_path=f"/music/in/{n}/x.flac", state="failed")


def test_listing_imports_costs_the_same_queries_for_many_rows(api_client) -> None:
    make_batches(2)
    with CaptureQueriesContext(connection) as few:
        assert api_client.get("/api/metadata/imports").json()["count"] == 2
    make_batches(20)
    with CaptureQueriesContext(connection) as many:
        body = api_client.get("/api/metadata/imports").json()
    assert (body["count"], len(body["items"])) == (22, 22)
    assert len(many) == len(few)


def test_import_details_cost_the_same_queries_for_many_problems(api_client) -> None:
    batch = ImportBatch.objects.create(path="/in")
    ImportItem.objects.create(batch=batch, source_path="/in/1.flac", state="failed", reason="x")
    with CaptureQueriesContext(connection) as few:
        api_client.get(f"/api/metadata/imports/{batch.pk}")
    for n in range(20):
        ImportItem.objects.create(batch=batch, source_path=f"/in/{n}.mp3", state="skipped")
    with CaptureQueriesContext(connection) as many:
        assert len(api_client.get(f"/api/metadata/imports/{batch.pk}").json()["problems"]) == 21
    assert len(many) == len(few)


def test_listing_import_items_costs_the_same_queries_for_many_rows(api_client) -> None:
    make_batches(2)
    with CaptureQueriesContext(connection) as few:
        api_client.get("/api/metadata/import-items")
    make_batches(20)
    with CaptureQueriesContext(connection) as many:
        body = api_client.get("/api/metadata/import-items?state=failed").json()
    assert len(body["items"]) == 22 and len(many) == len(few)


def test_listing_gaps_costs_the_same_queries_for_many_rows(api_client) -> None:
    MetadataGap.objects.create(track=TrackFactory(), kind="lyrics", reason="LRCLIB answered 503")
    with CaptureQueriesContext(connection) as few:
        api_client.get("/api/metadata/gaps")
    for track in TrackFactory.create_batch(15):
        MetadataGap.objects.create(track=track, kind="cover")
    with CaptureQueriesContext(connection) as many:
        body = api_client.get("/api/metadata/gaps").json()
    assert len(body["items"]) == 16 and len(many) == len(few)
    assert {"track", "kind", "reason", "attempts", "next_attempt_at"} <= set(body["items"][0])


def test_gaps_come_in_limit_offset_pages_soonest_first(api_client) -> None:
    tracks = TrackFactory.create_batch(3)
    for track in tracks:
        MetadataGap.objects.create(track=track, kind="lyrics")

    body = api_client.get("/api/metadata/gaps?limit=1&offset=1").json()

    assert body["count"] == 3
    assert [gap["track_id"] for gap in body["items"]] == [tracks[1].pk]
    assert body["items"][0]["track"] == str(tracks[1])


def test_retrying_gaps_makes_them_due(api_client, monkeypatch) -> None:
    monkeypatch.setattr("metadata.services.enqueue", lambda *args: None)
    MetadataGap.objects.create(track=TrackFactory(), kind="lyrics")

    assert post(api_client, "/api/metadata/gaps/retry", {}).json() == {"count": 1}
