"""Refreshing an album from MusicBrainz (beets' `mbsync`): preview, apply, conflicts, manual
edits, re-tag requests, and what happens when MusicBrainz does not know or does not answer."""

from __future__ import annotations

import pytest

from fakes.metadata_services import FakeMusicBrainz, MetadataCatalog
from library.models import Album, FieldConflict, FieldValue, RetagRequest, Source, Track
from library.provenance import edits
from metadata.providers import musicbrainz as mb
from metadata.refresh import Scope, refresh
from tests.factories import AlbumFactory, ArtistFactory, TrackFactory, TrackFileFactory
from tests.metadata_support import fake_fixture

pytestmark = pytest.mark.django_db

# MusicBrainz's titles; the catalogue holds them in lower case, except the ones below.
MB_TITLES = [
    "Harbor Lights",
    "Cold Water",
    "The Long Way Home",
    "Signal Fires",
    "Paper Boats",
    "Undertow",
    "Lantern Song",
    "Salt and Iron",
    "Night Ferry",
    "Low Tide",
    "Breakwater",
    "Last Light",
]
# Different words: MusicBrainz says "Undertow", the catalogue "Undertow (Demo)".
WORDS_CHANGED = 5
# The user typed this title for track 12; MusicBrainz's "Last Light" must not replace it.
MANUAL = 11
WITH_FILES = (0, 1, 5, 6)

fake = fake_fixture(FakeMusicBrainz, MUSICBRAINZ_MAX_ATTEMPTS=1)


@pytest.fixture
def catalog() -> MetadataCatalog:
    catalog = MetadataCatalog()
    catalog.add_artist("The Harbor Lights", "Harbor Lights, The")
    return catalog


@pytest.fixture
def release(catalog: MetadataCatalog):
    return catalog.add_release(
        "Night Ferry",
        "The Harbor Lights",
        tracks=[(title, 200_000) for title in MB_TITLES],
        date="2021-05-07",
        country="GB",
        label="Tidal Records",
        catalog_number="TIDE 012",
    )


@pytest.fixture
def album(release) -> Album:
    """The album as SoulSpot holds it: titles in lower case, one in other words, one edited."""
    artist = ArtistFactory(name="The Harbor Lights")
    album = AlbumFactory(
        title="Night Ferry", artist=artist, musicbrainz_release_id=release.release_id, year=2021
    )
    for index, title in enumerate(MB_TITLES):
        local = "Undertow (Demo)" if index == WORDS_CHANGED else title.lower()
        track = TrackFactory(
            title=local, artist=artist, album=album, track_number=index + 1, disc_number=1
        )
        if index in WITH_FILES:
            TrackFileFactory(track=track)
    edits.set_manual(_track(album, MANUAL), {"title": "Last Light (My Edit)"})
    RetagRequest.objects.all().delete()  # the manual edit's own request is not under test
    return album


def _track(album: Album, index: int) -> Track:
    return album.tracks.get(track_number=index + 1)


def _titles(album: Album) -> list[str]:
    return list(album.tracks.order_by("track_number").values_list("title", flat=True))


def _snapshot() -> tuple:
    return (
        sorted(FieldValue.objects.values_list("kind", "object_id", "field", "source", "value")),
        sorted(FieldConflict.objects.values_list("kind", "object_id", "field", "status")),
        sorted(Track.objects.values_list("pk", "title", "isrc", "musicbrainz_recording_id")),
        sorted(Album.objects.values_list("pk", "title", "label", "catalog_number", "country")),
        RetagRequest.objects.count(),
    )


