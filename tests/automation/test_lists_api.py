"""The lists API: JSON text and file uploads, previews, the paged list, delete, refusals."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from downloads.models import DownloadJob
from library.models import Playlist, Track, TrackWant
from tests.automation.lists_support import exportify_50_with_2_bad

pytestmark = pytest.mark.django_db


def _post(client: Client, path: str, body: dict) -> object:
    return client.post(path, body, content_type="application/json")


def _upload(
    client: Client, path: str, data: bytes, filename: str = "Road trip.csv", **form: str
) -> object:
    return client.post(path, {"file": SimpleUploadedFile(filename, data, "text/csv"), **form})


def _nothing_written() -> None:
    assert Playlist.objects.count() == 0
    assert Track.objects.count() == 0
    assert TrackWant.objects.count() == 0
    assert DownloadJob.objects.count() == 0


def test_uploading_the_acceptance_list_answers_what_was_wanted_and_rejected(
    api_client: Client,
) -> None:
    response = _upload(api_client, "/api/lists/upload", exportify_50_with_2_bad())

    assert response.status_code == 201
    body = response.json()
    playlist = Playlist.objects.get()
    assert body["playlist"] == {"id": playlist.pk, "name": "Road trip", "entries": 48}
    assert (body["understood"], body["newly_wanted"], body["searches_queued"]) == (48, 48, 48)
    assert [(r["line"], r["reason"]) for r in body["rejected"]] == [
        (11, "no title"),
        (31, "ISRC is malformed"),
    ]
    assert body["rejected"][0]["text"].startswith("spotify:track:")


def test_an_upload_takes_the_name_given(api_client: Client) -> None:
    response = _upload(api_client, "/api/lists/upload", b"A - One\n", "x.txt")
    named = _upload(api_client, "/api/lists/upload", b"A - One\n", "x.txt", name="Mine")

    assert response.json()["playlist"]["name"] == "x"
    assert named.json()["playlist"]["name"] == "Mine"


def test_pasted_text_as_json_becomes_a_list(api_client: Client) -> None:
    response = _post(api_client, "/api/lists", {"name": "Mix", "text": "A - One\nB - Two\nnope\n"})

    assert response.status_code == 201
    body = response.json()
    assert body["playlist"]["name"] == "Mix"
    assert body["playlist"]["entries"] == 2
    assert body["rejected"] == [
        {"line": 3, "text": "nope", "reason": "no ' - ' between artist and title"}
    ]


def test_previews_of_text_and_files_write_nothing(api_client: Client) -> None:
    text = _post(api_client, "/api/lists/preview", {"text": "A - One\nnope\n"})
    upload = _upload(api_client, "/api/lists/preview/upload", exportify_50_with_2_bad())

    assert text.status_code == 200
    assert text.json()["kind"] == "lines"
    assert [(r["line"], r["artist"], r["title"]) for r in text.json()["rows"]] == [(1, "A", "One")]
    assert upload.status_code == 200
    body = upload.json()
    assert (body["kind"], len(body["rows"]), len(body["rejected"])) == ("exportify", 48, 2)
    assert body["rows"][0]["spotify_id"] == "tr00000000000000000001"
    _nothing_written()


@pytest.mark.parametrize("path", ["/api/lists", "/api/lists/preview"])
def test_10001_rows_of_text_are_refused_with_413_and_nothing_is_written(
    api_client: Client, path: str
) -> None:
    text = "\n".join(f"A - Song {n}" for n in range(10_001))

    response = _post(api_client, path, {"name": "Big", "text": text})

    assert response.status_code == 413
    assert "more than 10,000 rows" in response.json()["detail"]
    _nothing_written()


def test_a_file_over_5_mb_is_refused_with_413(api_client: Client) -> None:
    response = _upload(api_client, "/api/lists/upload", b"A - B\n" * 900_000)

    assert response.status_code == 413
    assert "larger than 5 MB" in response.json()["detail"]
    _nothing_written()


def test_a_binary_file_is_refused_with_400(api_client: Client) -> None:
    response = _upload(api_client, "/api/lists/upload", b"\x89PNG\r\n\x1a\n\x00\x00" * 50)

    assert response.status_code == 400
    assert response.json()["detail"].startswith("this is not a text list")
    _nothing_written()


def test_a_list_with_nothing_understood_is_refused_with_400(api_client: Client) -> None:
    response = _post(api_client, "/api/lists", {"text": "nope\n"})

    assert response.status_code == 400
    assert "no line of the list was understood" in response.json()["detail"]
    _nothing_written()


def test_text_with_nul_is_refused_naming_the_field(api_client: Client) -> None:
    response = _post(api_client, "/api/lists", {"text": "A - B\x00"})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "text"


def test_the_lists_are_paged_with_their_counts(api_client: Client) -> None:
    _post(api_client, "/api/lists", {"name": "Mix", "text": "A - One\nB - Two\n"})
    Playlist.objects.create(name="Manual", source=Playlist.Source.MANUAL)

    body = api_client.get("/api/lists").json()

    assert body["count"] == 1
    [row] = body["items"]
    assert (row["name"], row["entries"], row["owned"], row["wanted"]) == ("Mix", 2, 0, 2)


def test_listing_takes_the_same_queries_however_many_lists(api_client: Client) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api_client.get("/api/lists").status_code == 200
        return len(captured)

    _post(api_client, "/api/lists", {"name": "L0", "text": "A - One\n"})
    one = queries()
    for n in range(1, 6):
        _post(api_client, "/api/lists", {"name": f"L{n}", "text": f"A - One\nB - {n}\n"})

    assert queries() == one


def test_deleting_a_list_releases_its_wants(api_client: Client) -> None:
    created = _post(api_client, "/api/lists", {"name": "Mix", "text": "A - One\n"}).json()

    response = api_client.delete(f"/api/lists/{created['playlist']['id']}")

    assert response.status_code == 204
    assert Playlist.objects.count() == 0
    assert Track.objects.get().status == Track.Status.KNOWN


def test_deleting_a_playlist_that_is_not_an_imported_list_is_404(api_client: Client) -> None:
    manual = Playlist.objects.create(name="Manual", source=Playlist.Source.MANUAL)

    assert api_client.delete(f"/api/lists/{manual.pk}").status_code == 404
    assert api_client.delete("/api/lists/999999").status_code == 404
    assert Playlist.objects.filter(pk=manual.pk).exists()
