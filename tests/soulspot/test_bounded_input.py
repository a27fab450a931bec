"""Issue 10, findings 5 and 6: oversized and out-of-range input is a clear 4xx, never a 500.

Each test is one request that stalled the service or answered 500 on main: a 100,000-title album,
a 2 MB title, NUL, offsets, ids and page numbers past 64 bits, a form field of 30 nines. The
generic walks of every operation and page are in `test_api_fuzz.py` and `test_page_fuzz.py`.
"""

from __future__ import annotations

import time

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from downloads.models import DownloadJob
from library.models import Album, Track
from soulspot.api import api
from soulspot.lib.schemas import MAX_ID, MAX_PATH
from tests.factories import DuplicateGroupFactory

pytestmark = pytest.mark.django_db

TWO_MB = "x" * (2 * 1024 * 1024)
PAST_64_BITS = "9223372036854775808"


def _post(client: Client, path: str, body: object):
    return client.post(path, body, content_type="application/json")


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- finding 5: unbounded input -----------------------------------------------------------------


def test_an_album_of_100000_titles_is_a_422_at_once_and_writes_nothing(api_client) -> None:
    tracks = [f"Track {n}" for n in range(100_000)]
    started = time.perf_counter()

    response = _post(
        api_client, "/api/downloads/albums", {"artist": "A", "album": "B", "tracks": tracks}
    )

    assert response.status_code == 422
    assert time.perf_counter() - started < 5
    assert "tracks" in response.content.decode()
    assert not Album.objects.exists() and not DownloadJob.objects.exists()


def test_an_album_of_500_titles_is_accepted_with_every_track(api_client) -> None:
    tracks = [f"Track {n}" for n in range(500)]

    response = _post(
        api_client, "/api/downloads/albums", {"artist": "A", "album": "B", "tracks": tracks}
    )

    assert response.status_code == 201
    assert Track.objects.filter(album__title="B").count() == 500
    assert Track.objects.get(title="Track 499").track_number == 500


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/downloads", {"artist": "A", "title": TWO_MB}),
        ("/api/downloads/albums", {"artist": "A", "album": TWO_MB}),
        ("/api/downloads/albums", {"artist": "A", "album": "B", "tracks": [TWO_MB]}),
        ("/api/downloads/batch", {"action": "create", "items": [{"artist": "A", "title": TWO_MB}]}),
    ],
)
def test_a_2mb_title_is_a_422_naming_the_field(api_client, path: str, body: dict) -> None:
    response = _post(api_client, path, body)

    assert response.status_code == 422
    assert "at most 500 characters" in response.content.decode()
    assert not DownloadJob.objects.exists()


def test_a_batch_of_more_than_500_items_is_a_422(api_client) -> None:
    items = [{"artist": "A", "title": f"T{n}"} for n in range(501)]

    response = _post(api_client, "/api/downloads/batch", {"action": "create", "items": items})

    assert response.status_code == 422
    assert not DownloadJob.objects.exists()


def test_a_title_with_nul_is_a_422(api_client) -> None:
    response = _post(api_client, "/api/downloads", {"artist": "A", "title": "Ec\x00ho"})

    assert response.status_code == 422
    assert "NUL" in response.content.decode()
    assert not Track.objects.exists()


def test_a_2mb_search_is_a_422(api_client) -> None:
    for path in ("/api/library/tracks", "/api/library/albums", "/api/library/artists"):
        assert api_client.get(path, {"q": TWO_MB}).status_code == 422, path


def test_the_openapi_document_states_the_limits() -> None:
    schemas = api.get_openapi_schema()["components"]["schemas"]

    assert schemas["DownloadIn"]["properties"]["title"]["maxLength"] == 500
    assert schemas["AlbumDownloadIn"]["properties"]["tracks"]["anyOf"][0]["maxItems"] == 500
    assert schemas["BatchIn"]["properties"]["items"]["maxItems"] == 500
    assert schemas["QualityProfileIn"]["properties"]["ladder"]["maxItems"] == 30
    assert schemas["ImportIn"]["properties"]["path"]["maxLength"] == 4096
    assert schemas["ScanIn"]["properties"]["path"]["anyOf"][0]["maxLength"] == 4096


