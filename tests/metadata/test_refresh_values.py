"""MusicBrainz answers (through the fake, on the wire) as the engine's field values."""

from __future__ import annotations

import pytest

from fakes.metadata_services import FakeMusicBrainz, MetadataCatalog, TrackSpec
from metadata import musicbrainz_values as values
from metadata.providers import musicbrainz as mb
from tests.metadata_support import fake_fixture

fake = fake_fixture(FakeMusicBrainz)


def test_a_single_disc_release_gives_its_track_total_label_and_catalogue_number(
    fake, catalog: MetadataCatalog
) -> None:
    added = catalog.add_release(
        "Night Ferry",
        "Harbor Lights",
        tracks=["One", "Two", "Three"],
        date="2021-05-07",
        country="GB",
        label="Tidal Records",
        catalog_number="TIDE 012",
    )

    album = values.album_values(mb.get_release(added.release_id))

    assert album == {
        "title": "Night Ferry",
        "artist": "Harbor Lights",
        "date": "2021-05-07",
        "track_total": 3,
        "disc_total": 1,
        "musicbrainz_release_id": added.release_id,
        "musicbrainz_release_group_id": added.release_group_id,
        "country": "GB",
        "label": "Tidal Records",
        "catalog_number": "TIDE 012",
    }


def test_a_multi_disc_release_gives_the_disc_total_and_no_track_total(
    fake, catalog: MetadataCatalog
) -> None:
    added = catalog.add_release("Double", "Harbor Lights", discs=[["A", "B"], ["C"]])

    release = mb.get_release(added.release_id)
    album = values.album_values(release)

    assert (album["track_total"], album["disc_total"]) == (None, 2)
    assert album["label"] is None and album["catalog_number"] is None
    medium = release.media[1]
    track = values.track_values(medium, medium.tracks[0])
    assert (track["title"], track["track_number"], track["disc_number"]) == ("C", 1, 2)


def test_a_track_gives_its_credit_artists_and_only_isrc(fake, catalog: MetadataCatalog) -> None:
    added = catalog.add_release(
        "Split",
        "Harbor Lights",
        tracks=[
            TrackSpec("Duet", isrcs=("GBAAA2100001",), artist=["Harbor Lights", "Neon Bay"]),
            TrackSpec("Twice Coded", isrcs=("GBAAA2100002", "GBAAA2100003")),
        ],
    )

    release = mb.get_release(added.release_id)
    medium = release.media[0]
    duet = values.track_values(medium, medium.tracks[0])
    twice = values.track_values(medium, medium.tracks[1])

    assert duet["artist"] == "Harbor Lights & Neon Bay"
    assert duet["artists"] == ["Harbor Lights", "Neon Bay"]
    assert duet["isrc"] == "GBAAA2100001"
    assert duet["musicbrainz_recording_id"] == added.recording_ids[0]
    assert twice["isrc"] is None  # two ISRCs: no one ISRC to tag


def test_the_album_artist_values_need_exactly_one_artist(fake, catalog: MetadataCatalog) -> None:
    catalog.add_artist("The Harbor Lights", "Harbor Lights, The")
    solo = catalog.add_release("Solo", "The Harbor Lights", tracks=["A"])
    pair = catalog.add_release("Pair", ["The Harbor Lights", "Neon Bay"], tracks=["B"])

    assert values.album_artist_values(mb.get_release(solo.release_id)) == {
        "name": "The Harbor Lights",
        "sort_name": "Harbor Lights, The",
        "musicbrainz_id": solo.artist_ids[0],
    }
    assert values.album_artist_values(mb.get_release(pair.release_id)) is None


def test_a_recording_lookup_gives_the_track_values_without_a_place(
    fake, catalog: MetadataCatalog
) -> None:
    added = catalog.add_release(
        "Single", "Harbor Lights", tracks=[("Beacon", 1000, "GBAAA2100009")]
    )

    recording = mb.get_recording(added.recording_ids[0])

    assert values.recording_values(recording) == {
        "title": "Beacon",
        "artist": "Harbor Lights",
        "artists": ["Harbor Lights"],
        "isrc": "GBAAA2100009",
        "musicbrainz_recording_id": added.recording_ids[0],
    }


def test_an_unknown_recording_is_not_found(fake) -> None:
    with pytest.raises(mb.MusicBrainzNotFound):
        mb.get_recording("00000000-0000-4000-8000-000000000000")
