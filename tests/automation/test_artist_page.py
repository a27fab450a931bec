"""The artist page: cover, watch settings (create, change, stop), releases by type with
owned/total and a completeness bar, "search missing", in a constant number of queries."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from automation.models import WatchedArtist
from downloads.models import DownloadJob
from library.models import QualityProfile, Track
from tests.automation.calendar_support import album_with_tracks, release_group, watch
from tests.factories import AlbumCompletenessFactory, ArtistFactory, TrackFactory, TrackFileFactory

pytestmark = pytest.mark.django_db


def test_releases_are_grouped_by_type_with_owned_and_total(logged_in_client: Client) -> None:
    band = watch("Band")
    full = album_with_tracks(band.artist, "Full", owned=4, known=4)
    half = album_with_tracks(band.artist, "Half", owned=1, known=2)
    AlbumCompletenessFactory(album=half, expected_count=10, owned_count=1)
    release_group(band, "Full", date(2010, 1, 1), album=full)
    release_group(band, "Half", date(2012, 1, 1), album=half)
    release_group(band, "Not here", date(2014, 1, 1), primary_type="single", reason="old")
    album_with_tracks(band.artist, "Only in library", owned=2, known=2)

    html = logged_in_client.get(f"/artists/{band.artist_id}/").content.decode()

    assert html.index("<h2>Album") < html.index("<h2>Single")
    assert "4/4" in html and "width: 100%" in html
    assert "1/10" in html and "width: 10%" in html  # the release's count, not the known tracks
    assert "0/—" in html and "Not here" in html and "old" in html
    assert "Only in library" in html and "2/2" in html
    assert f'href="/library/albums/{full.pk}/"' in html


def test_an_unwatched_artist_shows_its_library_albums_and_the_watch_form(
    logged_in_client: Client,
) -> None:
    artist = ArtistFactory(name="Solo", musicbrainz_id=str(uuid.uuid4()))
    album_with_tracks(artist, "Debut", owned=1, known=3)

    html = logged_in_client.get(f"/artists/{artist.pk}/").content.decode()

    assert "Debut" in html and "1/3" in html
    assert 'name="release_types" value="album"' in html
    assert 'name="excluded_secondary_types" value="live"' in html
    assert 'name="want"' in html and 'name="quality_profile"' in html
    assert ">Watch</button>" in html
    assert f'action="/artists/{artist.pk}/discography/"' in html


def test_watching_changing_and_stopping_from_the_form(logged_in_client: Client) -> None:
    artist = ArtistFactory(name="Solo", musicbrainz_id=str(uuid.uuid4()))
    profile = QualityProfile.objects.create(name="Lossless")
    url = f"/artists/{artist.pk}/watch/"

    logged_in_client.post(
        url, {"release_types": ["album", "single"], "want": "all", "quality_profile": profile.pk}
    )
    watched = WatchedArtist.objects.get(artist=artist)
    assert (watched.release_types, watched.want) == (["album", "single"], "all")
    assert watched.musicbrainz_id == artist.musicbrainz_id
    assert watched.quality_profile == profile

    logged_in_client.post(
        url, {"release_types": ["ep"], "excluded_secondary_types": ["live"], "want": "none"}
    )
    watched.refresh_from_db()
    assert (watched.release_types, watched.excluded_secondary_types) == (["ep"], ["live"])
    assert watched.want == "none" and watched.quality_profile is None
    assert "Stop watching" in logged_in_client.get(f"/artists/{artist.pk}/").content.decode()

    logged_in_client.post(url, {"remove": "1"})
    assert not WatchedArtist.objects.filter(artist=artist).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"release_types": ["vinyl"], "want": "all"},
        {"release_types": [], "want": "all"},
        {"release_types": ["album"], "want": "everything"},
        {"release_types": ["album"], "want": "all", "quality_profile": "9" * 30},
    ],
)
def test_bad_watch_settings_are_refused_and_nothing_changes(
    logged_in_client: Client, data: dict
) -> None:
    band = watch("Band", want="future")

    response = logged_in_client.post(f"/artists/{band.artist_id}/watch/", data, follow=True)

    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    band.refresh_from_db()
    assert (band.release_types, band.want) == (["album", "ep"], "future")


def test_an_artist_without_a_musicbrainz_id_cannot_be_watched(logged_in_client: Client) -> None:
    artist = ArtistFactory(name="Nameless", musicbrainz_id="")

    response = logged_in_client.post(
        f"/artists/{artist.pk}/watch/", {"release_types": ["album"], "want": "all"}, follow=True
    )

    assert "pick the artist from a MusicBrainz search" in response.content.decode()
    assert not WatchedArtist.objects.exists()


def test_search_missing_queues_the_artists_missing_monitored_tracks(
    logged_in_client: Client,
) -> None:
    artist = ArtistFactory(name="Band")
    missing = [TrackFactory(artist=artist, monitored=True, status="wanted") for _ in range(3)]
    TrackFactory(artist=artist, monitored=False, status="wanted")  # not wanted kept
    owned = TrackFactory(artist=artist, monitored=True, status="owned")
    TrackFileFactory(track=owned)
    TrackFactory(monitored=True, status="wanted")  # another artist's

    html = logged_in_client.get(f"/artists/{artist.pk}/").content.decode()
    assert "Search missing (3)" in html
    response = logged_in_client.post(f"/artists/{artist.pk}/search-missing/", follow=True)

    assert "3 searches queued" in response.content.decode()
    assert set(DownloadJob.objects.values_list("track_id", flat=True)) == {t.pk for t in missing}


def test_the_cover_comes_from_an_album_folder_in_the_library(logged_in_client: Client) -> None:
    artist = ArtistFactory()
    album = album_with_tracks(artist, "With cover", owned=1, known=1)
    folder = Path(settings.MUSIC_DIR).resolve() / "A" / "With cover"
    folder.mkdir(parents=True)
    (folder / "cover.jpg").write_bytes(b"\xff\xd8jpeg")
    TrackFileFactory(track=Track.objects.get(album=album), path=str(folder / "01.flac"))
    bare = ArtistFactory()

    html = logged_in_client.get(f"/artists/{artist.pk}/").content.decode()

    assert f'src="/library/albums/{album.pk}/cover.jpg"' in html
    assert 'aria-label="No cover"' in logged_in_client.get(f"/artists/{bare.pk}/").content.decode()


def test_an_unknown_artist_is_a_404(logged_in_client: Client) -> None:
    assert logged_in_client.get("/artists/999999/").status_code == 404
    assert logged_in_client.post("/artists/999999/watch/", {"remove": "1"}).status_code == 404


def test_the_page_needs_the_same_queries_for_more_releases(logged_in_client: Client) -> None:
    band = watch("Band")
    release_group(
        band, "First", date(2000, 1, 1), album=album_with_tracks(band.artist, "F", owned=1, known=1)
    )
    logged_in_client.get(f"/artists/{band.artist_id}/")
    with CaptureQueriesContext(connection) as few:
        logged_in_client.get(f"/artists/{band.artist_id}/")
    for n in range(12):
        album = album_with_tracks(band.artist, f"Rec {n}", owned=1, known=3)
        AlbumCompletenessFactory(album=album)
        release_group(band, f"Rec {n}", date(2001 + n, 1, 1), album=album, primary_type="ep")
        release_group(band, f"Single {n}", date(2001 + n, 2, 1), primary_type="single")
        album_with_tracks(band.artist, f"Lib {n}", owned=1, known=1)
    with CaptureQueriesContext(connection) as many:
        html = logged_in_client.get(f"/artists/{band.artist_id}/").content.decode()

    assert "Rec 11" in html and "Single 11" in html and "Lib 11" in html
    assert len(many) == len(few)
