"""The file naming page: the templates, a preview of the renames, and applying them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from library.models import NamingScheme, TrackFile
from library.naming import services
from tests.factories import TrackFactory, TrackFileFactory
from tests.library.support import audio_file

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def test_the_naming_page_lives_under_the_library(client, user) -> None:
    assert reverse("library:naming") == "/library/naming/"
    response = client.get(reverse("library:naming"))
    assert response.status_code == 302 and "login" in response.url


def test_the_naming_page_shows_the_templates(logged_in_client) -> None:
    html = logged_in_client.get(reverse("library:naming")).content.decode()
    assert NamingScheme.load().standard.replace("'", "&#x27;") in html


def test_the_imports_page_links_to_the_naming_page(logged_in_client) -> None:
    html = logged_in_client.get(reverse("metadata:imports")).content.decode()
    assert f'href="{reverse("library:naming")}"' in html


def test_a_preview_shows_old_and_new_paths_without_moving_anything(logged_in_client, dirs) -> None:
    path = audio_file(dirs.music / "flat" / "song.flac")
    row = TrackFileFactory(track=TrackFactory(title="Song", track_number=1), path=str(path))
    form = NamingScheme.load().templates() | {"standard": "{Artist Name}/{track:00} {Track Title}"}

    response = logged_in_client.post(reverse("library:naming-preview"), form, headers=HTMX)

    html = response.content.decode()
    assert str(path) in html and f"{row.track.artist.name}/01 Song.flac" in html
    assert f'value="{row.pk}" checked' in html and "<html" not in html
    assert path.exists() and NamingScheme.load().standard != form["standard"]


def test_an_invalid_template_is_explained_in_the_preview(logged_in_client) -> None:
    form = NamingScheme.load().templates() | {"standard": "{Bogus}"}

    response = logged_in_client.post(reverse("library:naming-preview"), form, headers=HTMX)

    assert "Unknown token {Bogus}" in response.content.decode()


def test_applying_saves_the_templates_and_renames_ticked_files(logged_in_client, dirs) -> None:
    paths = [audio_file(dirs.music / "flat" / f"{n}.flac") for n in range(2)]
    rows = [
        TrackFileFactory(track=TrackFactory(title=f"Song {n}"), path=str(p))
        for n, p in enumerate(paths)
    ]
    form = NamingScheme.load().templates() | {"standard": "{Artist Name}/{Track Title}"}

    response = logged_in_client.post(
        reverse("library:naming-apply"), form | {"track_file": [str(rows[0].pk)]}
    )

    assert response.status_code == 302 and response.url == reverse("library:naming")
    assert NamingScheme.load().standard == "{Artist Name}/{Track Title}"
    moved = TrackFile.objects.get(pk=rows[0].pk)
    assert moved.path == str(dirs.music / rows[0].track.artist.name / "Song 0.flac")
    assert not paths[0].exists() and paths[1].exists()


def test_applying_saves_through_the_naming_service(logged_in_client, monkeypatch) -> None:
    saved = []
    real_save = services.save_naming_scheme
    monkeypatch.setattr(services, "save_naming_scheme", lambda t: saved.append(t) or real_save(t))
    form = NamingScheme.load().templates() | {"standard": "{Artist Name}/{Track Title}"}

    response = logged_in_client.post(reverse("library:naming-apply"), form)

    assert response.status_code == 302
    assert [t["standard"] for t in saved] == ["{Artist Name}/{Track Title}"]


def test_an_invalid_template_is_not_saved(logged_in_client) -> None:
    form = NamingScheme.load().templates() | {"standard": "{Artist Name}/../{Track Title}"}

    response = logged_in_client.post(reverse("library:naming-apply"), form)

    assert response.status_code == 400
    assert NamingScheme.load().standard != form["standard"]


def test_a_rename_preview_costs_the_same_queries_for_many_files(logged_in_client, dirs) -> None:
    def add(count: int, folder: str) -> None:
        for n in range(count):
            path = audio_file(dirs.music / folder / f"{n}.flac")
            TrackFileFactory(track=TrackFactory(title=f"S{folder}{n}"), path=str(path))

    form = NamingScheme.load().templates()
    add(1, "a")
    with CaptureQueriesContext(connection) as few:
        logged_in_client.post(reverse("library:naming-preview"), form, headers=HTMX)
    add(12, "b")
    with CaptureQueriesContext(connection) as many:
        response = logged_in_client.post(reverse("library:naming-preview"), form, headers=HTMX)
    assert response.content.decode().count('name="track_file"') == 13
    # <=: a worker's first page request also checks once that setup is done.
    assert len(many) <= len(few)
