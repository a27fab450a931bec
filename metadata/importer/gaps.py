"""Recording what an import could not learn, so the fill-in task can ask again later."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from library.models import Track
from metadata.importer.enrich import Enrichment
from metadata.models import MetadataGap

FIRST_RETRY_MINUTES = 15
MAX_RETRY_MINUTES = 24 * 60


def retry_delay(attempts: int) -> timedelta:
    """15 min, 30 min, 1 h... capped at a day: a long outage is not hammered."""
    minutes = FIRST_RETRY_MINUTES * 2 ** max(attempts - 1, 0)
    return timedelta(minutes=min(minutes, MAX_RETRY_MINUTES))


def record_many(found: list[tuple[Track, Enrichment]]) -> None:
    """`record` for the files of a batch chunk, in one DELETE and one INSERT when they agree."""
    by_answered: dict[frozenset[str], list[int]] = {}
    for track, result in found:
        if result.answered:
            by_answered.setdefault(frozenset(result.answered), []).append(track.pk)
    for kinds, track_ids in by_answered.items():
        MetadataGap.objects.filter(track_id__in=track_ids, kind__in=kinds).delete()
    _open_gaps([(track, result.gaps) for track, result in found if result.gaps])


def record(track: Track, result: Enrichment, *, attempted: bool = False) -> None:
    """Close the gaps a provider answered and open (or push back) the ones it could not.

    `attempted` is True for the fill-in task, whose failed retries count towards the backoff.
    """
    if result.answered:
        MetadataGap.objects.filter(track=track, kind__in=result.answered).delete()
    if not result.gaps:
        return
    if attempted:
        _push_back(track, result.gaps, timezone.now())
    else:
        _open_gaps([(track, result.gaps)])


def _open_gaps(found: list[tuple[Track, dict[str, str]]]) -> None:
    """Insert new gaps (first retry after a while); a gap already open keeps its schedule."""
    if not found:
        return
    now = timezone.now()
    MetadataGap.objects.bulk_create(
        [
            MetadataGap(
                track=track,
                kind=kind,
                reason=reason[:500],
                next_attempt_at=now + retry_delay(1),
                updated_at=now,
            )
            for track, gaps in found
            for kind, reason in gaps.items()
        ],
        update_conflicts=True,
        unique_fields=["track", "kind"],
        update_fields=["reason", "updated_at"],
    )


def _push_back(track: Track, gaps: dict[str, str], now: object) -> None:
    for kind, reason in gaps.items():
        gap, _ = MetadataGap.objects.get_or_create(
            track=track, kind=kind, defaults={"reason": reason[:500]}
        )
        attempts = gap.attempts + 1
        MetadataGap.objects.filter(pk=gap.pk).update(
            attempts=F("attempts") + 1,
            reason=reason[:500],
            updated_at=now,
            next_attempt_at=now + retry_delay(attempts),
        )
