"""Why a track is wanted: sources add and remove reasons; only the last one unwants it."""

from __future__ import annotations

import pytest

from library import catalog, services, wants
from library.models import HistoryEvent, Track, TrackWant, WantSource
from tests.factories import TrackFactory

pytestmark = pytest.mark.django_db
SPOTIFY = WantSource.SPOTIFY


def _state(track: Track) -> tuple[str, bool]:
    track.refresh_from_db()
    return track.status, track.monitored


def test_a_new_reason_wants_a_known_track_once() -> None:
    track = TrackFactory(status=Track.Status.KNOWN)
    assert wants.want_tracks([track.pk], source=SPOTIFY, key="playlist:a") == [track.pk]
    assert _state(track) == (Track.Status.WANTED, True)
    assert track.want_source == SPOTIFY
    # The same reason again is not news: nothing changes, nothing is recorded twice.
    assert wants.want_tracks([track.pk], source=SPOTIFY, key="playlist:a") == []
    assert HistoryEvent.objects.filter(track=track, type=HistoryEvent.Type.WANTED).count() == 1


def test_an_owned_track_gains_the_reason_but_stays_owned() -> None:
    track = TrackFactory(status=Track.Status.OWNED, monitored=False)
    wants.want_tracks([track.pk], source=SPOTIFY, key="liked")
    assert _state(track) == (Track.Status.OWNED, True)


def test_the_user_unmonitoring_is_not_undone_by_the_next_sync() -> None:
    track = TrackFactory(status=Track.Status.KNOWN)
    wants.want_tracks([track.pk], source=SPOTIFY, key="playlist:a")
    services.set_monitored(track, False)
    wants.want_tracks([track.pk], source=SPOTIFY, key="playlist:a")
    assert _state(track) == (Track.Status.KNOWN, False)


def test_removed_from_its_only_source_it_is_no_longer_wanted() -> None:
    track = TrackFactory(status=Track.Status.KNOWN)
    wants.want_tracks([track.pk], source=SPOTIFY, key="playlist:a")
    released = wants.release_tracks([track.pk], source=SPOTIFY, key="playlist:a", why="removed")
    assert released == [track.pk]
    assert _state(track) == (Track.Status.KNOWN, False)
    assert HistoryEvent.objects.filter(track=track, type=HistoryEvent.Type.UNMONITORED).exists()


def test_another_source_keeps_it_wanted() -> None:
    track = TrackFactory(status=Track.Status.KNOWN)
    wants.want_tracks([track.pk], source=SPOTIFY, key="playlist:a")
    wants.want_tracks([track.pk], source=WantSource.LIST, key="playlist:7")
    assert wants.release_tracks([track.pk], source=SPOTIFY, key="playlist:a") == []
    assert _state(track) == (Track.Status.WANTED, True)


def test_the_users_own_want_keeps_it_wanted() -> None:
    track = TrackFactory(status=Track.Status.KNOWN)
    wants.want_tracks([track.pk], source=SPOTIFY, key="playlist:a")
    catalog.mark_wanted(track)  # typed in by the user as well
    assert wants.release_tracks([track.pk], source=SPOTIFY, key="playlist:a") == []
    assert _state(track) == (Track.Status.WANTED, True)


def test_monitoring_in_the_ui_is_a_reason_too() -> None:
    track = TrackFactory(status=Track.Status.KNOWN)
    wants.want_tracks([track.pk], source=SPOTIFY, key="playlist:a")
    services.set_monitored(track, False)
    services.set_monitored(track, True)
    assert wants.release_tracks([track.pk], source=SPOTIFY, key="playlist:a") == []
    assert _state(track) == (Track.Status.WANTED, True)


def test_an_owned_track_is_never_unwanted_by_a_source() -> None:
    track = TrackFactory(status=Track.Status.KNOWN)
    wants.want_tracks([track.pk], source=SPOTIFY, key="playlist:a")
    Track.objects.filter(pk=track.pk).update(status=Track.Status.OWNED)
    assert wants.release_tracks([track.pk], source=SPOTIFY, key="playlist:a") == []
    assert _state(track) == (Track.Status.OWNED, True)


def test_release_all_but_keeps_the_current_members() -> None:
    kept, dropped = TrackFactory(), TrackFactory()
    wants.want_tracks([kept.pk, dropped.pk], source=SPOTIFY, key="playlist:a")
    assert wants.release_all_but([kept.pk], source=SPOTIFY, key="playlist:a") == [dropped.pk]
    assert list(TrackWant.objects.values_list("track_id", flat=True)) == [kept.pk]


def test_a_repeat_search_adds_no_reason() -> None:
    track = TrackFactory(status=Track.Status.KNOWN)
    wants.want_tracks([track.pk], source=SPOTIFY, key="playlist:a")
    catalog.mark_wanted(track, force=True, source=None)
    assert wants.release_tracks([track.pk], source=SPOTIFY, key="playlist:a") == [track.pk]


def test_query_count_does_not_grow_with_tracks(django_assert_max_num_queries) -> None:
    few = [TrackFactory().pk for _ in range(3)]
    many = [TrackFactory().pk for _ in range(40)]
    with django_assert_max_num_queries(14):
        wants.want_tracks(few, source=SPOTIFY, key="a")
    with django_assert_max_num_queries(14):
        wants.want_tracks(many, source=SPOTIFY, key="b")
    with django_assert_max_num_queries(14):
        wants.release_tracks(many, source=SPOTIFY, key="b")
