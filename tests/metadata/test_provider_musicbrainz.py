"""metadata.providers.musicbrainz against the in-repo MusicBrainz fake (real musicbrainzngs)."""

from __future__ import annotations

import itertools
import time

import pytest

from fakes.metadata_services import FakeMusicBrainz, MetadataCatalog, TrackSpec
from metadata.providers import cache
from metadata.providers import musicbrainz as mb
from metadata.providers.base import NotFound, ProviderUnavailable
from tests.metadata_support import fake_fixture

UNKNOWN_MBID = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def catalog() -> MetadataCatalog:
    catalog = MetadataCatalog()
    album = catalog.add_release(
        "Night Drive",
        "Neon Harbor",
        tracks=[("Intro", 61_000), ("Afterglow", 245_000, "GBNEO2400001"), ("Outro", 90_000)],
        date="2024-03-15",
        country="GB",
    )
    catalog.add_release(
        "Afterglow",
        "Neon Harbor",
        tracks=[TrackSpec("Afterglow", 245_000, recording_id=album.recording_ids[1])],
        date="2024-01-10",
        primary_type="Single",
    )
    catalog.add_release(
        "Synthwave Essentials",
        "Various Artists",
        tracks=[TrackSpec("Afterglow", 245_000, recording_id=album.recording_ids[1])],
        date="2023-12-01",
        secondary_types=["Compilation"],
    )
    catalog.add_release(
        "Two Sides",
        "Neon Harbor",
        discs=[
            [("Side A One", 180_000), ("Side A Two", 181_000)],
            [("Side B", 200_000, "GBNEO2400009")],
        ],
        date="2022",
    )
    catalog.add_release(
        "Mislabelled", "Neon Harbor", tracks=[("Wrong Song", 100_000, "GBNEO2400777")]
    )
    catalog.add_release(
        "Afterglow (Extended)",
        "Neon Harbor",
        tracks=[("Afterglow", 420_000)],
        date="2024-05-01",
        primary_type="EP",
    )
    return catalog


fake = fake_fixture(FakeMusicBrainz)


def _afterglow_id(catalog: MetadataCatalog) -> str:
    return next(r.id for r in catalog.recordings.values() if "GBNEO2400001" in r.isrcs)


def test_recording_by_isrc_returns_typed_matches(fake, catalog) -> None:
    matches = mb.recording_by_isrc("gbneo2400001")

    assert [m.id for m in matches] == [_afterglow_id(catalog)]
    match = matches[0]
    assert isinstance(match, mb.RecordingMatch)
    assert (match.title, match.length_ms, match.artist, match.score) == (
        "Afterglow",
        245_000,
        "Neon Harbor",
        100,
    )
    assert match.isrcs == ("GBNEO2400001",)
    assert {r.title for r in match.releases} == {"Night Drive", "Afterglow", "Synthwave Essentials"}
    assert fake.last_request.path == "/ws/2/isrc/GBNEO2400001"


def test_recording_by_isrc_is_empty_for_an_unknown_isrc(fake) -> None:
    assert mb.recording_by_isrc("GBXXX9900000") == []


def test_a_malformed_isrc_is_a_rejected_request_not_an_outage(fake) -> None:
    with pytest.raises(mb.MusicBrainzError) as caught:
        mb.recording_by_isrc("nope")

    assert not isinstance(caught.value, ProviderUnavailable | NotFound)


def test_search_ranks_the_recording_with_the_closest_length_first(fake) -> None:
    short = mb.search_recording("Neon Harbor", "Afterglow", duration_ms=246_000)
    extended = mb.search_recording("Neon Harbor", "Afterglow", duration_ms=419_000)

    assert short[0].length_ms == 245_000
    assert extended[0].length_ms == 420_000
    assert {m.score for m in short[:2]} == {100}
    query = fake.last_request.query["query"][0]
    assert query == "recording:(afterglow) artist:(neon harbor)"


def test_search_results_carry_release_types_and_positions(fake) -> None:
    best = mb.search_recording("Neon Harbor", "Afterglow", duration_ms=245_000)[0]

    album = next(r for r in best.releases if r.title == "Night Drive")
    assert (album.primary_type, album.secondary_types, album.status) == ("Album", (), "Official")
    assert (album.disc_number, album.track_number, album.date) == (1, "2", "2024-03-15")
    compilation = next(r for r in best.releases if r.title == "Synthwave Essentials")
    assert compilation.secondary_types == ("Compilation",)


def test_get_release_returns_discs_tracks_and_group(fake, catalog) -> None:
    release_id = next(r.id for r in catalog.releases.values() if r.title == "Two Sides")

    release = mb.get_release(release_id)

    assert (release.title, release.year, release.date, release.artist) == (
        "Two Sides",
        2022,
        "2022",
        "Neon Harbor",
    )
    assert release.primary_type == "Album" and release.release_group_id
    assert release.disc_count == 2
    assert [len(m.tracks) for m in release.media] == [2, 1]
    side_b = release.media[1].tracks[0]
    assert (side_b.position, side_b.number, side_b.title, side_b.length_ms) == (
        1,
        "1",
        "Side B",
        200_000,
    )
    assert side_b.isrc == "GBNEO2400009"
    assert side_b.artist_ids == release.artist_ids


