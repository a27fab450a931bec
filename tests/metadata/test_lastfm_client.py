"""metadata.providers.lastfm: real pylast against the fake Last.fm over HTTP."""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path

import pytest

from fakes.lastfm import DEFAULT_API_KEY
from metadata.models import ProviderPace
from metadata.providers import cache, lastfm
from metadata.providers.base import NotFound, ProviderUnavailable
from metadata.providers.lastfm import TopTag
from tests.metadata.lastfm_support import fake_lastfm, world
from tests.metadata.test_spotify_client import _modules_importing

ROOT = Path(__file__).resolve().parents[2]
__all__ = ["fake_lastfm", "world"]  # fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tags(world) -> None:
    world.set_track_tags(
        "Neon Harbor", "Afterglow", [("synthwave", 100), ("seen live", 42), ("Drum & Bass", 7)]
    )
    world.set_album_tags("Neon Harbor", "Night Drive", [("synth pop", 100), ("2024", 30)])
    world.set_artist_tags("Neon Harbor", [("electronic", 100), ("80s", 55)])
    world.set_track_tags("Neon Harbor", "Untagged", [])


def test_track_tags_come_from_last_fm_as_names_and_whole_number_weights(fake_lastfm) -> None:
    tags = lastfm.track_top_tags("Neon Harbor", "Afterglow")

    assert tags == [TopTag("synthwave", 100), TopTag("seen live", 42), TopTag("Drum & Bass", 7)]
    request = fake_lastfm.last_request
    assert (request.method, request.path) == ("POST", "/2.0/")
    assert fake_lastfm.calls() == [
        {
            "method": "track.getTopTags",
            "artist": "Neon Harbor",
            "track": "Afterglow",
            "api_key": DEFAULT_API_KEY,
        }
    ]


def test_album_and_artist_tags(fake_lastfm) -> None:
    album = lastfm.album_top_tags("neon harbor", "NIGHT DRIVE")
    artist = lastfm.artist_top_tags("Neon Harbor")

    assert album == [TopTag("synth pop", 100), TopTag("2024", 30)]
    assert artist == [TopTag("electronic", 100), TopTag("80s", 55)]
    calls = fake_lastfm.calls()
    assert [c["method"] for c in calls] == ["album.getTopTags", "artist.getTopTags"]
    assert (calls[0]["artist"], calls[0]["album"]) == ("neon harbor", "NIGHT DRIVE")


def test_a_known_track_without_tags_has_none(fake_lastfm) -> None:
    assert lastfm.track_top_tags("Neon Harbor", "Untagged") == []


def test_an_unreadable_weight_counts_as_zero(fake_lastfm, world) -> None:
    world.set_track_tags("Neon Harbor", "Odd", [("rock", "lots"), ("pop", "")])

    assert lastfm.track_top_tags("Neon Harbor", "Odd") == [TopTag("rock", 0), TopTag("pop", 0)]


def test_requests_identify_soulspot(fake_lastfm, settings) -> None:
    settings.SOULSPOT_USER_AGENT = "SoulSpot/9.9 ( https://example.invalid )"

    lastfm.artist_top_tags("Neon Harbor")

    assert fake_lastfm.last_request.user_agent == "SoulSpot/9.9 ( https://example.invalid )"


def test_last_fm_behind_a_path_is_reached_there(fake_lastfm, settings) -> None:
    settings.LASTFM_URL = f"{fake_lastfm.url}/proxy/lastfm/"

    assert lastfm.artist_top_tags("Neon Harbor")[0] == TopTag("electronic", 100)
    assert fake_lastfm.last_request.path == "/proxy/lastfm/2.0/"


@pytest.mark.parametrize(
    "call",
    [
        lambda: lastfm.track_top_tags("Nobody", "Nothing"),
        lambda: lastfm.album_top_tags("Neon Harbor", "No Such Album"),
        lambda: lastfm.artist_top_tags("Nobody"),
    ],
    ids=["track", "album", "artist"],
)
def test_what_last_fm_does_not_know_is_not_found(fake_lastfm, call) -> None:
    with pytest.raises(lastfm.LastFmNotFound) as caught:
        call()

    assert isinstance(caught.value, NotFound)
    assert not isinstance(caught.value, ProviderUnavailable)


@pytest.mark.parametrize("key", ["wrong-key", "suspended-key"])
def test_a_wrong_or_suspended_key_is_unavailable_and_says_the_key_is_wrong(
    fake_lastfm, world, settings, key
) -> None:
    world.suspended_keys.add("suspended-key")
    settings.LASTFM_API_KEY = key

    with pytest.raises(lastfm.LastFmKeyRejected) as caught:
        lastfm.track_top_tags("Neon Harbor", "Afterglow")

    assert isinstance(caught.value, ProviderUnavailable)
    assert "LASTFM_API_KEY" in str(caught.value)
    assert ("error 26" in str(caught.value)) == (key == "suspended-key")


