"""The import pages: start a folder import, follow it, see gaps."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from metadata import services
from metadata.models import ImportBatch, ImportItem, MetadataGap
from tests.factories import TrackFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def test_pages_need_a_login(client, user) -> None:
    response = client.get(reverse("metadata:imports"))
    assert response.status_code == 302 and "login" in response.url


def test_the_imports_page_lists_batches_problems_and_gaps(logged_in_client) -> None:
    batch = ImportBatch.objects.create(path="/srv/slskd/downloads", total=4, done=2)
    ImportItem.objects.create(batch=batch, source_path="/srv/x.flac", state="failed", reason="odd")
    MetadataGap.objects.create(track=TrackFactory(), kind="lyrics")

    response = logged_in_client.get(reverse("metadata:imports"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "/srv/slskd/downloads" in html and "odd" in html
    assert "Lyrics: <strong>1</strong>" in html


def test_the_imports_page_costs_the_same_queries_for_many_rows(logged_in_client) -> None:
    def add(count: int) -> None:
        for n in range(count):
            batch = ImportBatch.objects.create(path=f"/in/{n}")
            ImportItem.objects.create(batch=batch, source_path=f"/in/{n}/a.mp3", state="skipped")
            MetadataGap.objects.create(track=TrackFactory(), kind="cover")

    add(1)
    with CaptureQueriesContext(connection) as few:
        logged_in_client.get(reverse("metadata:imports"))
    add(10)
    with CaptureQueriesContext(connection) as many:
        logged_in_client.get(reverse("metadata:imports"))
    # <=: a worker's first page request also checks once that setup is done.
    assert len(many) <= len(few)


def test_starting_an_import_queues_it_and_shows_its_page(
    logged_in_client, dirs, monkeypatch
) -> None:
    monkeypatch.setattr("metadata.services.enqueue", lambda *args: None)

    response = logged_in_client.post(reverse("metadata:start"), {"path": str(dirs.downloads)})

    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("metadata:batch", args=[batch.pk])


def test_a_refused_folder_shows_the_reason_in_the_form(logged_in_client, dirs) -> None:
    missing = str(dirs.downloads / "no-such-dir")
    response = logged_in_client.post(reverse("metadata:start"), {"path": missing})

    assert response.status_code == 400
    assert "does not exist" in response.content.decode()
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("path", ["/etc", "/no/such/dir", "~", "/proc/self/environ"])
def test_the_page_refuses_a_folder_outside_the_import_folders(logged_in_client, dirs, path) -> None:
    response = logged_in_client.post(reverse("metadata:start"), {"path": path})

    assert response.status_code == 400
    assert "not inside an import folder" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_running_import_keeps_polling_and_a_finished_one_stops(logged_in_client) -> None:
    batch = ImportBatch.objects.create(path="/in", status="running", total=10, done=3)
    url = reverse("metadata:batch", args=[batch.pk])

    page = logged_in_client.get(url)
    running = logged_in_client.get(url, headers=HTMX)
    ImportBatch.objects.filter(pk=batch.pk).update(status="completed", done=10, imported=10)
    finished = logged_in_client.get(url, headers=HTMX)

    assert page.status_code == 200 and "<html" in page.content.decode()
    assert running.status_code == 200 and 'hx-trigger="every 2s"' in running.content.decode()
    assert "<html" not in running.content.decode()
    assert finished.status_code == 286  # htmx stops polling
    assert "every 2s" not in finished.content.decode() and "10 of 10" in finished.content.decode()


def test_a_finished_import_lists_its_problem_files(logged_in_client, dirs, audio_sources) -> None:
    (dirs.downloads / "broken.flac").write_bytes(b"fLaC broken")
    batch = services.import_folder_now(str(dirs.downloads))

    html = logged_in_client.get(reverse("metadata:batch", args=[batch.pk])).content.decode()

    assert str(dirs.downloads / "broken.flac") in html and "Failed" in html


def test_retrying_gaps_from_the_page(logged_in_client, monkeypatch) -> None:
    monkeypatch.setattr("metadata.services.enqueue", lambda *args: None)
    MetadataGap.objects.create(track=TrackFactory(), kind="cover")

    response = logged_in_client.post(reverse("metadata:retry-gaps"))

    assert response.status_code == 302


def test_an_import_page_costs_the_same_queries_for_many_problem_files(logged_in_client) -> None:
    batch = ImportBatch.objects.create(path="/in", status="completed")
    url = reverse("metadata:batch", args=[batch.pk])
    ImportItem.objects.create(batch=batch, source_path="/in/0.mp3", state="failed", reason="x")
    with CaptureQueriesContext(connection) as few:
        logged_in_client.get(url)
    for n in range(1, 15):
        ImportItem.objects.create(batch=batch, source_path=f"/in/{n}.mp3", state="skipped")
    with CaptureQueriesContext(connection) as many:
        logged_in_client.get(url)
    # <=: a worker's first page request also checks once that setup is done.
    assert len(many) <= len(few)


def test_the_form_names_the_import_folders(logged_in_client, dirs) -> None:
    page = logged_in_client.get(reverse("metadata:imports")).content.decode()

    assert str(dirs.downloads) in page and str(dirs.data / "import") in page
