"""Release checks: browse a watch's release groups, record the new ones, decide each once.

A 1-minute tick checks due watches one at a time, oldest `next_check_at` first, until none is
due or its time budget is spent. Each check claims its watch (`claimed_until`), so two workers
never check one artist together; a finished check moves `next_check_at` 12 hours on (plus the
watch's own offset). A worker killed mid-run therefore resumes with the artists it had not
reached: those already checked are not due any more.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from automation import events
from automation.models import ReleaseGroup, WatchedArtist
from automation.watching import deciding, followed
from automation.watching.watches import CHECK_INTERVAL, spread_offset
from metadata.providers import cache, musicbrainz

State = ReleaseGroup.State
# A check is expected to end well within this; a worker killed mid-check frees it after it.
CLAIM_FOR = timedelta(minutes=15)
# A tick starts no new check after this many seconds (the next tick carries on).
TICK_BUDGET_SECONDS = 240


@dataclass
class CheckResult:
    found: int = 0
    new: int = 0
    decided: dict[str, int] | None = None

    def summary(self) -> str:
        counts = ", ".join(f"{n} {state}" for state, n in sorted((self.decided or {}).items()))
        return f"{self.found} release groups, {self.new} new" + (f" ({counts})" if counts else "")


def due_watches() -> list[int]:
    """Ids of the watches due for a check and not claimed, oldest due first."""
    now = timezone.now()
    rows = WatchedArtist.objects.filter(
        Q(next_check_at__isnull=True) | Q(next_check_at__lte=now),
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
    )
    return list(
        rows.order_by(F("next_check_at").asc(nulls_first=True), "pk").values_list("pk", flat=True)
    )


def check_due_watches(budget_seconds: float = TICK_BUDGET_SECONDS) -> str:
    """The tick: check due watches one at a time within the time budget."""
    started = time.monotonic()
    checked = 0
    for watch_id in due_watches():
        if time.monotonic() - started > budget_seconds:
            break
        if check_watch(watch_id) is not None:
            checked += 1
    promoted = promote_due_releases()
    summary = f"checked {checked} watched artist(s); {promoted} release(s) reached their date"
    try:
        return f"{summary}; {followed.watch_followed_artists()}"
    except musicbrainz.MusicBrainzUnavailable as exc:
        return f"{summary}; followed artists not looked up: {exc}"


def claim(watch_id: int) -> bool:
    """Claim the watch for one check; False when another worker holds it."""
    now = timezone.now()
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    return (
        WatchedArtist.objects.filter(free, pk=watch_id).update(claimed_until=now + CLAIM_FOR) == 1
    )


def check_watch(watch_id: int) -> CheckResult | None:
    """Check one watch now (None when it is gone or another worker is checking it)."""
    if not claim(watch_id):
        return None
    watch = WatchedArtist.objects.select_related("artist").filter(pk=watch_id).first()
    if watch is None:
        return None
    try:
        result = _check(watch)
    except musicbrainz.MusicBrainzError as exc:
        _finish(watch, error=f"MusicBrainz: {exc}")
        return CheckResult()
    _finish(watch, result=result.summary())
    return result


def _check(watch: WatchedArtist) -> CheckResult:
    with cache.bypass():  # a release check exists to see what is new: never a day-old list
        groups = musicbrainz.release_groups_of_artist(watch.musicbrainz_id)
    result = CheckResult(found=len(groups), decided={})
    new_rows = _record_groups(watch, groups)
    result.new = len(new_rows)
    if watch.last_checked_at is not None:
        for row in new_rows:
            _announce(watch, row)
    for row in deciding.undecided(watch):
        state = deciding.decide(row)
        result.decided[state] = result.decided.get(state, 0) + 1
    return result


def _record_groups(
    watch: WatchedArtist, groups: list[musicbrainz.ReleaseGroupHit]
) -> list[ReleaseGroup]:
    """Upsert a row per group (title, types and date may change on MusicBrainz); the new rows."""
    known = {row.musicbrainz_id: row for row in watch.releases.all()}
    new_rows = []
    with transaction.atomic():
        for group in groups:
            fields = {
                "title": group.title[:500],
                "primary_type": (group.primary_type or "")[:20],
                "secondary_types": [s.lower() for s in group.secondary_types],
                "first_release_date": (group.first_release_date or "")[:10],
                "release_date": release_day(group.first_release_date),
            }
            row = known.get(group.id)
            if row is None:
                new_rows.append(
                    ReleaseGroup.objects.create(watch=watch, musicbrainz_id=group.id, **fields)
                )
            elif any(getattr(row, name) != value for name, value in fields.items()):
                ReleaseGroup.objects.filter(pk=row.pk).update(**fields)
    return new_rows


def _announce(watch: WatchedArtist, row: ReleaseGroup) -> None:
    events.emit(
        "new_release",
        f"New release by {watch.artist.name}: {row.title} ({row.first_release_date or 'no date'})",
        watch_id=watch.pk,
        release_group_id=row.musicbrainz_id,
        title=row.title,
        primary_type=row.primary_type,
        first_release_date=row.first_release_date,
    )


def _finish(watch: WatchedArtist, *, result: str = "", error: str = "") -> None:
    now = timezone.now()
    WatchedArtist.objects.filter(pk=watch.pk).update(
        last_checked_at=now if not error else watch.last_checked_at,
        next_check_at=now
        + (CHECK_INTERVAL if not error else timedelta(hours=1))
        + spread_offset(watch),
        last_result=result[:1000] if result else watch.last_result,
        error=error[:1000],
        claimed_until=None,
    )


def promote_due_releases(today: date | None = None) -> int:
    """Release groups waiting for their date that reached it are wanted now."""
    today = today or timezone.localdate()
    rows = ReleaseGroup.objects.filter(state=State.WAITING, release_date__lte=today)
    promoted = 0
    for row in rows.select_related("watch__artist").order_by("release_date", "pk"):
        try:
            deciding.want(row)
        except musicbrainz.MusicBrainzUnavailable:
            break  # MusicBrainz is down: the next tick tries again
        promoted += 1
    return promoted


def request_check(watch_id: int | None = None) -> int:
    """ "Check now": the watch (or every watch) falls due at once; returns how many."""
    rows = (
        WatchedArtist.objects.all()
        if watch_id is None
        else WatchedArtist.objects.filter(pk=watch_id)
    )
    return rows.update(next_check_at=timezone.now())


def release_day(first_release_date: str | None) -> date | None:
    """MusicBrainz's "2024", "2024-05" or "2024-05-01" as the earliest day it can mean."""
    parts = (first_release_date or "").split("-")
    try:
        numbers = [int(p) for p in parts if p] + [1, 1]
        return date(numbers[0], numbers[1], numbers[2]) if parts[0] else None
    except (ValueError, IndexError):
        return None
