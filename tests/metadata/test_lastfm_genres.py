"""metadata.genres: Last.fm tags kept to canonical genres, and the track -> album -> artist
fallback against the fake Last.fm."""

from __future__ import annotations

import pytest

from metadata import genres
from metadata.genres import canonical_genre, canonical_genres, lastfm_genres
from metadata.providers import lastfm
from metadata.providers.lastfm import TopTag
from tests.metadata.lastfm_support import fake_lastfm, world

__all__ = ["fake_lastfm", "world"]  # fixtures


def tags(*pairs: tuple[str, int]) -> list[TopTag]:
    return [TopTag(name, weight) for name, weight in pairs]


# -- the list and its spellings -------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "genre"),
    [
        ("hip hop", "Hip-Hop"),
        ("hip-hop", "Hip-Hop"),
        ("Hip-Hop", "Hip-Hop"),
        ("hiphop", "Hip-Hop"),
        ("HIP HOP", "Hip-Hop"),
        ("Hip  Hop ", "Hip-Hop"),
        ("drum and bass", "Drum and Bass"),
        ("drum n bass", "Drum and Bass"),
        ("drum & bass", "Drum and Bass"),
        ("Drum'n'Bass", "Drum and Bass"),
        ("drum ’n’ bass", "Drum and Bass"),
        ("dnb", "Drum and Bass"),
        ("d&b", "Drum and Bass"),
        ("rnb", "R&B"),
        ("r&b", "R&B"),
        ("R 'n' B", "R&B"),
        ("rhythm and blues", "R&B"),
        ("synthpop", "Synth-Pop"),
        ("synth pop", "Synth-Pop"),
        ("Synth-pop", "Synth-Pop"),
        ("post rock", "Post-Rock"),
        ("postrock", "Post-Rock"),
        ("trip hop", "Trip-Hop"),
        ("rock n roll", "Rock and Roll"),
        ("Rock & Roll", "Rock and Roll"),
        ("k-pop", "K-Pop"),
        ("kpop", "K-Pop"),
        ("lofi", "Lo-Fi"),
        ("lo fi", "Lo-Fi"),
        ("singer-songwriter", "Singer-Songwriter"),
        ("prog rock", "Progressive Rock"),
        ("electronic", "Electronic"),
        ("forro", "Forró"),
        ("Rai", "Raï"),
        ("musique concrete", "Musique Concrète"),
        ("doo wop", "Doo-Wop"),
        ("uk garage", "UK Garage"),
        ("nwobhm", "NWOBHM"),
        ("idm", "IDM"),
    ],
)
def test_spellings_of_a_genre_become_its_one_canonical_name(tag: str, genre: str) -> None:
    assert canonical_genre(tag) == genre


@pytest.mark.parametrize(
    "tag",
    [
        "seen live",
        "favorites",
        "favourite",
        "albums I own",
        "female vocalists",
        "male vocalists",
        "2008",
        "1984",
        "2010s",
        "80s",
        "90's",
        "Dynamo Go",
        "awesome",
        "beautiful",
        "british",
        "ロック",
        "",
        "   ",
        "&",
        "n",
    ],
)
def test_tags_that_name_no_genre_are_dropped(tag: str) -> None:
    assert canonical_genre(tag) is None


def test_the_shipped_list_is_several_hundred_unambiguous_genres() -> None:
    names = genres.canonical_names()  # parsing raises if two lines claim one spelling

    displays = set(names.values())
    assert len(displays) >= 400
    assert {"Hip-Hop", "Drum and Bass", "Synth-Pop", "R&B", "Rock", "Jazz"} <= displays
    # Every display name is found under its own spelling.
    assert all(canonical_genre(name) == name for name in displays)


def test_a_list_giving_one_spelling_two_genres_is_refused() -> None:
    with pytest.raises(ValueError, match="line 3: 'hip hop' is already 'Hip-Hop'"):
        genres.parse_genres(["Hip-Hop", "# comment", "Rap | hip hop"])


def test_a_list_line_reads_display_name_aliases_and_comments() -> None:
    names = genres.parse_genres(["", "Drum and Bass | dnb, jungle-ish  # why", "  # only"])

    assert names == {
        "drumandbass": "Drum and Bass",
        "dnb": "Drum and Bass",
        "jungleish": "Drum and Bass",
    }


# -- choosing genres from weighted tags ----------------------------------------------------


def test_noise_is_dropped_and_spellings_are_merged() -> None:
    chosen = canonical_genres(
        tags(
            ("seen live", 100),
            ("hip hop", 90),
            ("favorites", 80),
            ("Hip-Hop", 70),
            ("2008", 60),
            ("rnb", 50),
        )
    )

    assert chosen == ["Hip-Hop", "R&B"]


def test_at_most_limit_genres_in_last_fm_weight_order() -> None:
    many = tags(("jazz", 100), ("soul", 90), ("funk", 80), ("disco", 70), ("house", 60))

    assert canonical_genres(many) == ["Jazz", "Soul", "Funk"]
    assert canonical_genres(many, limit=1) == ["Jazz"]
    assert canonical_genres(many, limit=5) == ["Jazz", "Soul", "Funk", "Disco", "House"]
    assert canonical_genres(list(reversed(many)), limit=2) == ["Jazz", "Soul"]


