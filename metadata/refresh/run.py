"""Running a refresh: asking MusicBrainz for each job and recording its answers."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from library import normalize
from library.models import Album, FieldConflict, Source, Track
from library.provenance import engine
from library.provenance.engine import Change
from library.provenance.fields import Row, kind_of
from metadata import musicbrainz_values as values
from metadata.models import RefreshMiss
from metadata.providers import cache
from metadata.providers import musicbrainz as mb
from metadata.providers.base import ProviderUnavailable
from metadata.refresh import plan as planning
from metadata.refresh.matching import match_tracks
from metadata.refresh.plan import Item, Job, Scope, item_of
from soulspot.lib.errors import SoulSpotError
from soulspot.lib.queue import enqueue

# A refresh asked for over the API answers at once up to this many lookups (a few seconds);
# a larger one is queued, and cannot be previewed.
SYNC_LOOKUPS = 5


@dataclass(frozen=True)
class OpenedConflict:
    kind: str
    object_id: int
    label: str
    field: str
    offers: list[dict]


@dataclass
class RefreshReport:
    """What a refresh did (or, in a preview, would do)."""

    preview: bool
    changes: list[Change] = field(default_factory=list)
    conflicts: list[OpenedConflict] = field(default_factory=list)
    refreshed: list[Item] = field(default_factory=list)
    skipped: list[Item] = field(default_factory=list)  # no MusicBrainz id, not on the release
    not_found: list[Item] = field(default_factory=list)  # MusicBrainz has no such id (any more)
    errors: list[Item] = field(default_factory=list)  # MusicBrainz unavailable or refused
    remaining: Scope | None = None
    unavailable: ProviderUnavailable | None = None

    def __str__(self) -> str:
        verb = "would change" if self.preview else "changed"
        text = f"{len(self.refreshed)} refreshed, {verb} {len(self.changes)} values"
        counts = {
            "conflicts": len(self.conflicts),
            "skipped": len(self.skipped),
            "not found": len(self.not_found),
            "failed": len(self.errors),
        }
        return text + "".join(f", {n} {what}" for what, n in counts.items() if n)


def refresh(scope: Scope, *, preview: bool, limit: int | None = None) -> RefreshReport:
    """Ask MusicBrainz again about `scope` (at most `limit` lookups) and record its answers.

    With `preview` nothing is kept: the answers are recorded inside a transaction that is
    rolled back, so the report lists the changes a refresh would make and no value, conflict
    or re-tag request survives. Lookups happen outside any transaction.
    """
    report = RefreshReport(preview=preview)
    jobs, report.remaining = planning.plan(scope, limit or planning.BATCH, report.skipped)
    answers = ((job, _fetch(job, report)) for job in jobs)
    if preview:
        fetched = [(job, answer) for job, answer in answers if answer is not None]
        engine.dry_run(lambda: [_record(job, answer, report) for job, answer in fetched])
    else:
        for job, answer in answers:
            if answer is not None:
                _record(job, answer, report)
    return report


class RefreshTooLarge(SoulSpotError):
    """A preview was asked for more than can be looked up while the client waits."""


@dataclass(frozen=True)
class Queued:
    """A refresh too large to wait for, queued; `lookups` None for the whole library."""

    lookups: int | None
    detail: str = "refresh queued"


def request_refresh(scope: Scope, *, preview: bool) -> RefreshReport | Queued:
    """What the API and pages call: a small scope is refreshed (or previewed) now and its
    report returned; a larger one is queued (`Queued`). A preview of a larger one is refused
    (RefreshTooLarge); so is a small refresh MusicBrainz answered none of (its
    ProviderUnavailable is raised, nothing was recorded)."""
    lookups = planning.lookups_needed(scope)
    if lookups is None or lookups > SYNC_LOOKUPS:
        if preview:
            raise RefreshTooLarge(
                f"too large to preview: at most {SYNC_LOOKUPS} MusicBrainz lookups "
                "(one per album, artist or loose track); refresh it without a preview"
            )
        queue_refresh(scope)
        return Queued(lookups)
    report = refresh(scope, preview=preview)
    if report.unavailable is not None and not report.refreshed:
        raise report.unavailable
    return report


# -- asking and recording --------------------------------------------------------------------


def _fetch(job: Job, report: RefreshReport) -> Any:
    """MusicBrainz's answer for `job`, or None after reporting why there is none."""
    row = job.row
    try:
        with _fresh_answers():
            if isinstance(row, Album):
                return mb.get_release(row.musicbrainz_release_id)
            if isinstance(row, Track):
                return mb.get_recording(row.musicbrainz_recording_id)
            return mb.get_artist(row.musicbrainz_id)
    except mb.MusicBrainzNotFound:
        entity, mb_id = _asked_for(row)
        report.not_found.append(item_of(row, f"MusicBrainz has no {entity} {mb_id}"))
        if not report.preview:
            RefreshMiss.objects.update_or_create(
                kind=kind_of(row),
                object_id=row.pk,
                defaults={"musicbrainz_id": mb_id, "missed_at": timezone.now()},
            )
    except mb.MusicBrainzError as exc:
        report.errors.append(item_of(row, str(exc)))
        if isinstance(exc, ProviderUnavailable):
            report.unavailable = exc
    return None


