"""Watched artists, their release groups and the automation events in the admin."""

from __future__ import annotations

import pytest
from django.utils import timezone

from automation import events
from automation.models import ReleaseGroup, WatchedArtist
from tests.factories import ArtistFactory

pytestmark = pytest.mark.django_db


def _watch() -> WatchedArtist:
    artist = ArtistFactory(name="Dynamo Go", musicbrainz_id="0" * 8 + "-0000-4000-8000-" + "0" * 12)
    return WatchedArtist.objects.create(artist=artist, musicbrainz_id=artist.musicbrainz_id)


def test_the_changelists_render(admin_client) -> None:
    watch = _watch()
    ReleaseGroup.objects.create(watch=watch, musicbrainz_id="1" * 36, title="First Light")
    events.emit("new_release", "New release by Dynamo Go: First Light", watch_id=watch.pk)

    for model in ["watchedartist", "releasegroup", "automationevent"]:
        response = admin_client.get(f"/admin/automation/{model}/")
        assert response.status_code == 200, model
    assert b"First Light" in admin_client.get("/admin/automation/releasegroup/").content


def test_check_now_makes_the_watch_due(admin_client) -> None:
    watch = _watch()
    later = timezone.now() + timezone.timedelta(hours=5)
    WatchedArtist.objects.filter(pk=watch.pk).update(next_check_at=later)

    response = admin_client.post(
        "/admin/automation/watchedartist/",
        {"action": "check_now", "_selected_action": [watch.pk]},
    )

    assert response.status_code == 302
    watch.refresh_from_db()
    assert watch.next_check_at <= timezone.now()
