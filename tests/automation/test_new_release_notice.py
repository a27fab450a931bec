"""A release group added to MusicBrainz after the watch began is wanted at the next check,
and an Apprise webhook (json://) receives "new release found": the whole path, in one test."""

from __future__ import annotations

import pytest
from django.utils import timezone

from automation import tasks
from automation.models import NotificationDelivery, ReleaseGroup
from automation.notifications import services
from automation.watching import checks, watches
from automation.watching.watches import WatchOptions
from fakes.metadata_services import FakeMusicBrainz
from metadata.providers import cache
from tests.automation.notify_support import listening
from tests.automation.watch_support import ARTIST, add_discography
from tests.metadata_support import catalog, fake_fixture

pytestmark = pytest.mark.django_db
fake = fake_fixture(FakeMusicBrainz)
__all__ = ["catalog"]  # fixtures


def test_a_new_release_is_wanted_and_announced_to_the_webhook(fake, catalog) -> None:
    disco = add_discography(catalog)
    with listening() as listener:
        services.create_target(listener.url(), events=["new_release", "release_wanted"])
        watch = watches.watch_musicbrainz_artist(disco.artist_id, WatchOptions(want="future"))
        checks.check_watch(watch.pk)  # the starting point: nothing old is wanted
        added = catalog.add_release(
            "Third Wave", ARTIST, ["Wave 1"], date=timezone.localdate().isoformat()
        )
        with cache.bypass():  # within a day the discography would come from the provider cache
            checks.check_watch(watch.pk)
        tasks.dispatch_notifications()
        for pk in NotificationDelivery.objects.values_list("pk", flat=True):
            tasks.send_notification(pk)

        row = watch.releases.get(musicbrainz_id=added.release_group_id)
        assert row.state == ReleaseGroup.State.WANTED
        titles = [body["title"] for body in listener.bodies()]
        assert "SoulSpot: New release found" in titles
        assert any("Third Wave" in body["message"] for body in listener.bodies())