def _fresh_answers() -> contextlib.AbstractContextManager:
    # A refresh must see MusicBrainz's current answer, not one remembered for 30 days; the
    # fresh answer is stored, so later imports benefit from it.
    return cache.bypass()


def _record(job: Job, answer: Any, report: RefreshReport) -> None:
    """Record one answer, all of it or nothing, and note the conflicts it opened."""
    with transaction.atomic(), _noting_conflicts(job, report):
        # The rows as they are now, not as they were before the lookup: an edit made while
        # MusicBrainz was answering must not be saved over.
        row = type(job.row).objects.filter(pk=job.row.pk).first()
        RefreshMiss.objects.filter(kind=kind_of(job.row), object_id=job.row.pk).delete()
        if row is None:
            report.skipped.append(item_of(job.row, "deleted during the refresh"))
        elif isinstance(answer, mb.ReleaseInfo):
            _record_release(row, answer, job.tracks, report)
        else:
            offer = (
                values.recording_values(answer)
                if isinstance(answer, mb.RecordingMatch)
                else values.artist_values(answer)
            )
            report.changes += engine.record(row, Source.MUSICBRAINZ, offer)
            report.refreshed.append(item_of(row))


def _record_release(
    album: Album, release: mb.ReleaseInfo, only: tuple[Track, ...] | None, report: RefreshReport
) -> None:
    if only is None:
        report.changes += engine.record(album, Source.MUSICBRAINZ, values.album_values(release))
        _record_album_artist(album, release, report)
        report.refreshed.append(item_of(album))
        tracks = album.tracks.all()
    else:
        tracks = Track.objects.filter(pk__in=[t.pk for t in only])
    matched, unmatched = match_tracks(list(tracks.select_related("artist").order_by("pk")), release)
    for track, medium, release_track in matched:
        offer = values.track_values(medium, release_track)
        report.changes += engine.record(track, Source.MUSICBRAINZ, offer)
        report.refreshed.append(item_of(track))
    report.skipped += [item_of(t, "not on the MusicBrainz release") for t in unmatched]


def _record_album_artist(album: Album, release: mb.ReleaseInfo, report: RefreshReport) -> None:
    """Offer the release's artist fields to the album's artist row, only when that row is
    the release's artist: already carrying its id, or carrying none and the same name."""
    offer = values.album_artist_values(release)
    artist = Album.objects.select_related("artist").get(pk=album.pk).artist
    if offer is None or artist.musicbrainz_id not in ("", offer["musicbrainz_id"]):
        return
    if not artist.musicbrainz_id and normalize.differs_in_words(artist.name, offer["name"]):
        return
    report.changes += engine.record(artist, Source.MUSICBRAINZ, offer)


@contextlib.contextmanager
def _noting_conflicts(job: Job, report: RefreshReport) -> Iterator[None]:
    """Add to the report the conflicts the recording inside opened on the job's rows."""
    rows = _conflict_rows(job)
    before = set(rows.values_list("pk", flat=True))
    yield
    for conflict in rows.exclude(pk__in=before).order_by("pk"):
        report.conflicts.append(
            OpenedConflict(
                conflict.kind,
                conflict.object_id,
                conflict.label,
                conflict.field,
                conflict.offers,
            )
        )


def _conflict_rows(job: Job) -> models.QuerySet:
    row = job.row
    open_ones = FieldConflict.objects.open()
    if not isinstance(row, Album):
        return open_ones.filter(kind=kind_of(row), object_id=row.pk)
    # An album's refresh touches the album, its tracks and its artist.
    return open_ones.filter(
        models.Q(album_id=row.pk) | models.Q(kind="artist", object_id=row.artist_id)
    )


TASK = "metadata.tasks.refresh_metadata"


def queue_refresh(scope: Scope) -> None:
    """Refresh `scope` in the background, a batch at a time (`refresh_in_batches`)."""
    enqueue(TASK, scope.as_dict())


def refresh_in_batches(scope: Scope) -> str:
    """Refresh the first batch of `scope` now and queue the rest; a summary for the task log.
    When MusicBrainz answered nothing in this batch (it is down), nothing more is queued."""
    report = refresh(scope, preview=False)
    gave_up = report.unavailable is not None and not report.refreshed
    if report.remaining is not None and not gave_up:
        queue_refresh(report.remaining)
        return f"MusicBrainz refresh: {report}; the rest queued"
    return f"MusicBrainz refresh: {report}" + (
        "; MusicBrainz unavailable, stopped" if gave_up else ""
    )


def _asked_for(row: Row) -> tuple[str, str]:
    """What a lookup asked MusicBrainz for: ("release", its id)."""
    if isinstance(row, Album):
        return "release", row.musicbrainz_release_id
    if isinstance(row, Track):
        return "recording", row.musicbrainz_recording_id
    return "artist", row.musicbrainz_id
