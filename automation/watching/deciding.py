"""Deciding, once, what to do with a release group newly found for a watch.

In order: a type the watch does not want, or an excluded secondary type → skipped; want=none
→ found (recorded only); a future date → waiting (wanted on that day); want=future and first
released before the watch began → skipped; a single or EP whose every track is owned on
another album → skipped; otherwise the edition `choose_release_for_group` picks is wanted as
an album (`queue_album_from_release`). A row is wanted at most once: every outcome moves it out
of the undecided state (found with no reason) for good.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from automation import events
from automation.models import ReleaseGroup, WatchedArtist
from automation.watching import owned_elsewhere
from downloads.models import DownloadJob
from downloads.services import queueing
from downloads.services.errors import AlreadyQueued, UnknownRelease
from metadata.providers import musicbrainz

State = ReleaseGroup.State
Status = DownloadJob.Status
Want = WatchedArtist.Want


@dataclass(frozen=True)
class Decision:
    state: str
    reason: str


def undecided(watch: WatchedArtist) -> list[ReleaseGroup]:
    """The watch's release groups no decision was made for yet, oldest first."""
    rows = watch.releases.filter(state=State.FOUND, reason="")
    return list(rows.order_by("release_date", "pk"))


def decide(row: ReleaseGroup, *, today: date | None = None) -> str:
    """Decide what to do with `row` and record it; returns its new state. MusicBrainz being
    unreachable propagates (the row stays undecided, the next check tries again)."""
    today = today or timezone.localdate()
    watch = row.watch
    decision = _by_rules(row, watch, today)
    if decision is None:
        return want(row)
    _record(row, decision)
    return decision.state


def _by_rules(row: ReleaseGroup, watch: WatchedArtist, today: date) -> Decision | None:
    primary = (row.primary_type or "other").lower()
    if primary not in watch.release_types:
        return Decision(State.SKIPPED, f"{primary} is not a release type you watch")
    excluded = [
        s for s in (t.lower() for t in row.secondary_types) if s in watch.excluded_secondary_types
    ]
    if excluded:
        return Decision(State.SKIPPED, f"{', '.join(excluded)}: a type you excluded")
    if watch.want == Want.NONE:
        return Decision(State.FOUND, "watching only: nothing is wanted for this artist")
    if row.release_date is not None and row.release_date > today:
        return Decision(State.WAITING, f"wanted on its release date, {row.release_date}")
    if watch.want == Want.FUTURE and _before_watch(row, watch):
        return Decision(State.SKIPPED, "released before you watched")
    return None


def _before_watch(row: ReleaseGroup, watch: WatchedArtist) -> bool:
    if row.release_date is None:
        # Undated: new only if it appeared after the first check (the starting point).
        return row.found_at <= (watch.last_checked_at or row.found_at)
    return row.release_date < timezone.localdate(watch.watched_since)


@dataclass(frozen=True)
class Outcome:
    """What wanting a release group came to: its state, why, and the edition chosen."""

    state: str
    reason: str = ""
    release_id: str = ""
    release_choice: str = ""
    album_id: int | None = None


def acquire(group_id: str, primary_type: str, *, quality_profile_id: int | None = None) -> Outcome:
    """Want release group `group_id` as an album: the edition `choose_release_for_group` picks,
    unless (a single or EP) its tracks are all owned on another album. Already being downloaded
    counts as wanted, every track owned as owned: never an error to retry forever."""
    try:
        choice = musicbrainz.choose_release_for_group(group_id)
    except musicbrainz.MusicBrainzNotFound:
        return Outcome(State.SKIPPED, "MusicBrainz lists no release in this group")
    if primary_type.lower() in ("single", "ep"):
        album = owned_elsewhere.album_owning_all_tracks(choice.release_id, group_id)
        if album is not None:
            return Outcome(State.SKIPPED, f"its tracks are on {album} you own")
    return queue_release(choice.release_id, choice.reason, quality_profile_id=quality_profile_id)


def queue_release(release_id: str, note: str, *, quality_profile_id: int | None = None) -> Outcome:
    """Want the edition `release_id` as an album (`note` says why this one)."""
    try:
        job = queueing.queue_album_from_release(release_id, note=note)
    except AlreadyQueued as exc:
        job = exc.job
    except UnknownRelease as exc:
        return Outcome(State.SKIPPED, str(exc))
    if quality_profile_id and job.quality_profile_id is None:
        DownloadJob.objects.filter(pk=job.pk).update(quality_profile_id=quality_profile_id)
    owned = job.status == Status.COMPLETED and job.status_reason == queueing.ALREADY_OWNED
    state = State.OWNED if owned else State.WANTED
    reason = "every track is in the library already" if owned else ""
    return Outcome(state, reason, release_id, note[:500], job.album_id)


def want(row: ReleaseGroup) -> str:
    """Want `row` (see `acquire`) and record the outcome on it; returns its new state."""
    watch = row.watch
    outcome = acquire(
        row.musicbrainz_id, row.primary_type or "", quality_profile_id=watch.quality_profile_id
    )
    record_outcome(row, outcome)
    return outcome.state


def record_outcome(row: ReleaseGroup, outcome: Outcome) -> None:
    """Record the outcome on the row, once: a row wanted or owned already stays as it is."""
    if not outcome.release_id:
        _record(row, Decision(outcome.state, outcome.reason))
        return
    with transaction.atomic():
        updated = (
            ReleaseGroup.objects.filter(pk=row.pk)
            .exclude(state__in=[State.WANTED, State.OWNED])
            .update(
                state=outcome.state,
                reason=outcome.reason,
                release_id=outcome.release_id,
                release_choice=outcome.release_choice,
                album_id=outcome.album_id,
                wanted_at=timezone.now(),
            )
        )
        if updated and outcome.state == State.WANTED:
            events.emit(
                "release_wanted",
                f"{row.watch.artist.name} – {row.title} is wanted",
                watch_id=row.watch_id,
                release_group_id=row.musicbrainz_id,
                release_id=outcome.release_id,
                album_id=outcome.album_id,
            )


def _record(row: ReleaseGroup, decision: Decision) -> None:
    rows = ReleaseGroup.objects.filter(pk=row.pk).exclude(state__in=[State.WANTED, State.OWNED])
    rows.update(state=decision.state, reason=decision.reason[:500])