def test_a_preview_lists_the_changes_and_keeps_none(fake, album: Album) -> None:
    before = _snapshot()

    report = refresh(Scope(album_ids=(album.pk,)), preview=True)

    titles = {(c.object_id, c.new) for c in report.changes if c.field == "title"}
    case_changes = {
        (_track(album, i).pk, t)
        for i, t in enumerate(MB_TITLES)
        if i not in (WORDS_CHANGED, MANUAL)
    }
    assert titles == case_changes
    album_changes = {c.field: c.new for c in report.changes if c.kind == "album"}
    assert album_changes["label"] == "Tidal Records"
    assert album_changes["catalog_number"] == "TIDE 012"
    assert album_changes["date"] == "2021-05-07"
    assert [(c.object_id, c.field) for c in report.conflicts] == [
        (_track(album, WORDS_CHANGED).pk, "title")
    ]
    assert report.preview and len(report.refreshed) == 13  # the album and its 12 tracks
    assert _snapshot() == before
    assert _titles(album)[0] == "harbor lights"


def test_applying_changes_the_case_opens_a_conflict_for_words_and_keeps_the_manual_edit(
    fake, album: Album
) -> None:
    report = refresh(Scope(album_ids=(album.pk,)), preview=False)

    titles = _titles(album)
    assert titles[0] == "Harbor Lights" and titles[2] == "The Long Way Home"
    assert titles[WORDS_CHANGED] == "Undertow (Demo)"  # kept until the user settles it
    assert titles[MANUAL] == "Last Light (My Edit)"
    conflict = FieldConflict.objects.open().get()
    assert (conflict.object_id, conflict.field) == (_track(album, WORDS_CHANGED).pk, "title")
    assert conflict.offers[0] == {"source": "musicbrainz", "value": "Undertow"}
    manual = _track(album, MANUAL)
    assert FieldValue.objects.get(object_id=manual.pk, field="title", chosen=True).source == (
        Source.MANUAL
    )
    assert FieldValue.objects.get(
        kind="track", object_id=manual.pk, field="title", source=Source.MUSICBRAINZ
    ).value == ("Last Light")
    album.refresh_from_db()
    assert (album.label, album.catalog_number, album.country) == ("Tidal Records", "TIDE 012", "GB")
    assert (album.release_date, album.track_count, album.disc_count) == ("2021-05-07", 12, 1)
    assert len(report.conflicts) == 1 and not report.errors and not report.not_found


def test_changed_tracks_with_files_are_queued_for_re_tagging(fake, album: Album) -> None:
    refresh(Scope(album_ids=(album.pk,)), preview=False)

    # The album's label changed, so every track with a file is re-tagged.
    with_files = {_track(album, i).pk for i in WITH_FILES}
    assert set(RetagRequest.objects.values_list("track_id", flat=True)) == with_files


def test_the_album_artist_gets_its_sort_name_and_id(fake, album: Album, release) -> None:
    refresh(Scope(album_ids=(album.pk,)), preview=False)

    album.artist.refresh_from_db()
    assert album.artist.sort_name == "Harbor Lights, The"
    assert album.artist.musicbrainz_id == release.artist_ids[0]


def test_tracks_get_recording_ids_positions_and_credits(fake, album: Album, release) -> None:
    refresh(Scope(album_ids=(album.pk,)), preview=False)

    track = _track(album, 3)
    assert track.musicbrainz_recording_id == release.recording_ids[3]
    assert (track.track_number, track.disc_number) == (4, 1)
    assert track.artists == ["The Harbor Lights"]


def test_a_second_refresh_changes_nothing(fake, album: Album) -> None:
    refresh(Scope(album_ids=(album.pk,)), preview=False)
    RetagRequest.objects.all().delete()

    again = refresh(Scope(album_ids=(album.pk,)), preview=False)

    assert again.changes == [] and again.conflicts == []
    assert not RetagRequest.objects.exists()
    assert FieldConflict.objects.open().count() == 1


def test_an_unknown_release_id_is_reported_not_found(fake, album: Album) -> None:
    Album.objects.filter(pk=album.pk).update(
        musicbrainz_release_id="00000000-0000-4000-8000-000000000000"
    )
    before = _snapshot()

    report = refresh(Scope(album_ids=(album.pk,)), preview=False)

    assert [(i.kind, i.object_id) for i in report.not_found] == [("album", album.pk)]
    assert "00000000-0000-4000-8000-000000000000" in report.not_found[0].reason
    assert report.changes == [] and report.refreshed == []
    assert _snapshot() == before