def test_get_release_group(fake, catalog) -> None:
    group = next(g for g in catalog.release_groups.values() if g.title == "Synthwave Essentials")

    info = mb.get_release_group(group.id)

    assert (info.title, info.primary_type, info.secondary_types) == (
        "Synthwave Essentials",
        "Album",
        ("Compilation",),
    )
    assert info.first_release_date == "2023-12-01"
    assert info.artist == "Various Artists"


def test_unknown_release_is_not_found(fake) -> None:
    with pytest.raises(mb.MusicBrainzNotFound) as caught:
        mb.get_release(UNKNOWN_MBID)

    assert isinstance(caught.value, NotFound)


def test_malformed_release_id_is_a_rejected_request(fake) -> None:
    with pytest.raises(mb.MusicBrainzError) as caught:
        mb.get_release("not-a-uuid")

    assert not isinstance(caught.value, ProviderUnavailable | NotFound)


def test_lookup_by_isrc_prefers_the_official_album(fake, catalog) -> None:
    found = mb.lookup_track("Neon Harbor", "Afterglow", 245_000, isrc="GBNEO2400001")

    assert found is not None
    assert found.matched_by == "isrc"
    assert found.recording_id == _afterglow_id(catalog)
    assert (found.album, found.album_artist, found.release_type, found.year) == (
        "Night Drive",
        "Neon Harbor",
        "Album",
        2024,
    )
    assert (found.track_number, found.track_total, found.disc_number, found.disc_total) == (
        2,
        3,
        1,
        1,
    )
    assert found.release_group_id == catalog.releases[found.release_id].release_group_id
    assert found.artist_ids == found.album_artist_ids
    assert found.release_status == "Official"
    paths = [r.path for r in fake.requests]
    assert paths[0] == "/ws/2/isrc/GBNEO2400001"
    assert paths[-1] == f"/ws/2/release/{found.release_id}"


def test_lookup_prefers_the_release_named_by_the_album_hint(fake) -> None:
    found = mb.lookup_track(
        "Neon Harbor", "Afterglow", 245_000, isrc="GBNEO2400001", album="synthwave essentials"
    )

    assert found is not None
    assert (found.album, found.album_artist) == ("Synthwave Essentials", "Various Artists")
    assert found.release_secondary_types == ("Compilation",)


def test_lookup_without_isrc_searches(fake) -> None:
    found = mb.lookup_track("Neon Harbor", "Side B", 199_000)

    assert found is not None
    assert found.matched_by == "search"
    assert (found.album, found.disc_number, found.disc_total, found.track_number) == (
        "Two Sides",
        2,
        2,
        1,
    )
    assert not any(r.path.startswith("/ws/2/isrc/") for r in fake.requests)


def test_lookup_skips_an_invalid_isrc_and_searches(fake) -> None:
    found = mb.lookup_track("Neon Harbor", "Intro", 61_000, isrc="not-an-isrc")

    assert found is not None and found.matched_by == "search"
    assert not any(r.path.startswith("/ws/2/isrc/") for r in fake.requests)


def test_lookup_falls_back_to_search_for_an_unknown_isrc(fake) -> None:
    found = mb.lookup_track("Neon Harbor", "Intro", 61_000, isrc="GBXXX9900000")

    assert found is not None and found.matched_by == "search"
    assert found.album == "Night Drive"


def test_lookup_distrusts_an_isrc_filed_on_a_different_song(fake) -> None:
    found = mb.lookup_track("Neon Harbor", "Intro", 61_000, isrc="GBNEO2400777")

    assert found is not None
    assert (found.matched_by, found.title, found.album) == ("search", "Intro", "Night Drive")


def test_lookup_returns_none_when_nothing_matches(fake) -> None:
    assert mb.lookup_track("Nobody", "Nothing Like This", 100_000) is None


def test_lookup_rejects_a_match_with_a_very_different_length(fake) -> None:
    assert mb.lookup_track("Neon Harbor", "Intro", 300_000) is None


def test_requests_identify_soulspot(fake, settings) -> None:
    settings.SOULSPOT_USER_AGENT = "SoulSpot/9.9 ( https://example.invalid/soulspot )"

    mb.recording_by_isrc("GBNEO2400001")

    agent = fake.last_request.user_agent
    assert agent.startswith("SoulSpot/9.9 python-musicbrainzngs/")
    assert agent.endswith("( https://example.invalid/soulspot )")


