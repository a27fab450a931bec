"""The naming endpoints of /api/library: templates, rename preview and apply."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from library.models import NamingScheme, TrackFile
from tests.factories import TrackFactory, TrackFileFactory
from tests.library.support import audio_file

pytestmark = pytest.mark.django_db


def post(client, url: str, data: object):
    return client.post(url, data, content_type="application/json")


def put(client, url: str, data: object):
    return client.put(url, data, content_type="application/json")


def test_the_endpoints_need_authentication(client) -> None:
    assert client.get("/api/library/naming").status_code == 401
    assert put(client, "/api/library/naming", {}).status_code == 401
    assert post(client, "/api/library/naming/preview", {}).status_code == 401
    assert post(client, "/api/library/naming/apply", {"track_file_ids": [1]}).status_code == 401


def test_the_old_paths_are_gone(api_client) -> None:
    assert api_client.get("/api/naming").status_code == 404
    assert api_client.get("/api/metadata/naming").status_code == 404


def test_the_naming_templates_can_be_read_and_changed(api_client) -> None:
    body = api_client.get("/api/library/naming").json()
    assert body["standard"] == body["defaults"]["standard"]

    response = put(api_client, "/api/library/naming", {"standard": "{Artist Name}/{Track Title}"})

    assert response.status_code == 200
    assert NamingScheme.load().standard == "{Artist Name}/{Track Title}"
    assert response.json()["multi_disc"] == body["multi_disc"]
    assert response.json()["defaults"] == body["defaults"]


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("{Artist Name}/{Nope}", "Unknown token"),
        ("/etc/{Track Title}", "relative"),
        ("{Artist Name}/../{Track Title}", "'..'"),
        ("{Artist Name}/{Album Title}", "tell tracks apart"),
    ],
)
def test_an_invalid_template_is_refused_with_the_reason(api_client, template, problem) -> None:
    response = put(api_client, "/api/library/naming", {"standard": template})

    assert response.status_code == 400
    assert problem in response.json()["detail"]
    assert NamingScheme.load().standard != template


def test_a_template_longer_than_its_column_is_refused(api_client) -> None:
    response = put(api_client, "/api/library/naming", {"standard": "{Track Title}" * 100})

    assert response.status_code == 422
    assert NamingScheme.load().standard == NamingScheme().standard


def test_an_invalid_template_in_a_preview_or_apply_is_refused(api_client) -> None:
    bad = {"templates": {"standard": "{Nope}"}}

    preview = post(api_client, "/api/library/naming/preview", bad)
    applied = post(api_client, "/api/library/naming/apply", bad | {"track_file_ids": [1]})

    assert preview.status_code == applied.status_code == 400
    assert "Unknown token" in preview.json()["detail"]
    assert NamingScheme.load().standard != "{Nope}"


def library_files(dirs, count: int, folder: str = "old") -> list[TrackFile]:
    rows = []
    for n in range(count):
        track = TrackFactory(title=f"Song {n}", track_number=n + 1)
        path = audio_file(dirs.music / folder / f"{n}.flac")
        rows.append(TrackFileFactory(track=track, path=str(path)))
    return rows


def test_a_rename_preview_shows_old_and_new_paths(api_client, dirs) -> None:
    rows = library_files(dirs, 2)

    response = post(
        api_client,
        "/api/library/naming/preview",
        {
            "templates": {"standard": "{Artist Name}/{track:00} {Track Title}"},
            "track_file_ids": [rows[0].pk],
        },
    )

    [plan] = response.json()
    assert plan["old"] == rows[0].path and plan["changed"] is True
    assert plan["new"] == str(dirs.music / rows[0].track.artist.name / "01 Song 0.flac")
    assert plan["track_file_id"] == rows[0].pk and plan["problem"] == ""
    assert NamingScheme.load().standard != "{Artist Name}/{track:00} {Track Title}"


def test_a_rename_preview_costs_the_same_queries_for_many_files(api_client, dirs) -> None:
    library_files(dirs, 2)
    NamingScheme.load()  # the first read creates the row
    with CaptureQueriesContext(connection) as few:
        post(api_client, "/api/library/naming/preview", {})
    library_files(dirs, 12, folder="more")
    with CaptureQueriesContext(connection) as many:
        assert len(post(api_client, "/api/library/naming/preview", {}).json()) == 14
    assert len(many) == len(few)


def test_applying_a_rename_moves_the_chosen_files(api_client, dirs) -> None:
    rows = library_files(dirs, 2)

    response = post(
        api_client,
        "/api/library/naming/apply",
        {
            "templates": {"standard": "{Artist Name}/{track:00} {Track Title}"},
            "track_file_ids": [rows[1].pk],
        },
    )

    [result] = response.json()
    assert result["problem"] == "" and result["changed"] is True
    moved = TrackFile.objects.get(pk=rows[1].pk)
    assert moved.path == result["new"] and (dirs.music / moved.path).is_file()
    assert not (dirs.music / "old" / "1.flac").exists()
    assert (dirs.music / "old" / "0.flac").exists()  # not chosen: left alone
    assert NamingScheme.load().standard == "{Artist Name}/{track:00} {Track Title}"
