"""The lists page: upload or paste, preview (HTMX fragment), import, the lists with counts."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from automation.lists import services
from library.models import Playlist, Track
from tests.automation.lists_support import exportify_50_with_2_bad

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def _file(data: bytes, name: str = "Road trip.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, "text/csv")


def test_the_page_offers_the_form_and_is_in_the_navigation(logged_in_client: Client) -> None:
    response = logged_in_client.get("/lists/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/lists/"' in html
    assert 'name="file"' in html and 'name="text"' in html
    assert "No list imported yet." in html


def test_previewing_an_upload_shows_understood_rows_and_rejected_lines(
    logged_in_client: Client,
) -> None:
    response = logged_in_client.post(
        "/lists/preview/", {"file": _file(exportify_50_with_2_bad())}, headers=HTMX
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="list-preview">')
    assert "Read as exportify: 48 understood, 2 rejected." in html
    assert '<td>11</td><td class="bad">no title</td>' in html
    assert '<td>31</td><td class="bad">ISRC is malformed</td>' in html
    assert "<td>Song 50</td><td>Album 50</td>\n        <td>3 min 20 s</td>" in html
    assert Playlist.objects.count() == 0
    assert Track.objects.count() == 0


def test_previewing_pasted_text_without_htmx_renders_the_whole_page(
    logged_in_client: Client,
) -> None:
    response = logged_in_client.post("/lists/preview/", {"text": "A - One\n"})

    assert response.status_code == 200
    assert "<h1>Lists</h1>" in response.content.decode()
    assert "1 understood, 0 rejected" in response.content.decode()


def test_importing_shows_the_result_and_lists_the_new_playlist(logged_in_client: Client) -> None:
    response = logged_in_client.post(
        "/lists/import/", {"name": "", "file": _file(exportify_50_with_2_bad())}
    )

    assert response.status_code == 200
    html = response.content.decode()
    playlist = Playlist.objects.get()
    assert "Imported Road trip" in html
    assert "48 understood, 2 rejected; 48 newly wanted, 48 searches queued." in html
    assert f'href="/library/playlists/{playlist.pk}/">Road trip</a>' in html
    assert "<td>48</td><td>0</td><td>48</td>" in html


def test_pasted_text_imports_under_the_name_given(logged_in_client: Client) -> None:
    logged_in_client.post("/lists/import/", {"name": "Mix", "text": "A - One\nB - Two\n"})

    assert Playlist.objects.get().name == "Mix"
    assert Track.objects.filter(status=Track.Status.WANTED).count() == 2


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"text": "   "}, "choose a file or paste some lines"),
        ({"text": "nope"}, "no line of the list was understood"),
        ({"text": "a\x00b"}, "this is not a text list"),
        ({"file": b"A - B\n" * 900_000}, "larger than 5 MB"),
    ],
)
def test_a_list_that_cannot_be_imported_says_why_and_writes_nothing(
    logged_in_client: Client, form: dict, message: str
) -> None:
    if "file" in form:
        form = {"file": _file(form["file"])}

    response = logged_in_client.post("/lists/import/", form)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert Playlist.objects.count() == 0


def test_too_many_rows_in_the_preview_says_why_in_the_fragment(logged_in_client: Client) -> None:
    text = "\n".join(f"A - Song {n}" for n in range(10_001))

    fragment = logged_in_client.post("/lists/preview/", {"text": text}, headers=HTMX)
    page = logged_in_client.post("/lists/preview/", {"text": text})

    # htmx swaps in only 2xx answers; without htmx the page says it with a 400.
    assert fragment.status_code == 200
    assert "more than 10,000 rows" in fragment.content.decode()
    assert page.status_code == 400
    assert "more than 10,000 rows" in page.content.decode()


def test_deleting_a_list_from_the_page(logged_in_client: Client) -> None:
    playlist = services.import_list("Mix", "A - One\n").playlist

    response = logged_in_client.post(f"/lists/{playlist.pk}/delete/", follow=True)

    assert response.status_code == 200
    assert "List Mix deleted; its tracks stay in the library." in response.content.decode()
    assert not Playlist.objects.exists()
    assert Track.objects.get().status == Track.Status.KNOWN


def test_only_imported_lists_can_be_deleted_here(logged_in_client: Client) -> None:
    manual = Playlist.objects.create(name="Manual", source=Playlist.Source.MANUAL)

    response = logged_in_client.post(f"/lists/{manual.pk}/delete/")

    assert response.status_code == 404
    assert Playlist.objects.filter(pk=manual.pk).exists()


def test_the_page_takes_the_same_queries_however_many_lists(logged_in_client: Client) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert logged_in_client.get("/lists/").status_code == 200
        return len(captured)

    services.import_list("L0", "A - One\n")
    one = queries()
    for n in range(1, 6):
        services.import_list(f"L{n}", f"A - One\nB - {n}\n")

    assert queries() == one
