"""The library-problem check tells of each problem once per occurrence: new broken files, low
free space, slskd unreachable for 10 minutes, Spotify needing reconnection."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import SpotifyConnection
from automation import tasks
from automation.models import AutomationEvent, NotificationDelivery, NotificationState
from automation.notifications import services
from tests.automation.notify_support import listening
from tests.factories import TrackFileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _enough_space(settings) -> None:
    settings.SOULSPOT_MIN_FREE_BYTES = 0


def told() -> list[str]:
    return list(
        AutomationEvent.objects.filter(kind="library_problem")
        .order_by("pk")
        .values_list("message", flat=True)
    )


def test_nothing_wrong_tells_nothing() -> None:
    assert tasks.check_library_problems() == "no new library problems"
    assert told() == []


def test_new_broken_files_are_told_once() -> None:
    NotificationState.get()
    TrackFileFactory(path="/music/fine.flac")
    TrackFileFactory(path="/music/bad.flac", is_broken=True, broken_reason="truncated")

    tasks.check_library_problems()
    tasks.check_library_problems()

    assert told() == ["1 new broken file: /music/bad.flac"]


def test_low_disk_is_told_once_until_it_recovers_and_happens_again(settings) -> None:
    huge = 2**62
    settings.SOULSPOT_MIN_FREE_BYTES = huge
    tasks.check_library_problems()
    tasks.check_library_problems()
    settings.SOULSPOT_MIN_FREE_BYTES = 0
    tasks.check_library_problems()
    settings.SOULSPOT_MIN_FREE_BYTES = huge
    tasks.check_library_problems()

    messages = told()
    assert len(messages) == 2
    assert messages[0].startswith("Low disk space: ") and str(settings.MUSIC_DIR) in messages[0]


def test_slskd_is_told_after_ten_minutes_unreachable_once_per_outage(
    settings, slskd_factory
) -> None:
    fake = slskd_factory()
    running_url = settings.SLSKD_URL
    assert tasks.check_library_problems() == "no new library problems"
    fake.stop()

    tasks.check_library_problems()  # down, but not for 10 minutes yet
    assert told() == []
    _backdate_slskd_outage(minutes=11)
    tasks.check_library_problems()
    tasks.check_library_problems()
    [message] = told()
    assert message.startswith("slskd unreachable for 11 minutes")

    slskd_factory()  # back (a new fake) ends the outage
    tasks.check_library_problems()
    assert NotificationState.get().slskd_down_since is None
    settings.SLSKD_URL = running_url  # the stopped one: a second outage
    tasks.check_library_problems()
    _backdate_slskd_outage(minutes=12)
    tasks.check_library_problems()
    assert len(told()) == 2


def _backdate_slskd_outage(minutes: int) -> None:
    since = timezone.now() - timedelta(minutes=minutes)
    NotificationState.objects.filter(pk=1).update(slskd_down_since=since)


def test_spotify_needing_reconnection_is_told_once() -> None:
    SpotifyConnection.objects.create(spotify_user_id="me", error="refresh token revoked")
    tasks.check_library_problems()
    tasks.check_library_problems()
    SpotifyConnection.objects.filter(pk=1).update(error="")
    tasks.check_library_problems()

    assert told() == ["Spotify needs reconnecting: refresh token revoked"]


def test_a_library_problem_reaches_a_target_that_chose_it(settings) -> None:
    settings.SOULSPOT_MIN_FREE_BYTES = 2**62
    with listening() as listener:
        services.create_target(listener.url(), ["library_problem"])
        tasks.check_library_problems()
        tasks.dispatch_notifications()
        for pk in NotificationDelivery.objects.values_list("pk", flat=True):
            tasks.send_notification(pk)

    [body] = listener.bodies()
    assert body["title"] == "SoulSpot: Library problem found"
    assert body["message"].startswith("Low disk space")
