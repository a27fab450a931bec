"""The admin's side of refreshing: the misses list, and the action the library's pages get."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse
from django_q.models import OrmQ

from library.models import Album, Artist, Track
from metadata.admin import refresh_from_musicbrainz
from metadata.models import RefreshMiss
from tests.factories import AlbumFactory, ArtistFactory, TrackFactory

pytestmark = pytest.mark.django_db


def test_the_misses_changelist_loads(logged_in_client) -> None:
    RefreshMiss.objects.create(kind="album", object_id=1, musicbrainz_id="gone-release-id")

    response = logged_in_client.get(reverse("admin:metadata_refreshmiss_changelist"))

    assert response.status_code == 200
    assert b"gone-release-id" in response.content


class _Admin(admin.ModelAdmin):
    said = ""

    def message_user(self, request, message, *args, **kwargs) -> None:
        self.said = message


@pytest.mark.parametrize(
    ("model", "factory", "field"),
    [
        (Album, AlbumFactory, "album_ids"),
        (Track, TrackFactory, "track_ids"),
        (Artist, ArtistFactory, "artist_ids"),
    ],
)
def test_the_action_queues_a_refresh_of_the_chosen_rows(model, factory, field) -> None:
    rows = [factory(), factory()]
    model_admin = _Admin(model, admin.site)

    refresh_from_musicbrainz(model_admin, None, model.objects.filter(pk__in=[r.pk for r in rows]))

    (queued,) = OrmQ.objects.all()
    _path, _request_id, scope = queued.task["args"]
    assert sorted(scope[field]) == sorted(r.pk for r in rows)
    assert model_admin.said == "Refreshing 2 from MusicBrainz in the background."
