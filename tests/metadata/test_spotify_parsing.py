"""Spotify's JSON (shapes from the 2026 Web API, spec §1.3) read into SoulSpot's dataclasses."""

from __future__ import annotations

import pytest

from metadata.providers.spotify import parsing
from metadata.providers.spotify.errors import SpotifyUnavailable
from metadata.providers.spotify.shapes import SpotifyAlbumRef, SpotifyArtist

RICK = {"id": "0gxyHStUsqpMadRV0Di1Qt", "name": "Rick Astley", "type": "artist"}
TRACK = {
    "type": "track",
    "id": "4uLU6hMCjMI75M1A2tKUQC",
    "uri": "spotify:track:4uLU6hMCjMI75M1A2tKUQC",
    "name": "Never Gonna Give You Up",
    "duration_ms": 213573,
    "disc_number": 1,
    "track_number": 1,
    "is_local": False,
    "external_ids": {"isrc": "GBARL9300135"},
    "artists": [RICK],
    "album": {
        "id": "6XhjNHCyCDyyGJRM5mg40G",
        "name": "Whenever You Need Somebody",
        "album_type": "album",
        "total_tracks": 10,
        "release_date": "1987-11-12",
        "release_date_precision": "day",
        "artists": [RICK],
    },
}
LOCAL = {
    "type": "track",
    "id": None,
    "uri": "spotify:local:Artist:Album:Title:213",
    "name": "Title",
    "duration_ms": 213000,
    "disc_number": 0,
    "track_number": 0,
    "is_local": True,
    "artists": [{"id": None, "name": "Artist"}],
    "album": {"id": None, "name": "Album", "artists": []},
}
EPISODE = {"type": "episode", "id": "512ojhOuo1ktJprKbVcKyQ", "name": "A podcast"}


def test_a_2026_playlist_entry_carries_its_track_under_item() -> None:
    entry = parsing.entry({"added_at": "2024-05-01T12:00:00Z", "is_local": False, "item": TRACK}, 7)

    assert entry.kind == "track" and entry.position == 7
    assert entry.track is not None
    assert entry.track.id == "4uLU6hMCjMI75M1A2tKUQC"
    assert entry.track.isrc == "GBARL9300135"
    assert entry.track.artists == (SpotifyArtist("0gxyHStUsqpMadRV0Di1Qt", "Rick Astley"),)
    assert entry.track.album == SpotifyAlbumRef(
        id="6XhjNHCyCDyyGJRM5mg40G",
        name="Whenever You Need Somebody",
        artists=(SpotifyArtist("0gxyHStUsqpMadRV0Di1Qt", "Rick Astley"),),
        release_date="1987-11-12",
        album_type="album",
        total_tracks=10,
    )


def test_an_older_answer_s_track_key_is_read_too() -> None:
    entry = parsing.entry({"is_local": False, "track": TRACK}, 0)

    assert entry.kind == "track" and entry.track and entry.track.name == TRACK["name"]


@pytest.mark.parametrize(
    ("raw", "kind", "has_track"),
    [
        ({"is_local": True, "item": LOCAL}, "local", True),
        ({"is_local": False, "item": None}, "unavailable", False),
        ({"is_local": False, "item": None, "track": None}, "unavailable", False),
        ({"is_local": False, "item": EPISODE}, "episode", False),
        ({"is_local": False, "item": {**TRACK, "id": None}}, "unavailable", False),
    ],
)
def test_entries_that_are_not_spotify_tracks_are_told_apart(
    raw: dict, kind: str, has_track: bool
) -> None:
    entry = parsing.entry(raw, 3)

    assert entry.kind == kind
    assert (entry.track is not None) == has_track


def test_a_local_file_has_no_ids_and_no_isrc() -> None:
    track = parsing.entry({"is_local": True, "item": LOCAL}, 0).track

    assert track is not None
    assert (track.id, track.isrc, track.name) == ("", "", "Title")
    assert track.album is not None and track.album.id == "" and track.album.total_tracks is None


def test_a_simplified_playlist_counts_entries_under_items_or_the_old_tracks() -> None:
    new = {
        "id": "p1",
        "name": "Mix",
        "owner": {"id": "me", "display_name": None},
        "collaborative": False,
        "snapshot_id": "s1",
        "items": {"href": "https://api.spotify.com/v1/playlists/p1/items", "total": 120},
    }
    old = {**new, "items": None, "tracks": {"total": 9}, "collaborative": True}

    assert parsing.playlist(new).tracks_total == 120
    assert parsing.playlist(new).owner_name == ""
    assert (parsing.playlist(old).tracks_total, parsing.playlist(old).collaborative) == (9, True)


def test_an_album_gives_its_simplified_tracks_the_album_ref() -> None:
    album = {
        "id": "al1",
        "name": "Album",
        "album_type": "album",
        "release_date": "1999",
        "total_tracks": 2,
        "artists": [RICK],
        "external_ids": {"upc": "00602547202307"},
        "tracks": {"items": []},
    }
    simplified = [{**TRACK, "album": None, "external_ids": None, "id": f"t{n}"} for n in (1, 2)]

    parsed = parsing.album(album, simplified)

    assert parsed.upc == "00602547202307" and parsed.total_tracks == 2
    assert [t.id for t in parsed.tracks] == ["t1", "t2"]
    assert all(t.album and t.album.id == "al1" and t.isrc == "" for t in parsed.tracks)


def test_a_garbled_answer_is_an_outage_not_a_crash() -> None:
    with pytest.raises(SpotifyUnavailable):
        parsing.parse(lambda: parsing.page_items({"items": "nope"}))
    with pytest.raises(SpotifyUnavailable):
        parsing.parse(lambda: parsing.playlist({"name": "no id"}))
    with pytest.raises(SpotifyUnavailable):
        parsing.parse(lambda: parsing.entry({"item": ["not", "an", "object"]}, 0))