@pytest.mark.django_db  # the pace is shared by every process through the database
def test_rate_limit_spaces_consecutive_calls(settings, catalog) -> None:
    settings.MUSICBRAINZ_RATE_LIMIT_SECONDS = 0.3
    settings.METADATA_PROVIDERS_ENABLED = True
    # The fake answers 503 to anything quicker than 0.25 s, as MusicBrainz does at 1 s.
    with (server := FakeMusicBrainz(catalog, enforce_rate_limit=True, min_interval=0.25)) as url:
        settings.MUSICBRAINZ_URL = url
        with cache.bypass():  # every lookup a request: the pace is under test, not the cache
            mb.recording_by_isrc("GBNEO2400001")
            mb.recording_by_isrc("GBNEO2400001")
            mb.recording_by_isrc("GBNEO2400001")

    times = [r.at for r in server.requests]
    assert len(times) == 3  # no 503s, so no retries
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.28


@pytest.mark.django_db  # answers are remembered in the database
def test_a_rate_limit_503_is_retried_a_bounded_number_of_times(settings, catalog) -> None:
    settings.MUSICBRAINZ_RATE_LIMIT_SECONDS = 0
    settings.MUSICBRAINZ_MAX_ATTEMPTS = 3
    settings.METADATA_PROVIDERS_ENABLED = True
    with (server := FakeMusicBrainz(catalog, enforce_rate_limit=True, min_interval=60)) as url:
        settings.MUSICBRAINZ_URL = url
        mb.recording_by_isrc("GBNEO2400001")
        with cache.bypass(), pytest.raises(mb.MusicBrainzUnavailable):
            mb.recording_by_isrc("GBNEO2400001")

    assert len(server.requests) == 1 + 3


def test_503_is_unavailable_without_the_libraries_long_retries(fake) -> None:
    fake.set_mode("503")
    started = time.monotonic()

    with pytest.raises(mb.MusicBrainzUnavailable) as caught:
        mb.get_release(UNKNOWN_MBID)

    assert isinstance(caught.value, ProviderUnavailable)
    assert time.monotonic() - started < 2
    assert len(fake.requests) == 2  # MUSICBRAINZ_MAX_ATTEMPTS defaults to 2


def test_malformed_xml_is_unavailable(fake) -> None:
    fake.set_mode("malformed")

    with pytest.raises(mb.MusicBrainzUnavailable, match="malformed"):
        mb.search_recording("Neon Harbor", "Afterglow")

    assert len(fake.requests) == 1


def test_connection_refused_is_unavailable(fake) -> None:
    fake.stop()

    with pytest.raises(mb.MusicBrainzUnavailable):
        mb.lookup_track("Neon Harbor", "Afterglow", isrc="GBNEO2400001")


def test_a_hanging_server_times_out_as_unavailable(fake, settings) -> None:
    settings.METADATA_PROVIDER_TIMEOUT_SECONDS = 0.3
    fake.hang_seconds = 2
    fake.set_mode("hang")
    started = time.monotonic()

    with pytest.raises(mb.MusicBrainzUnavailable):
        mb.recording_by_isrc("GBNEO2400001")

    assert time.monotonic() - started < 1.5


def test_service_recovers_after_an_outage(fake) -> None:
    fake.set_mode("503")
    with pytest.raises(mb.MusicBrainzUnavailable):
        mb.recording_by_isrc("GBNEO2400001")

    fake.set_mode("ok")

    assert len(mb.recording_by_isrc("GBNEO2400001")) == 1


def test_switched_off_providers_make_no_requests(fake, settings) -> None:
    settings.METADATA_PROVIDERS_ENABLED = False

    calls = [
        lambda: mb.recording_by_isrc("GBNEO2400001"),
        lambda: mb.search_recording("Neon Harbor", "Afterglow"),
        lambda: mb.get_release(UNKNOWN_MBID),
        lambda: mb.get_release_group(UNKNOWN_MBID),
        lambda: mb.lookup_track("Neon Harbor", "Afterglow", isrc="GBNEO2400001"),
    ]
    for call in calls:
        with pytest.raises(ProviderUnavailable, match="switched off"):
            call()

    assert fake.requests == []


def test_choose_release_orders_official_albums_before_other_types() -> None:
    def summary(title: str, **kwargs: object) -> mb.ReleaseSummary:
        fields = {
            "id": title,
            "title": title,
            "status": "Official",
            "date": "2020",
            "country": None,
            "release_group_id": None,
            "primary_type": "Album",
            "secondary_types": (),
        }
        return mb.ReleaseSummary(**{**fields, **kwargs})

    releases = [
        summary("Bootleg", status="Bootleg", date="2000"),
        summary("Best Of", secondary_types=("Compilation",), date="2001"),
        summary("Single", primary_type="Single", date="2002"),
        summary("Album Reissue", date="2021"),
        summary("Album", date="2020"),
    ]

    assert mb.choose_release(releases).title == "Album"
    assert mb.choose_release(releases, album="best of").title == "Best Of"
    assert mb.choose_release([]) is None