def test_every_path_id_is_documented_within_64_bits() -> None:
    document = api.get_openapi_schema()
    path_parameters = [
        parameter["schema"]
        for item in document["paths"].values()
        for operation in item.values()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "path"
    ]
    ids = [s for s in path_parameters if s["type"] == "integer"]
    names = [s for s in path_parameters if s["type"] != "integer"]  # a backup's file name
    assert ids and all(s["minimum"] == 1 and s["maximum"] == MAX_ID for s in ids)
    assert all(s["type"] == "string" and s["maxLength"] <= MAX_PATH for s in names)


# --- finding 6: numbers past 64 bits ------------------------------------------------------------


def _list_operations() -> list[str]:
    document = api.get_openapi_schema()
    return [
        path
        for path, item in document["paths"].items()
        if "{" not in path
        and any(p["name"] == "offset" for p in item.get("get", {}).get("parameters", []))
    ]


def test_an_offset_past_64_bits_is_a_422_on_every_list(api_client) -> None:
    lists = _list_operations()
    assert len(lists) >= 10

    for path in lists:
        response = api_client.get(path, {"offset": PAST_64_BITS})
        assert response.status_code == 422, path


@pytest.mark.parametrize(
    "url",
    [
        f"/api/library/albums?artist_id={10**30}",
        f"/api/library/tracks?artist_id={10**30}",
        f"/api/history?track_id={10**30}",
        f"/api/library/artists/{10**30}",
        f"/api/downloads/{PAST_64_BITS}",
    ],
)
def test_an_id_past_64_bits_is_a_4xx(api_client, url: str) -> None:
    assert 400 <= api_client.get(url).status_code < 500


@pytest.mark.parametrize(
    "name",
    [
        "library:tracks",
        "library:history",
        "library:scans",
        "library:duplicates",
        "library:broken",
        "library:incomplete",
        "downloads:list",
        "downloads:wanted",
        "downloads:blocklist",
    ],
)
def test_a_page_past_2_62_on_a_list_page_shows_a_page(logged_in_client, name: str) -> None:
    response = logged_in_client.get(reverse(name), {"page": "4611686018427387904"})

    assert response.status_code == 200


def test_a_blocked_peers_page_past_64_bits_shows_a_page(logged_in_client) -> None:
    response = logged_in_client.get(reverse("downloads:blocklist"), {"peers_page": "9" * 30})

    assert response.status_code == 200


def test_an_id_past_64_bits_in_a_page_url_is_a_404(logged_in_client) -> None:
    assert logged_in_client.get(f"/downloads/{'9' * 30}/").status_code == 404
    assert logged_in_client.post(f"/downloads/albums/{'9' * 30}/want-missing/").status_code == 404


def test_keeping_a_file_of_30_nines_is_a_form_error_and_moves_nothing(logged_in_client) -> None:
    group = DuplicateGroupFactory()
    url = reverse("library:duplicate-resolve", args=[group.pk])

    response = logged_in_client.post(url, {"keep": "9" * 30})

    assert response.status_code == 302
    assert "keep is not a file id" in _messages(response)
    group.refresh_from_db()
    assert group.status == "open"


def test_searching_wanted_tracks_of_30_nines_is_a_form_error(logged_in_client) -> None:
    response = logged_in_client.post(reverse("downloads:wanted-search"), {"track": "9" * 30})

    assert response.status_code == 302
    assert any("Select the tracks" in m for m in _messages(response))


def test_wanting_a_2mb_title_from_the_page_is_a_form_error(logged_in_client) -> None:
    response = logged_in_client.post(
        reverse("downloads:create"), {"artist": "A", "title": "x" * 600}
    )

    assert response.status_code == 302
    assert "title is longer than 500 characters" in _messages(response)
    assert not DownloadJob.objects.exists()


def test_a_setup_password_past_its_maximum_is_a_form_error(client: Client) -> None:
    from accounts.forms import MAX_PASSWORD, SetupForm

    password = "p" * (MAX_PASSWORD + 1)
    form = SetupForm({"username": "owner", "password1": password, "password2": password})

    assert not form.is_valid() and "password1" in form.errors
