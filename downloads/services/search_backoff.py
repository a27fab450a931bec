"""Per-track search backoff: a track searched again and again without a result is searched
automatically less and less often (Lidarr searches the same hopeless tracks every day).

Only automatic (scheduled) searches respect the wait: a search the user asks for runs at once.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from library.models import Track

HOUR = 3600
# Wait after the 1st, 2nd, 3rd... search in a row that found nothing; the last one repeats.
BACKOFF_STEPS_SECONDS = (
    1 * HOUR,
    6 * HOUR,
    24 * HOUR,
    3 * 24 * HOUR,
    7 * 24 * HOUR,
    14 * 24 * HOUR,
    30 * 24 * HOUR,
)
MAX_FAILURES = 32767  # the column's ceiling; the wait stopped growing long before


def search_backoff_seconds(failures: int) -> int:
    """How long a track waits after `failures` fruitless searches in a row (30 days at most)."""
    if failures <= 0:
        return 0
    return BACKOFF_STEPS_SECONDS[min(failures, len(BACKOFF_STEPS_SECONDS)) - 1]


@transaction.atomic
def record_fruitless_search(track_id: int | None) -> None:
    """A job for this track ended without a file (not found, or failed after all attempts):
    count it and push the track's next automatic search back."""
    if track_id is None:
        return
    # No ordering: the default one joins the artist and album, which PostgreSQL cannot lock.
    locked = Track.objects.select_for_update().filter(pk=track_id).order_by()
    track = locked.only("search_failures").first()
    if track is None:
        return
    failures = min(track.search_failures + 1, MAX_FAILURES)
    wait = timedelta(seconds=search_backoff_seconds(failures))
    Track.objects.filter(pk=track_id).update(
        search_failures=failures, next_search_at=timezone.now() + wait
    )