def test_tags_below_the_minimum_weight_are_dropped() -> None:
    weighted = tags(("rock", 100), ("punk", 10), ("ska", 9), ("emo", 0))

    assert canonical_genres(weighted, limit=5) == ["Rock", "Punk"]
    assert canonical_genres(weighted, limit=5, min_weight=50) == ["Rock"]


def test_no_tags_no_genres() -> None:
    assert canonical_genres([]) == []
    assert canonical_genres(tags(("seen live", 100))) == []


# -- lastfm_genres against the fake Last.fm ------------------------------------------------


@pytest.fixture
def tagged(world):
    world.set_track_tags(
        "Dynamo Go",
        "Fountain City",
        [
            ("seen live", 100),
            ("hip hop", 95),
            ("favorites", 90),
            ("Hip-Hop", 85),
            ("2008", 80),
            ("trip hop", 60),
            ("jazz", 40),
            ("soul", 30),
        ],
    )
    world.set_track_tags("Dynamo Go", "Route 17", [("seen live", 100), ("2009", 50)])
    world.set_album_tags("Dynamo Go", "The Fool of Fountain City", [("indie pop", 100)])
    world.set_album_tags("Dynamo Go", "Untagged Album", [("albums i own", 100)])
    world.set_artist_tags("Dynamo Go", [("indie rock", 100), ("new zealand", 80)])
    world.set_artist_tags("Quiet One", [("seen live", 100)])
    world.set_track_tags("Quiet One", "Hush", [])
    return world


@pytest.mark.django_db
def test_track_tags_give_canonical_genres_up_to_the_limit(fake_lastfm, tagged) -> None:
    genres_found = lastfm_genres("Dynamo Go", "Fountain City", album="The Fool of Fountain City")

    assert genres_found == ["Hip-Hop", "Trip-Hop", "Jazz"]
    assert [c["method"] for c in fake_lastfm.calls()] == ["track.getTopTags"]
    assert lastfm_genres("Dynamo Go", "Fountain City", limit=1) == ["Hip-Hop"]


@pytest.mark.django_db
def test_a_track_without_genre_tags_falls_back_to_its_album(fake_lastfm, tagged) -> None:
    found = lastfm_genres("Dynamo Go", "Route 17", album="The Fool of Fountain City")

    assert found == ["Indie Pop"]
    assert [c["method"] for c in fake_lastfm.calls()] == ["track.getTopTags", "album.getTopTags"]


@pytest.mark.django_db
def test_then_to_the_artist_when_the_album_gives_none(fake_lastfm, tagged) -> None:
    found = lastfm_genres("Dynamo Go", "Route 17", album="Untagged Album")

    assert found == ["Indie Rock"]
    assert [c["method"] for c in fake_lastfm.calls()] == [
        "track.getTopTags",
        "album.getTopTags",
        "artist.getTopTags",
    ]


@pytest.mark.django_db
def test_unknown_track_and_album_fall_through_to_the_artist(fake_lastfm, tagged) -> None:
    found = lastfm_genres("Dynamo Go", "Not On Last.fm", album="Not On Last.fm Either")

    assert found == ["Indie Rock"]
    assert len(fake_lastfm.calls()) == 3


@pytest.mark.django_db
def test_without_an_album_the_artist_comes_right_after_the_track(fake_lastfm, tagged) -> None:
    assert lastfm_genres("Dynamo Go", "Route 17") == ["Indie Rock"]
    assert [c["method"] for c in fake_lastfm.calls()] == ["track.getTopTags", "artist.getTopTags"]


@pytest.mark.django_db
def test_nothing_anywhere_is_no_genres(fake_lastfm, tagged) -> None:
    assert lastfm_genres("Quiet One", "Hush", album="Nope") == []
    assert lastfm_genres("Nobody", "Nothing", album="Nowhere") == []


@pytest.mark.django_db
def test_a_rate_limit_is_reported_as_unavailable_not_as_no_genres(fake_lastfm, tagged) -> None:
    fake_lastfm.force_error(29)

    with pytest.raises(lastfm.LastFmUnavailable):
        lastfm_genres("Dynamo Go", "Fountain City", album="The Fool of Fountain City")

    assert len(fake_lastfm.calls()) == 1  # no fallback hides the outage


@pytest.mark.django_db
def test_a_rejected_key_is_reported(fake_lastfm, tagged, settings) -> None:
    settings.LASTFM_API_KEY = "wrong"

    with pytest.raises(lastfm.LastFmKeyRejected, match="LASTFM_API_KEY"):
        lastfm_genres("Dynamo Go", "Fountain City")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("setting", "value", "error"),
    [
        ("LASTFM_API_KEY", "", lastfm.LastFmNotConfigured),
        ("METADATA_PROVIDERS_ENABLED", False, lastfm.LastFmUnavailable),
    ],
)
def test_last_fm_off_sends_nothing(fake_lastfm, tagged, settings, setting, value, error) -> None:
    setattr(settings, setting, value)

    with pytest.raises(error):
        lastfm_genres("Dynamo Go", "Fountain City", album="The Fool of Fountain City")

    assert fake_lastfm.requests == []