def test_musicbrainz_down_is_reported_and_nothing_is_lost(fake, album: Album) -> None:
    fake.set_mode("503")
    before = _snapshot()

    report = refresh(Scope(album_ids=(album.pk,)), preview=False)

    assert [(i.kind, i.object_id) for i in report.errors] == [("album", album.pk)]
    assert report.unavailable is not None and report.refreshed == []
    assert _snapshot() == before


def test_the_refresh_goes_on_after_one_album_fails(fake, album: Album) -> None:
    broken = AlbumFactory(musicbrainz_release_id="00000000-0000-4000-8000-000000000000")
    plain = AlbumFactory()  # no release id: nothing to ask

    report = refresh(Scope(album_ids=(broken.pk, album.pk, plain.pk)), preview=False)

    assert [i.object_id for i in report.not_found] == [broken.pk]
    assert [(i.object_id, i.reason) for i in report.skipped] == [
        (plain.pk, "no MusicBrainz release id")
    ]
    assert _titles(album)[0] == "Harbor Lights"


def test_a_refresh_asks_musicbrainz_once_per_album(fake, album: Album) -> None:
    refresh(Scope(album_ids=(album.pk,)), preview=False)

    paths = [r.path for r in fake.requests]
    assert paths == [f"/ws/2/release/{album.musicbrainz_release_id}"]
    assert "labels" in fake.requests[0].arg("inc")


def test_an_edit_made_while_musicbrainz_answers_is_not_saved_over(
    fake, album: Album, monkeypatch
) -> None:
    real_get_release = mb.get_release

    def get_release_while_the_user_edits(release_id: str) -> mb.ReleaseInfo:
        answer = real_get_release(release_id)
        Album.objects.filter(pk=album.pk).update(genres=["Shoegaze"])
        Track.objects.filter(pk=_track(album, 0).pk).update(genres=["Dream Pop"])
        return answer

    monkeypatch.setattr(mb, "get_release", get_release_while_the_user_edits)

    refresh(Scope(album_ids=(album.pk,)), preview=False)

    album.refresh_from_db()
    assert (album.genres, album.label) == (["Shoegaze"], "Tidal Records")
    assert _track(album, 0).genres == ["Dream Pop"]
    assert _track(album, 0).title == "Harbor Lights"


def test_a_malformed_release_id_is_reported_as_refused(fake, album: Album) -> None:
    Album.objects.filter(pk=album.pk).update(musicbrainz_release_id="not-a-release-id")
    before = _snapshot()

    report = refresh(Scope(album_ids=(album.pk,)), preview=False)

    assert [(i.object_id, "rejected" in i.reason) for i in report.errors] == [(album.pk, True)]
    assert report.unavailable is None  # MusicBrainz answered: asking again will not help
    assert _snapshot() == before


# --- the refresh page: a preview, applied only on confirmation ---------------------------------


def test_the_page_previews_then_applies_on_confirmation(
    fake, album: Album, logged_in_client
) -> None:
    url = f"/imports/refresh/album/{album.pk}/"
    before = _titles(album)

    preview = logged_in_client.get(url)

    page = preview.content.decode()
    assert preview.status_code == 200
    assert "Cold Water" in page and "Apply 43 changes" in page
    assert "Undertow (Demo): title" in page  # a change of words is left to the user
    assert _titles(album) == before  # nothing kept

    applied = logged_in_client.post(url, follow=True)

    assert applied.status_code == 200
    titles = _titles(album)
    assert titles[0] == MB_TITLES[0] and titles[5] == "Undertow (Demo)"
    assert "Refreshed from MusicBrainz" in applied.content.decode()


def test_the_refresh_page_answers_404_for_unknown_kinds_and_ids(logged_in_client) -> None:
    assert logged_in_client.get("/imports/refresh/song/1/").status_code == 404
    assert logged_in_client.get("/imports/refresh/album/999999/").status_code == 404
