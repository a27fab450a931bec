"""The conflicts page: open conflicts with the offers side by side, settled in one click with
a source or a typed value (for one track or the whole album), in a constant number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from library.models import FieldConflict, FieldValue, Source
from library.provenance import engine
from tests.factories import AlbumFactory, TrackFactory, TrackFileFactory
from tests.library.provenance_pages_support import conflicted_track, row_of

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def resolve_url(conflict: FieldConflict) -> str:
    return f"/library/conflicts/{conflict.pk}/resolve/"


def status(conflict: FieldConflict) -> str:
    conflict.refresh_from_db()
    return conflict.status


def test_the_page_lists_open_conflicts_with_each_offer_and_its_button(
    logged_in_client: Client,
) -> None:
    track, conflict = conflicted_track(title="Song Remix", musicbrainz="Song")
    _, settled = conflicted_track()
    FieldConflict.objects.filter(pk=settled.pk).update(status=FieldConflict.Status.RESOLVED)

    response = logged_in_client.get("/library/conflicts/")

    html = response.content.decode()
    assert response.status_code == 200
    row = row_of(html, f"conflict-{conflict.pk}")
    assert f'href="/library/tracks/{track.pk}/"' in row
    assert "Song Remix" in row and ">Song<" in row
    assert 'name="source" value="musicbrainz">Use MusicBrainz' in row
    assert 'name="source" value="file_tags">Use File tags' in row
    assert 'name="apply_to_album" value="1"' in row
    assert f'hx-post="/library/conflicts/{conflict.pk}/resolve/"' in row
    assert f'id="conflict-{settled.pk}"' not in html
    assert 'Conflicts (<span id="open-conflicts">1</span>)' in html


def test_the_list_filters_by_field_and_album(logged_in_client: Client) -> None:
    album = AlbumFactory()
    _, on_album = conflicted_track(album)
    _, elsewhere = conflicted_track()
    other_field = TrackFactory(track_number=1)
    engine.record(other_field, Source.FILE_TAGS, {"track_number": 1})
    engine.record(other_field, Source.MUSICBRAINZ, {"track_number": 2})
    number = FieldConflict.objects.get(field="track_number")

    by_album = logged_in_client.get(f"/library/conflicts/?album={album.pk}").content.decode()
    by_field = logged_in_client.get("/library/conflicts/?field=track_number").content.decode()

    assert f"conflict-{on_album.pk}" in by_album and f"conflict-{elsewhere.pk}" not in by_album
    assert f"conflict-{number.pk}" in by_field and f"conflict-{on_album.pk}" not in by_field


def test_using_a_source_settles_the_conflict_and_follows_it(logged_in_client: Client) -> None:
    track, conflict = conflicted_track(title="Song Remix", musicbrainz="Song")
    TrackFileFactory(track=track)

    response = logged_in_client.post(
        resolve_url(conflict), {"source": "musicbrainz", "value": "", "next": "/library/conflicts/"}
    )

    assert response.status_code == 302
    track.refresh_from_db()
    assert track.title == "Song"
    assert status(conflict) == "resolved"
    assert track.retag_request is not None
    page = logged_in_client.get("/library/conflicts/").content.decode()
    assert "Settled." in page and f"conflict-{conflict.pk}" not in page


def test_a_typed_value_becomes_a_manual_edit(logged_in_client: Client) -> None:
    track, conflict = conflicted_track()

    logged_in_client.post(resolve_url(conflict), {"value": "  Song (Radio Edit) "})

    track.refresh_from_db()
    assert track.title == "Song (Radio Edit)"
    assert FieldValue.objects.get(object_id=track.pk, field="title", chosen=True).source == "manual"
    assert status(conflict) == "resolved"


def test_keeping_the_current_value_is_a_manual_edit_of_it(logged_in_client: Client) -> None:
    track, conflict = conflicted_track(title="Song Remix", musicbrainz="Song")
    # The engine adds the catalogue's value as "current" when no source offers it any more.
    offers = [
        {"source": "musicbrainz", "value": "Song"},
        {"source": "current", "value": "Song Remix"},
    ]
    FieldConflict.objects.filter(pk=conflict.pk).update(offers=offers)
    html = logged_in_client.get("/library/conflicts/").content.decode()
    assert 'name="keep" value="Song Remix"' in row_of(html, f"conflict-{conflict.pk}")

    logged_in_client.post(resolve_url(conflict), {"keep": "Song Remix", "value": "ignored"})

    track.refresh_from_db()
    assert track.title == "Song Remix"
    assert FieldValue.objects.get(object_id=track.pk, field="title", chosen=True).source == "manual"


def test_htmx_removes_the_settled_rows_of_the_whole_album(logged_in_client: Client) -> None:
    album = AlbumFactory()
    pairs = [conflicted_track(album, f"Song {n} Remix", f"Song {n}") for n in (1, 2, 3)]
    _, other_album = conflicted_track()
    first = pairs[0][1]

    response = logged_in_client.post(
        resolve_url(first), {"source": "musicbrainz", "apply_to_album": "1"}, **HTMX
    )

    html = response.content.decode()
    assert response.status_code == 200
    for track, conflict in pairs:
        track.refresh_from_db()
        assert track.title == track.title.removesuffix(" Remix") and status(conflict) == "resolved"
    assert f'<tr id="conflict-{first.pk}"' not in html  # the target row itself is emptied
    for _, conflict in pairs[1:]:
        assert f'<tr id="conflict-{conflict.pk}" hx-swap-oob="delete">' in html
    assert '<span id="open-conflicts" hx-swap-oob="true">1</span>' in html
    assert status(other_album) == "open"


def test_without_apply_to_album_only_the_one_track_is_settled(logged_in_client: Client) -> None:
    album = AlbumFactory()
    (_, first), (_, second) = conflicted_track(album), conflicted_track(album)

    logged_in_client.post(resolve_url(first), {"source": "musicbrainz"})

    assert (status(first), status(second)) == ("resolved", "open")


def test_a_settled_conflict_is_not_settled_twice(logged_in_client: Client) -> None:
    track, conflict = conflicted_track()
    logged_in_client.post(resolve_url(conflict), {"source": "musicbrainz"})

    again = logged_in_client.post(resolve_url(conflict), {"value": "Other"}, **HTMX)
    plain = logged_in_client.post(resolve_url(conflict), {"value": "Other"}, follow=True)

    assert again.status_code == 200 and b"conflict-" not in again.content.split(b"<span")[0]
    assert "already settled" in plain.content.decode()
    track.refresh_from_db()
    assert track.title == "Song"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"source": "spotify"}, "no value from"),
        ({"source": "current"}, "not a source"),
        ({"source": "manual"}, "not a source"),
        ({"source": "x" * 5000}, "longer than"),
        ({"value": ""}, "Pick a source or type a value"),
        ({"value": "x" * 501}, "At most 500 characters"),
        ({"value": "a\x00b"}, "NUL"),
        ({"value": "x" * 20_000}, "longer than"),
    ],
)
def test_a_bad_choice_is_refused_and_changes_nothing(
    logged_in_client: Client, data: dict, error: str
) -> None:
    track, conflict = conflicted_track(title="Song Remix")

    plain = logged_in_client.post(resolve_url(conflict), data, follow=True)
    live = logged_in_client.post(resolve_url(conflict), data, **HTMX)

    assert plain.status_code == 200 and error in plain.content.decode()
    assert live.status_code == 200 and error in live.content.decode()
    assert f'<tr id="conflict-{conflict.pk}">' in live.content.decode()  # still there
    track.refresh_from_db()
    assert track.title == "Song Remix" and status(conflict) == "open"


def test_a_number_conflict_takes_a_typed_number_only(logged_in_client: Client) -> None:
    track = TrackFactory(track_number=1)
    engine.record(track, Source.FILE_TAGS, {"track_number": 1})
    engine.record(track, Source.MUSICBRAINZ, {"track_number": 2})
    conflict = FieldConflict.objects.get()

    refused = logged_in_client.post(resolve_url(conflict), {"value": "two"}, follow=True)
    logged_in_client.post(resolve_url(conflict), {"value": "3"})

    assert "from 1 to 999" in refused.content.decode()
    track.refresh_from_db()
    assert track.track_number == 3 and status(conflict) == "resolved"


def test_a_conflict_whose_track_is_gone_is_refused_not_an_error(logged_in_client: Client) -> None:
    _track, conflict = conflicted_track()
    FieldConflict.objects.filter(pk=conflict.pk).update(object_id=999_999)

    response = logged_in_client.post(resolve_url(conflict), {"source": "musicbrainz"}, follow=True)

    assert response.status_code == 200
    assert "no longer in the library" in response.content.decode()


def test_unknown_conflicts_are_404(logged_in_client: Client) -> None:
    assert logged_in_client.post("/library/conflicts/999999/resolve/").status_code == 404
    assert logged_in_client.post(f"/library/conflicts/{'9' * 30}/resolve/").status_code == 404
    assert logged_in_client.get("/library/conflicts/1/resolve/").status_code in (404, 405)


def test_the_list_needs_the_same_queries_for_more_conflicts(logged_in_client: Client) -> None:
    conflicted_track()
    logged_in_client.get("/library/conflicts/")
    with CaptureQueriesContext(connection) as few:
        logged_in_client.get("/library/conflicts/?field=title")
    for _ in range(3):
        album = AlbumFactory()
        for n in range(4):
            conflicted_track(album, title=f"Song {n} Remix", musicbrainz=f"Song {n}")
    with CaptureQueriesContext(connection) as many:
        html = logged_in_client.get("/library/conflicts/?field=title").content.decode()

    assert html.count('<tr id="conflict-') == 13
    assert len(many) == len(few)


def test_the_album_filter_shows_the_album_in_the_same_queries(logged_in_client: Client) -> None:
    album = AlbumFactory(title="Filtered")
    conflicted_track(album)
    with CaptureQueriesContext(connection) as few:
        logged_in_client.get(f"/library/conflicts/?album={album.pk}")
    for n in range(10):
        conflicted_track(album, title=f"Other {n} Remix", musicbrainz=f"Other {n}")
    with CaptureQueriesContext(connection) as many:
        html = logged_in_client.get(f"/library/conflicts/?album={album.pk}").content.decode()

    assert "Filtered" in html and html.count('<tr id="conflict-') == 11
    assert len(many) == len(few)


def test_the_library_navigation_shows_the_open_count(logged_in_client: Client) -> None:
    conflicted_track()
    conflicted_track()

    html = logged_in_client.get("/library/").content.decode()

    assert 'href="/library/conflicts/"' in html
    assert 'Conflicts (<span id="open-conflicts">2</span>)' in html
