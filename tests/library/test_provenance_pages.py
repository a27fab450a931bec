"""The track page, the album page's provenance and the edit forms: which source gave each
value, what the others offered, manual edits through the form and clearing them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from library.models import FieldValue, RetagRequest, Source, Track
from library.provenance import engine
from tests.factories import AlbumFactory, ArtistFactory, TrackFactory, TrackFileFactory
from tests.library.provenance_pages_support import conflicted_track, form_values, row_of

pytestmark = pytest.mark.django_db


def several_sources() -> Track:
    """A track whose fields come from file tags, MusicBrainz and Last.fm."""
    track = TrackFactory(title="Song")
    engine.record(track, Source.FILE_TAGS, {"title": "song", "genres": ["rock"], "isrc": ""})
    engine.record(track, Source.MUSICBRAINZ, {"title": "Song", "isrc": "GBAYE0601498"})
    engine.record(track, Source.LASTFM, {"genres": ["Indie Rock", "Britpop"]})
    return track


def manual_sources(track: Track, field: str) -> list[str]:
    rows = FieldValue.objects.filter(kind="track", object_id=track.pk, field=field)
    return [o.source for o in rows.filter(chosen=True)]


def test_the_track_page_shows_each_value_its_source_and_the_other_offers(
    logged_in_client: Client,
) -> None:
    track = several_sources()
    TrackFileFactory(track=track, path="/music/a/song.flac", bitrate=900, quality="lossless")

    response = logged_in_client.get(f"/library/tracks/{track.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    genres = row_of(html, "field-genres")
    assert "Indie Rock; Britpop" in genres and "Last.fm" in genres
    assert "File tags:</span> rock" in genres
    isrc = row_of(html, "field-isrc")
    assert "GBAYE0601498" in isrc and "MusicBrainz" in isrc
    title = row_of(html, "field-title")
    assert "File tags:</span> song" in title and "SoulSpot catalogue:</span> Song" in title
    assert "/music/a/song.flac" in html and "lossless" in html and "900 kbps" in html
    assert f'href="/library/tracks/{track.pk}/edit/"' in html


def test_a_field_in_conflict_is_flagged_with_the_offers_to_pick(logged_in_client: Client) -> None:
    track, conflict = conflicted_track()

    html = logged_in_client.get(f"/library/tracks/{track.pk}/").content.decode()

    assert f'href="/library/tracks/{track.pk}/#conflict-{conflict.pk}"' in row_of(
        html, "field-title"
    )
    offers = row_of(html, f"conflict-{conflict.pk}")
    assert 'name="source" value="musicbrainz"' in offers
    assert 'name="source" value="file_tags"' in offers


def test_the_tracks_list_and_the_album_page_link_to_the_track_page(
    logged_in_client: Client,
) -> None:
    album = AlbumFactory()
    track = TrackFactory(album=album, artist=album.artist)
    link = f'href="/library/tracks/{track.pk}/"'

    assert link in logged_in_client.get("/library/").content.decode()
    assert link in logged_in_client.get(f"/library/albums/{album.pk}/").content.decode()


def test_the_album_page_shows_its_provenance_and_its_tracks_conflicts(
    logged_in_client: Client,
) -> None:
    album = AlbumFactory(label="")
    engine.record(album, Source.FILE_TAGS, {"label": "Warp Records"})
    engine.record(album, Source.MUSICBRAINZ, {"label": "Warp", "country": "GB"})
    _track, conflict = conflicted_track(album)

    html = logged_in_client.get(f"/library/albums/{album.pk}/").content.decode()

    label = row_of(html, "field-label")
    assert "Warp" in label and "MusicBrainz" in label and "File tags:</span> Warp Records" in label
    assert f'id="conflict-{conflict.pk}"' in html
    assert f'href="/library/albums/{album.pk}/edit/"' in html


def test_an_unknown_track_or_object_is_a_404(logged_in_client: Client) -> None:
    for url in [
        "/library/tracks/999999/",
        "/library/tracks/999999/edit/",
        "/library/albums/999999/edit/",
        "/library/artists/999999/edit/",
        f"/library/tracks/{'9' * 30}/",
    ]:
        assert logged_in_client.get(url).status_code == 404, url
    assert logged_in_client.post("/library/tracks/999999/clear-manual/").status_code == 404


def test_the_pages_need_a_login(client: Client) -> None:
    track = TrackFactory()
    for url in [f"/library/tracks/{track.pk}/", f"/library/tracks/{track.pk}/edit/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


# --- edit forms ----------------------------------------------------------------------------------


def test_the_edit_form_is_prefilled_and_says_how_many_files_it_retags(
    logged_in_client: Client,
) -> None:
    track = several_sources()
    TrackFileFactory(track=track)
    TrackFileFactory(track=track, is_missing=True)  # not re-tagged: it is not there

    html = logged_in_client.get(f"/library/tracks/{track.pk}/edit/").content.decode()

    values = form_values(html)
    assert values["title"] == "Song"
    assert values["genres"] == "Indie Rock; Britpop"
    assert values["artist"] == track.artist.name  # no own credit: the artist's name
    assert "Saving re-tags 1 file" in html


def test_saving_the_form_records_only_the_changed_fields_as_manual_and_retags(
    logged_in_client: Client,
) -> None:
    track = several_sources()
    TrackFileFactory(track=track)
    url = f"/library/tracks/{track.pk}/edit/"
    values = form_values(logged_in_client.get(url).content.decode())

    response = logged_in_client.post(url, {**values, "title": "My Title", "track_number": "7"})

    assert response.status_code == 302
    assert response["Location"] == f"/library/tracks/{track.pk}/"
    track.refresh_from_db()
    assert (track.title, track.track_number) == ("My Title", 7)
    assert manual_sources(track, "title") == ["manual"]
    assert manual_sources(track, "genres") == ["lastfm"]  # untouched: still its source
    assert RetagRequest.objects.filter(track=track).exists()
    html = logged_in_client.get(f"/library/tracks/{track.pk}/").content.decode()
    assert "re-tagging 1 files" in html
    assert "Manual" in row_of(html, "field-title")


def test_an_untouched_form_changes_nothing(logged_in_client: Client) -> None:
    track = several_sources()
    url = f"/library/tracks/{track.pk}/edit/"

    logged_in_client.post(url, form_values(logged_in_client.get(url).content.decode()))

    assert not FieldValue.objects.filter(source=Source.MANUAL).exists()


def test_a_list_field_is_typed_with_semicolons(logged_in_client: Client) -> None:
    track = several_sources()
    url = f"/library/tracks/{track.pk}/edit/"
    values = form_values(logged_in_client.get(url).content.decode())

    logged_in_client.post(url, {**values, "genres": " Shoegaze ;Dream Pop; ;Shoegaze"})

    track.refresh_from_db()
    assert track.genres == ["Shoegaze", "Dream Pop"]


def test_clearing_a_manual_edit_follows_the_sources_again(logged_in_client: Client) -> None:
    track = several_sources()
    url = f"/library/tracks/{track.pk}/edit/"
    values = form_values(logged_in_client.get(url).content.decode())
    logged_in_client.post(url, {**values, "title": "My Title"})
    page = logged_in_client.get(url).content.decode()
    assert 'name="field" value="title"' in page  # the button is offered on a manual field

    response = logged_in_client.post(
        f"/library/tracks/{track.pk}/clear-manual/",
        {"field": "title", "next": f"/library/tracks/{track.pk}/"},
    )

    assert response["Location"] == f"/library/tracks/{track.pk}/"
    track.refresh_from_db()
    assert track.title == "Song"
    assert manual_sources(track, "title") == ["musicbrainz"]


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("track_number", "1000", "from 1 to 999"),
        ("track_number", "0", "from 1 to 999"),
        ("disc_number", "9" * 30, "from 1 to 999"),
        ("track_number", "1.5", "from 1 to 999"),
        ("title", "x" * 501, "at most 500 characters"),
        ("title", "", "This field is required"),
        ("title", "a\x00b", "Null characters are not allowed"),
        ("isrc", "X" * 13, "at most 12 characters"),
        ("genres", ";".join(f"g{n}" for n in range(21)), "At most 20 entries"),
    ],
)
def test_invalid_values_are_shown_in_the_form_and_nothing_is_saved(
    logged_in_client: Client, field: str, value: str, error: str
) -> None:
    track = several_sources()
    track.track_number = 3
    track.save()
    url = f"/library/tracks/{track.pk}/edit/"
    values = form_values(logged_in_client.get(url).content.decode())

    response = logged_in_client.post(url, {**values, "title": "Changed", field: value})

    assert response.status_code == 400
    assert error in response.content.decode()
    track.refresh_from_db()
    assert track.title == "Song"
    assert not FieldValue.objects.filter(source=Source.MANUAL).exists()


def test_a_number_cannot_be_emptied_by_the_form(logged_in_client: Client) -> None:
    track = TrackFactory(track_number=4)
    url = f"/library/tracks/{track.pk}/edit/"
    values = form_values(logged_in_client.get(url).content.decode())

    response = logged_in_client.post(url, {**values, "track_number": ""})

    assert response.status_code == 400
    assert "clear the manual edit" in response.content.decode()


def test_clearing_an_unknown_field_is_refused(logged_in_client: Client) -> None:
    track = TrackFactory()
    for field in ["bogus", "", "spotify_id", "x" * 5000]:
        response = logged_in_client.post(
            f"/library/tracks/{track.pk}/clear-manual/", {"field": field}
        )
        assert response.status_code == 400


def test_the_album_form_edits_album_fields_and_retags_its_tracks(
    logged_in_client: Client,
) -> None:
    album = AlbumFactory(label="Warp")
    tracks = [TrackFactory(album=album, artist=album.artist) for _ in range(3)]
    for track in tracks[:2]:
        TrackFileFactory(track=track)
    url = f"/library/albums/{album.pk}/edit/"
    html = logged_in_client.get(url).content.decode()
    assert "Saving re-tags 2 files" in html
    values = form_values(html)

    response = logged_in_client.post(url, {**values, "label": "Bleep", "date": "1995-10-03"})

    assert response["Location"] == f"/library/albums/{album.pk}/"
    album.refresh_from_db()
    assert (album.label, album.release_date, album.year) == ("Bleep", "1995-10-03", 1995)
    assert set(RetagRequest.objects.values_list("track_id", flat=True)) == {
        t.pk for t in tracks[:2]
    }
    bad = logged_in_client.post(url, {**values, "date": "10/03/1995"})
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.content.decode()


def test_the_artist_form_edits_the_name_and_sort_name(logged_in_client: Client) -> None:
    artist = ArtistFactory(name="Beatles")
    assert f'href="/library/artists/{artist.pk}/edit/"' in (
        logged_in_client.get(f"/artists/{artist.pk}/").content.decode()
    )
    url = f"/library/artists/{artist.pk}/edit/"
    values = form_values(logged_in_client.get(url).content.decode())

    response = logged_in_client.post(
        url, {**values, "name": "The Beatles", "sort_name": "Beatles, The"}
    )

    assert response["Location"] == url
    artist.refresh_from_db()
    assert (artist.name, artist.sort_name) == ("The Beatles", "Beatles, The")
    assert "Manual" in row_of(logged_in_client.get(url).content.decode(), "field-name")


def test_the_track_page_needs_the_same_queries_for_more_files_and_sources(
    logged_in_client: Client,
) -> None:
    track = TrackFactory(title="Song")
    TrackFileFactory(track=track)
    engine.record(track, Source.FILE_TAGS, {"title": "Song"})
    url = f"/library/tracks/{track.pk}/"
    logged_in_client.get(url)
    with CaptureQueriesContext(connection) as few:
        logged_in_client.get(url)
    TrackFileFactory.create_batch(9, track=track)
    engine.record(track, Source.MUSICBRAINZ, {"title": "Other Words", "isrc": "GBAYE0601498"})
    engine.record(track, Source.LASTFM, {"genres": ["Dub", "Reggae"]})
    with CaptureQueriesContext(connection) as many:
        html = logged_in_client.get(url).content.decode()

    assert html.count("/music/file-") == 10 and "Other Words" in html
    assert len(many) == len(few)
