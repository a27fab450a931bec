"""Choosing the edition of a release group to download (`choose_release_for_group`)."""

from __future__ import annotations

import pytest

from fakes.metadata_services import FakeMusicBrainz
from fakes.metadata_services.demo_catalog import add_editions
from metadata.providers import musicbrainz as mb
from metadata.providers.musicbrainz import ReleaseHit
from tests.metadata_support import catalog, fake_fixture

UNKNOWN_MBID = "00000000-0000-4000-8000-000000000000"
__all__ = ["catalog"]  # fixtures


fake = fake_fixture(FakeMusicBrainz, SOULSPOT_COUNTRY="")


def _release(name: str, tracks: int, **fields: object) -> ReleaseHit:
    values = {
        "id": name,
        "title": "Album",
        "disambiguation": "",
        "artist": "Artist",
        "artist_ids": (),
        "status": "Official",
        "date": "2010-01-01",
        "country": "US",
        "formats": ("CD",),
        "track_count": tracks,
        "release_group_id": "group",
        "primary_type": "Album",
        "secondary_types": (),
    }
    return ReleaseHit(**{**values, **fields})


# --- against the fake: the group of the demo catalogue ----------------------------------------


def test_the_most_common_official_track_count_wins_then_digital(fake, catalog) -> None:
    ids = add_editions(catalog)

    choice = mb.choose_release_for_group(ids["group"])

    assert choice.release_id == ids["digital"]  # 12 tracks like the GB CD, and digital
    assert "12 tracks, 2 of 3 official releases" in choice.reason
    assert "digital media" in choice.reason


def test_the_users_country_wins_among_the_most_common_count(fake, catalog) -> None:
    ids = add_editions(catalog)

    choice = mb.choose_release_for_group(ids["group"], country="gb")

    assert choice.release_id == ids["cd"]  # not the 14-track deluxe, though it is from GB too
    assert "released in your country (GB)" in choice.reason


def test_the_country_setting_is_the_default(fake, catalog, settings) -> None:
    ids = add_editions(catalog)
    settings.SOULSPOT_COUNTRY = "GB"

    assert mb.choose_release_for_group(ids["group"]).release_id == ids["cd"]
    assert mb.choose_release_for_group(ids["group"], country="").release_id == ids["digital"]


def test_bootlegs_do_not_count_even_when_they_are_the_most_common(fake, catalog) -> None:
    official = catalog.add_release("Live Once", "Band", [f"Song {n}" for n in range(12)])
    for country in ("DE", "FR", "IT"):
        catalog.add_release(
            "Live Once",
            "Band",
            [f"Song {n}" for n in range(10)],
            country=country,
            status="Bootleg",
            release_group_id=official.release_group_id,
        )

    choice = mb.choose_release_for_group(official.release_group_id)

    assert choice.release_id == official.release_id
    assert "1 of 1 official release)" in choice.reason


def test_a_group_with_no_official_release_takes_the_most_common_with_a_note(fake, catalog) -> None:
    first = catalog.add_release(
        "Demos", "Band", ["A", "B"], status="Promotion", date="2003", country="DE"
    )
    for date in ("2001", "2002"):
        catalog.add_release(
            "Demos",
            "Band",
            ["A", "B", "C"],
            status="Bootleg",
            date=date,
            release_group_id=first.release_group_id,
        )

    choice = mb.choose_release_for_group(first.release_group_id)

    assert choice.release.track_count == 3 and choice.release.date == "2001"
    assert "no release of this album is official" in choice.reason


def test_an_unknown_group_is_not_found(fake) -> None:
    with pytest.raises(mb.MusicBrainzNotFound):
        mb.choose_release_for_group(UNKNOWN_MBID)


# --- the rule alone ------------------------------------------------------------------------------


def test_between_equally_common_counts_the_country_decides() -> None:
    releases = [_release("us", 12, country="US"), _release("gb", 14, country="GB")]

    assert mb.choose_among_releases(releases, country="GB").release_id == "gb"
    assert mb.choose_among_releases(releases, country="US").release_id == "us"


def test_without_a_country_digital_beats_the_earlier_cd() -> None:
    releases = [
        _release("cd", 10, date="2001-05-01"),
        _release("web", 10, date="2011-05-01", formats=("Digital Media",), country="XW"),
    ]

    assert mb.choose_among_releases(releases).release_id == "web"


def test_then_the_earliest_date_and_a_missing_date_comes_last() -> None:
    releases = [
        _release("undated", 10, date=None),
        _release("later", 10, date="2005"),
        _release("first", 10, date="2004-12-31"),
    ]

    assert mb.choose_among_releases(releases).release_id == "first"


def test_a_mixed_cd_and_digital_release_is_not_digital() -> None:
    releases = [
        _release("mixed", 10, formats=("CD", "Digital Media"), date="2001"),
        _release("cd", 10, date="2000"),
    ]

    assert mb.choose_among_releases(releases).release_id == "cd"