@pytest.mark.parametrize("code", [29, 8, 11, 16])
def test_rate_limit_and_outage_codes_are_unavailable(fake_lastfm, code) -> None:
    fake_lastfm.force_error(code)

    with pytest.raises(lastfm.LastFmUnavailable) as caught:
        lastfm.track_top_tags("Neon Harbor", "Afterglow")

    assert not isinstance(caught.value, lastfm.LastFmKeyRejected)


def test_an_error_that_is_our_mistake_is_a_plain_last_fm_error(fake_lastfm) -> None:
    fake_lastfm.force_error(3)  # invalid method

    with pytest.raises(lastfm.LastFmError) as caught:
        lastfm.track_top_tags("Neon Harbor", "Afterglow")

    assert not isinstance(caught.value, ProviderUnavailable | NotFound)


@pytest.mark.parametrize("mode", ["503", "malformed"])
def test_an_outage_or_a_garbled_answer_is_unavailable(fake_lastfm, mode) -> None:
    fake_lastfm.set_mode(mode)

    with pytest.raises(lastfm.LastFmUnavailable):
        lastfm.track_top_tags("Neon Harbor", "Afterglow")


def test_connection_refused_is_unavailable(fake_lastfm) -> None:
    fake_lastfm.stop()

    with pytest.raises(lastfm.LastFmUnavailable, match=r"could not reach Last\.fm"):
        lastfm.artist_top_tags("Neon Harbor")


def test_a_hanging_server_times_out_after_the_provider_timeout(fake_lastfm, settings) -> None:
    settings.METADATA_PROVIDER_TIMEOUT_SECONDS = 0.3
    fake_lastfm.hang_seconds = 2
    fake_lastfm.set_mode("hang")
    started = time.monotonic()

    with pytest.raises(lastfm.LastFmUnavailable):
        lastfm.artist_top_tags("Neon Harbor")

    assert time.monotonic() - started < 1.5


def test_without_an_api_key_nothing_is_sent(fake_lastfm, settings) -> None:
    settings.LASTFM_API_KEY = ""

    with pytest.raises(lastfm.LastFmNotConfigured, match="LASTFM_API_KEY") as caught:
        lastfm.track_top_tags("Neon Harbor", "Afterglow")

    assert isinstance(caught.value, ProviderUnavailable)
    assert fake_lastfm.requests == []


def test_with_providers_switched_off_nothing_is_sent(fake_lastfm, settings) -> None:
    settings.METADATA_PROVIDERS_ENABLED = False

    with pytest.raises(lastfm.LastFmUnavailable, match="switched off"):
        lastfm.album_top_tags("Neon Harbor", "Night Drive")

    assert fake_lastfm.requests == []


def test_requests_are_paced_through_the_shared_slot_table(fake_lastfm, settings) -> None:
    # Slots are 0.6 s apart; a request reaches the fake some time after its slot began (a busy
    # machine), so the gaps seen are checked against half of that: unpaced ones are ~ms apart.
    settings.LASTFM_RATE_LIMIT_SECONDS = 0.6

    with cache.bypass():  # the same request three times: asked three times, not remembered
        for _ in range(3):
            lastfm.artist_top_tags("Neon Harbor")

    times = [r.at for r in fake_lastfm.requests]
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.3
    assert ProviderPace.objects.filter(service="lastfm").exists()


def test_each_call_goes_through_the_cache_with_a_json_value(fake_lastfm, monkeypatch) -> None:
    seen: list[tuple[str, str, object]] = []
    real_remember = cache.remember

    def remember(kind, key, load, *, not_found):
        value = real_remember(kind, key, load, not_found=not_found)
        seen.append((kind, key, not_found))
        return json.loads(json.dumps(value))  # what a database cache would hand back

    monkeypatch.setattr(cache, "remember", remember)

    tags = lastfm.track_top_tags("  Neon   HARBOR ", "Afterglow")

    assert tags[0] == TopTag("synthwave", 100)
    assert seen == [
        ("lastfm.tags", "track.getTopTags|neon harbor|afterglow", lastfm.LastFmNotFound)
    ]


def test_only_the_client_module_imports_pylast_or_httpx2() -> None:
    assert _modules_importing(ROOT, "pylast") == ["metadata/providers/lastfm.py"]
    assert _modules_importing(ROOT, "httpx2") == ["metadata/providers/lastfm.py"]
