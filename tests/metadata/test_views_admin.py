"""The import pipeline's admin pages load, and their actions call the services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from metadata.models import AlbumCover, ImportBatch, ImportItem, MetadataGap
from tests.factories import AlbumFactory, TrackFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["importbatch", "importitem", "metadatagap", "albumcover"])
def test_changelists_load(logged_in_client, model) -> None:
    batch = ImportBatch.objects.create(path="/in")
    ImportItem.objects.create(batch=batch, source_path="/in/a.flac", state="failed", reason="x")
    MetadataGap.objects.create(track=TrackFactory(), kind="cover")
    AlbumCover.objects.create(album=AlbumFactory(), image_url="https://i.example/a.jpg")

    response = logged_in_client.get(reverse(f"admin:metadata_{model}_changelist"))

    assert response.status_code == 200


def test_the_fill_in_action_retries_the_chosen_gaps(logged_in_client) -> None:
    gap = MetadataGap.objects.create(track=TrackFactory(), kind="musicbrainz")

    response = logged_in_client.post(
        reverse("admin:metadata_metadatagap_changelist"),
        {"action": "fill_now", "_selected_action": [gap.pk]},
    )

    assert response.status_code == 302
    gap.refresh_from_db()
    assert gap.attempts == 1  # providers are off in tests: tried, pushed back


def test_the_admin_cannot_add_or_re_point_an_import_batch(logged_in_client) -> None:
    """A batch made or edited here would bypass SOULSPOT_IMPORT_DIRS (issue 10, finding 1)."""
    batch = ImportBatch.objects.create(path="/in", status="completed")

    add = logged_in_client.post(
        reverse("admin:metadata_importbatch_add"), {"path": "/etc", "keep_source": "on"}
    )
    change = logged_in_client.post(
        reverse("admin:metadata_importbatch_change", args=[batch.pk]),
        {"path": "/etc", "keep_source": "on", **INLINE_MANAGEMENT},
    )

    assert add.status_code == 403
    assert change.status_code in (200, 302)
    assert list(ImportBatch.objects.values_list("path", flat=True)) == ["/in"]


INLINE_MANAGEMENT = {
    "items-TOTAL_FORMS": "0",
    "items-INITIAL_FORMS": "0",
    "items-MIN_NUM_FORMS": "0",
    "items-MAX_NUM_FORMS": "0",
}
