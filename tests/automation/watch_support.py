"""A MusicBrainz catalogue of one watched artist, for the watched-artist tests.

"Dynamo Go" has two albums (the first in three editions: 10, 10 and 12 tracks), a single
whose song is also on the first album, a live album and a compilation.
"""

from __future__ import annotations

from dataclasses import dataclass

from fakes.metadata_services import MetadataCatalog
from fakes.metadata_services.catalog import TrackSpec

ARTIST = "Dynamo Go"


@dataclass
class Discography:
    artist_id: str
    first: str
    first_editions: list[str]
    second: str
    second_release: str
    single: str
    live: str
    compilation: str
    hit_recording: str


def _tracks(prefix: str, count: int) -> list[TrackSpec]:
    return [TrackSpec(f"{prefix} {n}", 180_000 + n * 1000) for n in range(1, count + 1)]


def add_discography(catalog: MetadataCatalog) -> Discography:
    first = catalog.add_release(
        "First Light",
        ARTIST,
        [TrackSpec("Hit Song", 201_000), *_tracks("First", 9)],
        date="2010-03-01",
    )
    editions = [first.release_id]
    for country, count in (("GB", 10), ("JP", 12)):
        extra = catalog.add_release(
            "First Light",
            ARTIST,
            _tracks(f"First {country}", count),
            date="2011-01-01",
            country=country,
            release_group_id=first.release_group_id,
            medium_format="CD",
        )
        editions.append(extra.release_id)
    second = catalog.add_release("Second Sun", ARTIST, _tracks("Second", 8), date="2015-06-01")
    single = catalog.add_release(
        "Hit Song",
        ARTIST,
        [TrackSpec("Hit Song", 201_000, recording_id=first.recording_ids[0])],
        date="2009-12-01",
        primary_type="Single",
    )
    live = catalog.add_release(
        "Alive in Leeds", ARTIST, _tracks("Live", 6), date="2016-01-01", secondary_types=["Live"]
    )
    best = catalog.add_release(
        "Best Of", ARTIST, _tracks("Best", 5), date="2018-01-01", secondary_types=["Compilation"]
    )
    return Discography(
        artist_id=first.artist_ids[0],
        first=first.release_group_id,
        first_editions=editions,
        second=second.release_group_id,
        second_release=second.release_id,
        single=single.release_group_id,
        live=live.release_group_id,
        compilation=best.release_group_id,
        hit_recording=first.recording_ids[0],
    )
