"""metadata.providers.lrclib against the in-repo LRCLIB fake."""

from __future__ import annotations

import time

import pytest

from fakes.metadata_services import FakeLrclib, MetadataCatalog
from metadata.providers import lrclib
from metadata.providers.base import ProviderUnavailable
from tests.metadata_support import fake_fixture

SYNCED = "[00:10.00] First line\n[00:14.50] Second line\n"


@pytest.fixture
def catalog() -> MetadataCatalog:
    catalog = MetadataCatalog()
    catalog.add_lyrics(
        "Neon Harbor",
        "Afterglow",
        album="Night Drive",
        duration_s=245.0,
        synced=SYNCED,
        plain="First line\nSecond line\n",
    )
    catalog.add_lyrics("Neon Harbor", "Intro", album="Night Drive", duration_s=61, plain="Hi\n")
    catalog.add_lyrics(
        "Neon Harbor", "Outro", album="Night Drive", duration_s=90, instrumental=True
    )
    catalog.add_lyrics("Neon Harbor", "Empty", album="Night Drive", duration_s=100)
    return catalog


fake = fake_fixture(FakeLrclib)


def test_exact_match_returns_synced_and_plain_lyrics(fake) -> None:
    lyrics = lrclib.get_lyrics("Neon Harbor", "Afterglow", album="Night Drive", duration_ms=245_400)

    assert lyrics == lrclib.Lyrics(
        synced=SYNCED, plain="First line\nSecond line\n", instrumental=False, lrclib_id=1001
    )
    request = fake.last_request
    assert request.path == "/api/get"
    assert request.query == {
        "artist_name": ["Neon Harbor"],
        "track_name": ["Afterglow"],
        "album_name": ["Night Drive"],
        "duration": ["245"],
    }


def test_plain_only_and_instrumental_records(fake) -> None:
    intro = lrclib.get_lyrics("Neon Harbor", "Intro", duration_ms=61_000)
    outro = lrclib.get_lyrics("Neon Harbor", "Outro", duration_ms=90_000)

    assert (intro.synced, intro.plain, intro.instrumental) == (None, "Hi\n", False)
    assert (outro.synced, outro.plain, outro.instrumental) == (None, None, True)


def test_a_record_without_lyrics_counts_as_none(fake) -> None:
    assert lrclib.get_lyrics("Neon Harbor", "Empty", duration_ms=100_000) is None


def test_unknown_track_is_none_after_trying_search(fake) -> None:
    assert lrclib.get_lyrics("Nobody", "Nothing", duration_ms=100_000) is None
    assert [r.path for r in fake.requests] == ["/api/get", "/api/search"]


def test_search_rescues_a_different_album_name(fake) -> None:
    lyrics = lrclib.get_lyrics("Neon Harbor", "Afterglow", album="Deluxe", duration_ms=245_000)

    assert lyrics is not None and lyrics.synced == SYNCED
    assert [r.path for r in fake.requests] == ["/api/get", "/api/search"]


def test_a_much_longer_version_gets_no_lyrics(fake) -> None:
    # /api/get wants the duration within 2 s, the search fallback within 5 %.
    assert lrclib.get_lyrics("Neon Harbor", "Afterglow", duration_ms=420_000) is None


def test_requests_identify_soulspot(fake, settings) -> None:
    settings.SOULSPOT_USER_AGENT = "SoulSpot/9.9 ( https://example.invalid )"

    lrclib.get_lyrics("Neon Harbor", "Afterglow", duration_ms=245_000)

    assert fake.last_request.user_agent == "SoulSpot/9.9 ( https://example.invalid )"


@pytest.mark.parametrize("mode", ["503", "malformed"])
def test_outage_or_malformed_json_is_unavailable(fake, mode) -> None:
    fake.set_mode(mode)

    with pytest.raises(lrclib.LrclibUnavailable) as caught:
        lrclib.get_lyrics("Neon Harbor", "Afterglow", duration_ms=245_000)

    assert isinstance(caught.value, ProviderUnavailable)


def test_connection_refused_is_unavailable(fake) -> None:
    fake.stop()

    with pytest.raises(lrclib.LrclibUnavailable):
        lrclib.get_lyrics("Neon Harbor", "Afterglow")


def test_a_hanging_server_times_out(fake, settings) -> None:
    settings.METADATA_PROVIDER_TIMEOUT_SECONDS = 0.3
    fake.hang_seconds = 2
    fake.set_mode("hang")
    started = time.monotonic()

    with pytest.raises(lrclib.LrclibUnavailable):
        lrclib.get_lyrics("Neon Harbor", "Afterglow")

    assert time.monotonic() - started < 1.5


def test_switched_off_providers_make_no_requests(fake, settings) -> None:
    settings.METADATA_PROVIDERS_ENABLED = False

    with pytest.raises(ProviderUnavailable, match="switched off"):
        lrclib.get_lyrics("Neon Harbor", "Afterglow")

    assert fake.requests == []


def test_synced_lyrics_timed_past_the_track_end_are_dropped() -> None:
    record = {"id": 7, "syncedLyrics": "[00:05.00] a\n[05:00.00] b", "plainLyrics": "a\nb"}

    lyrics = lrclib.to_lyrics(record, duration_ms=200_000)

    assert lyrics == lrclib.Lyrics(synced=None, plain="a\nb", instrumental=False, lrclib_id=7)


def test_best_candidate_prefers_synced_then_the_closest_length() -> None:
    records = [
        {"id": 1, "artistName": "A", "trackName": "T", "duration": 200, "plainLyrics": "p"},
        {
            "id": 2,
            "artistName": "A",
            "trackName": "T",
            "duration": 205,
            "syncedLyrics": "[00:01.00] s",
        },
        {
            "id": 3,
            "artistName": "A",
            "trackName": "T",
            "duration": 201,
            "syncedLyrics": "[00:01.00] s",
        },
        {
            "id": 4,
            "artistName": "B",
            "trackName": "T",
            "duration": 200,
            "syncedLyrics": "[00:01.00] s",
        },
        {
            "id": 5,
            "artistName": "A",
            "trackName": "T",
            "duration": 300,
            "syncedLyrics": "[00:01.00] s",
        },
    ]

    assert lrclib.best_candidate(records, "a", "t", 200_000)["id"] == 3
    assert lrclib.best_candidate(records, "a", "t", None)["id"] in (2, 3, 5)
    assert lrclib.best_candidate(records, "c", "t", 200_000) is None
