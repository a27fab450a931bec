"""Release checks against the fake MusicBrainz over HTTP, on the real database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from automation.models import AutomationEvent, ReleaseGroup, WatchedArtist
from automation.watching import checks, watches
from automation.watching.watches import WatchOptions
from downloads.models import DownloadJob
from fakes.metadata_services import FakeMusicBrainz
from library.models import Track
from metadata.providers import cache
from tests.automation.watch_support import ARTIST, add_discography
from tests.factories import AlbumFactory, ArtistFactory, TrackFactory
from tests.metadata_support import catalog, fake_fixture

pytestmark = pytest.mark.django_db
fake = fake_fixture(FakeMusicBrainz)
__all__ = ["catalog"]  # fixtures
State = ReleaseGroup.State


@pytest.fixture
def disco(catalog):
    return add_discography(catalog)


def _watch(disco, **options) -> WatchedArtist:
    return watches.watch_musicbrainz_artist(disco.artist_id, WatchOptions(**options))


def _states(watch: WatchedArtist) -> dict[str, tuple[str, str]]:
    return {r.musicbrainz_id: (r.state, r.reason) for r in watch.releases.all()}


def test_want_all_albums_wants_the_two_albums_one_common_edition_each(fake, disco) -> None:
    watch = _watch(disco, want="all", release_types=["album"])

    result = checks.check_watch(watch.pk)

    states = _states(watch)
    assert result.found == 5 and result.new == 5
    assert states[disco.first][0] == states[disco.second][0] == State.WANTED
    assert states[disco.single] == (State.SKIPPED, "single is not a release type you watch")
    assert states[disco.live] == (State.SKIPPED, "live: a type you excluded")
    assert states[disco.compilation] == (State.SKIPPED, "compilation: a type you excluded")
    first = watch.releases.get(musicbrainz_id=disco.first)
    assert first.release_id == disco.first_editions[0]  # 10 tracks, as 2 of 3 editions
    assert "most common track count (10 tracks, 2 of 3 official releases)" in first.release_choice
    assert first.album.musicbrainz_release_id == disco.first_editions[0]
    jobs = DownloadJob.objects.filter(kind=DownloadJob.Kind.ALBUM)
    assert sorted(jobs.values_list("album__title", flat=True)) == ["First Light", "Second Sun"]
    assert AutomationEvent.objects.filter(kind="release_wanted").count() == 2
    # The first check is the starting point: nothing is announced as new.
    assert not AutomationEvent.objects.filter(kind="new_release").exists()


def test_the_library_artist_is_created_with_the_musicbrainz_id_and_name(fake, disco) -> None:
    watch = _watch(disco)

    assert watch.artist.name == ARTIST
    assert watch.artist.musicbrainz_id == disco.artist_id
    assert watch.release_types == ["album", "ep"]
    assert watch.want == "future"
    assert watch.next_check_at <= timezone.now()


def test_a_second_check_wants_nothing_twice(fake, disco) -> None:
    watch = _watch(disco, want="all", release_types=["album"])
    checks.check_watch(watch.pk)

    again = checks.check_watch(watch.pk)

    assert again.new == 0 and again.decided == {}
    assert DownloadJob.objects.filter(kind=DownloadJob.Kind.ALBUM).count() == 2


def test_want_future_wants_a_release_group_added_after_the_watch(fake, disco, catalog) -> None:
    watch = _watch(disco, want="future", release_types=["album", "single"])
    checks.check_watch(watch.pk)
    assert set(watch.releases.values_list("state", flat=True)) == {State.SKIPPED}
    assert watch.releases.get(musicbrainz_id=disco.second).reason == "released before you watched"

    today = timezone.localdate().isoformat()
    added = catalog.add_release("Third Wave", ARTIST, ["Wave 1", "Wave 2"], date=today)
    with cache.bypass():  # within a day the discography would come from the provider cache
        checks.check_watch(watch.pk)

    row = watch.releases.get(musicbrainz_id=added.release_group_id)
    assert row.state == State.WANTED and row.album.title == "Third Wave"
    new = AutomationEvent.objects.get(kind="new_release")
    assert new.facts["release_group_id"] == added.release_group_id
    assert "Third Wave" in new.message
    assert AutomationEvent.objects.filter(kind="release_wanted").count() == 1


def test_a_future_release_waits_for_its_date_then_is_wanted(fake, disco, catalog) -> None:
    watch = _watch(disco, want="future", release_types=["album"])
    soon = timezone.localdate() + timedelta(days=10)
    added = catalog.add_release("Fourth", ARTIST, ["Four 1"], date=soon.isoformat())

    checks.check_watch(watch.pk)
    row = watch.releases.get(musicbrainz_id=added.release_group_id)
    assert row.state == State.WAITING and row.release_date == soon
    assert checks.promote_due_releases(today=soon - timedelta(days=1)) == 0

    assert checks.promote_due_releases(today=soon) == 1
    row.refresh_from_db()
    assert row.state == State.WANTED and row.album.title == "Fourth"


def test_a_single_whose_only_track_is_owned_on_an_album_is_skipped(fake, disco) -> None:
    album = AlbumFactory(
        title="First Light",
        artist=ArtistFactory(name=ARTIST),
        musicbrainz_release_group_id=disco.first,
    )
    TrackFactory(
        title="Hit Song",
        artist=album.artist,
        album=album,
        status=Track.Status.OWNED,
        musicbrainz_recording_id=disco.hit_recording,
    )
    watch = _watch(disco, want="all", release_types=["single"])

    checks.check_watch(watch.pk)

    row = watch.releases.get(musicbrainz_id=disco.single)
    assert row.state == State.SKIPPED
    assert row.reason == f"its tracks are on {album} you own"
    assert not DownloadJob.objects.exists()


def test_a_single_matching_by_title_and_length_within_3_s_is_skipped(fake, disco) -> None:
    album = AlbumFactory(title="Other", musicbrainz_release_group_id="x" * 36)
    TrackFactory(
        title="hit song!",
        album=album,
        artist=album.artist,
        status=Track.Status.OWNED,
        duration_ms=203_500,
    )
    watch = _watch(disco, want="all", release_types=["single"])

    checks.check_watch(watch.pk)

    assert (
        watch.releases.get(musicbrainz_id=disco.single).reason
        == f"its tracks are on {album} you own"
    )


def test_a_single_not_owned_elsewhere_is_wanted(fake, disco) -> None:
    album = AlbumFactory(title="Other", musicbrainz_release_group_id="x" * 36)
    TrackFactory(title="Hit Song", album=album, status=Track.Status.OWNED, duration_ms=210_000)
    watch = _watch(disco, want="all", release_types=["single"])

    checks.check_watch(watch.pk)

    assert watch.releases.get(musicbrainz_id=disco.single).state == State.WANTED


def test_want_none_records_without_wanting(fake, disco) -> None:
    watch = _watch(disco, want="none", release_types=["album"])

    checks.check_watch(watch.pk)

    assert watch.releases.get(musicbrainz_id=disco.first).state == State.FOUND
    assert not DownloadJob.objects.exists()


def test_an_album_already_being_downloaded_is_recorded_wanted_not_an_error(fake, disco) -> None:
    from downloads.services import queueing

    queueing.queue_album_from_release(disco.first_editions[0])
    watch = _watch(disco, want="all", release_types=["album"])

    checks.check_watch(watch.pk)

    row = watch.releases.get(musicbrainz_id=disco.first)
    assert row.state == State.WANTED and row.album is not None
    assert DownloadJob.objects.filter(kind=DownloadJob.Kind.ALBUM).count() == 2
    watch.refresh_from_db()
    assert watch.error == ""


def test_musicbrainz_down_leaves_new_rows_undecided_for_the_next_check(fake, disco) -> None:
    watch = _watch(disco, want="all", release_types=["album"])
    fake.set_mode("503")

    checks.check_watch(watch.pk)

    watch.refresh_from_db()
    assert "MusicBrainz" in watch.error and watch.claimed_until is None
    assert watch.next_check_at > timezone.now()
    fake.set_mode("ok")
    checks.check_watch(watch.pk)
    assert watch.releases.filter(state=State.WANTED).count() == 2


def test_paging_reads_every_release_group(fake, catalog) -> None:
    for n in range(230):
        catalog.add_release(f"Song {n}", "Prolific", [f"Song {n}"], primary_type="Single")
    artist_id = catalog.add_artist("Prolific")
    watch = watches.watch_musicbrainz_artist(artist_id, WatchOptions(want="none"))
    fake.clear_requests()

    result = checks.check_watch(watch.pk)

    assert result.found == 230 and watch.releases.count() == 230
    browses = fake.requests_for("/ws/2/release-group")
    assert [r.arg("offset", "0") for r in browses] == ["0", "100", "200"]
    assert {r.arg("limit") for r in browses} == {"100"}


def test_a_finished_check_is_due_again_in_12_hours_plus_its_offset(fake, disco) -> None:
    watch = _watch(disco, want="none")
    before = timezone.now()

    checks.check_watch(watch.pk)

    watch.refresh_from_db()
    offset = watches.spread_offset(watch)
    assert timedelta(0) <= offset < timedelta(hours=1)
    assert watch.next_check_at - before >= timedelta(hours=12) + offset
    assert watch.claimed_until is None and watch.last_checked_at is not None
    assert checks.due_watches() == []


def test_a_claimed_watch_is_not_checked_twice(fake, disco) -> None:
    watch = _watch(disco, want="none")
    assert checks.claim(watch.pk)

    assert checks.check_watch(watch.pk) is None
    assert checks.due_watches() == []


def test_the_tick_checks_due_watches_oldest_first(fake, catalog) -> None:
    ids = [catalog.add_artist(f"Band {n}") for n in range(3)]
    for mbid in ids:
        catalog.add_release(
            f"Record of {mbid[:4]}", [c.name for c in catalog.artists.values() if c.id == mbid]
        )
    made = [watches.watch_musicbrainz_artist(i, WatchOptions(want="none")) for i in ids]
    now = timezone.now()
    for n, watch in enumerate(made):
        WatchedArtist.objects.filter(pk=watch.pk).update(next_check_at=now - timedelta(minutes=n))
    fake.clear_requests()

    assert checks.check_due_watches().startswith("checked 3 watched artist(s)")

    asked = [r.arg("artist") for r in fake.requests_for("/ws/2/release-group")]
    assert asked == list(reversed(ids))
    assert checks.check_due_watches().startswith("checked 0")


def test_release_days_from_musicbrainz_dates() -> None:
    assert checks.release_day("2024") == date(2024, 1, 1)
    assert checks.release_day("2024-05") == date(2024, 5, 1)
    assert checks.release_day("2024-05-07") == date(2024, 5, 7)
    assert checks.release_day("") is None
    assert checks.release_day("2024-13-01") is None


def test_the_watchs_quality_profile_goes_on_its_album_jobs(fake, disco) -> None:
    from library.models import QualityProfile

    profile = QualityProfile.objects.create(name="Lossless only")
    watch = _watch(disco, want="all", release_types=["album"], quality_profile_id=profile.pk)

    checks.check_watch(watch.pk)

    jobs = DownloadJob.objects.filter(kind=DownloadJob.Kind.ALBUM)
    assert set(jobs.values_list("quality_profile", flat=True)) == {profile.pk}


def test_an_unknown_quality_profile_is_refused_naming_the_field(fake, disco) -> None:
    with pytest.raises(watches.WatchError, match=r"^quality_profile_id:"):
        _watch(disco, quality_profile_id=999)
    assert not WatchedArtist.objects.exists()
