"""The demo catalogue the fakes serve when given none (`python -m fakes.metadata_services`),
and the builders tests share to add the same data to their own catalogue."""

from __future__ import annotations

from typing import Any

from fakes.metadata_services.catalog import MetadataCatalog, TrackSpec


def default_catalog() -> MetadataCatalog:
    """A small demo catalogue: two artists, an album with two editions, an EP, a compilation,
    a two-disc album, an album with three official editions and a bootleg (see
    `add_editions`), and lyrics (synced, plain-only and instrumental)."""
    catalog = MetadataCatalog()
    catalog.load(DEFAULT_DATA)
    add_editions(catalog)
    album = next(r for r in catalog.releases.values() if r.title == "The Fool of Fountain City")
    fountain_city = album.media[0].tracks[1].recording_id
    # The same recording on a compilation, so release choice has something to choose between.
    catalog.add_release(
        "Kiwi Indie Hits 2010",
        "Various Artists",
        [TrackSpec("Fountain City", 172760, recording_id=fountain_city), ("Other Song", 180000)],
        date="2010-06-01",
        secondary_types=["Compilation"],
        cover=False,
    )
    return catalog


DEFAULT_DATA: dict[str, Any] = {
    "releases": [
        {
            "title": "The Fool of Fountain City",
            "artist": "Dynamo Go",
            "date": "2009-04-03",
            "country": "NZ",
            "tracks": [
                {"title": "Crying On My Street", "length_ms": 144306, "isrcs": ["NZDG10900001"]},
                {"title": "Fountain City", "length_ms": 172760, "isrcs": ["NZDG10900002"]},
                {"title": "Route 17", "length_ms": 205106, "isrcs": ["NZDG10900003"]},
                {"title": "Headrush", "length_ms": 45973},
            ],
        },
        {
            "title": "Folly, Vice & Madness",
            "artist": "Dynamo Go",
            "date": "2006-11-03",
            "country": "NZ",
            "primary_type": "EP",
            "medium_format": "CD",
            "tracks": [
                {"title": "Just a Victim", "length_ms": 226000},
                {"title": "Thief of Hearts", "length_ms": 198586, "isrcs": ["NZDG10600001"]},
            ],
        },
        {
            "title": "Ruined Subjects",
            "artist": "JT Bruce",
            "date": "2011-08-09",
            "discs": [
                [
                    {"title": "Pollux", "length_ms": 246000, "isrcs": ["USJT11100001"]},
                    {"title": "Vega", "length_ms": 96000},
                ],
                [
                    {"title": "Deneb", "length_ms": 132000},
                    {"title": "Sirius", "length_ms": 536000, "isrcs": ["USJT11100004"]},
                ],
            ],
        },
    ],
    "lyrics": [
        {
            "artist": "Dynamo Go",
            "title": "Fountain City",
            "album": "The Fool of Fountain City",
            "duration_s": 172.76,
            "plain": "Down in fountain city\nThe lights are out\n",
            "synced": (
                "[00:12.10] Down in fountain city\n[00:15.80] The lights are out\n[02:50.00] "
            ),
        },
        {
            "artist": "Dynamo Go",
            "title": "Route 17",
            "album": "The Fool of Fountain City",
            "duration_s": 205.0,
            "plain": "Driving down route seventeen\n",
        },
        {
            "artist": "JT Bruce",
            "title": "Pollux",
            "album": "Ruined Subjects",
            "duration_s": 246.0,
            "instrumental": True,
        },
    ],
}


EDITIONS_TITLE = "Harbour Lights"
EDITIONS_ARTIST = "Neon Harbor"
_EDITION_TITLES = [f"Harbour Song {n}" for n in range(1, 13)]


def add_editions(catalog: MetadataCatalog) -> dict[str, str]:
    """One release group with several editions, for choosing the one to download: a digital
    12-track release ("XW", 2015), a 12-track CD from "GB" (2015, later), a 14-track deluxe
    CD and a 12-track bootleg. Returns their ids by name ("group", "digital", "cd", "deluxe",
    "bootleg")."""
    specs = [(title, 180_000 + 1000 * n) for n, title in enumerate(_EDITION_TITLES)]
    digital = catalog.add_release(
        EDITIONS_TITLE, EDITIONS_ARTIST, specs, date="2015-03-02", country="XW"
    )
    group = digital.release_group_id
    same = [
        TrackSpec(title, length, recording_id=recording)
        for (title, length), recording in zip(specs, digital.recording_ids, strict=True)
    ]
    cd = catalog.add_release(
        EDITIONS_TITLE,
        EDITIONS_ARTIST,
        same,
        date="2015-03-09",
        country="GB",
        medium_format="CD",
        release_group_id=group,
    )
    deluxe = catalog.add_release(
        EDITIONS_TITLE,
        EDITIONS_ARTIST,
        [*same, ("Harbour Song 13 (Demo)", 170_000), ("Harbour Song 14 (Live)", 240_000)],
        date="2016-11-04",
        country="GB",
        medium_format="CD",
        release_group_id=group,
        disambiguation="deluxe edition",
    )
    bootleg = catalog.add_release(
        EDITIONS_TITLE,
        EDITIONS_ARTIST,
        same,
        date="2014-12-01",
        country="DE",
        status="Bootleg",
        release_group_id=group,
        cover=False,
    )
    ids = (group, digital.release_id, cd.release_id, deluxe.release_id, bootleg.release_id)
    return dict(zip(("group", "digital", "cd", "deluxe", "bootleg"), ids, strict=True))
