"""Wants that come from sources (Spotify playlists, Liked Songs, imported lists...), in bulk.

A source records itself as a reason (`TrackWant`) for each track it wants. Only a NEW reason
wants a track: a track the user unmonitored stays unmonitored while the same playlist keeps
listing it, so a sync never undoes the user's decision. A source that stops asking for a track
removes its reason; the track stops being wanted only when no reason is left (another
playlist, an album, the user's own want) and it is not owned yet. Owned tracks stay as they are.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from library import history
from library.models import Track, TrackWant

# Rows written per transaction: short transactions let the worker in between on SQLite.
CHUNK = 500


def want_tracks(track_ids: Iterable[int], *, source: str, key: str, why: str = "") -> list[int]:
    """Record `source`/`key` as a reason to want each track; returns the ids that gained this
    reason now (each is monitored, and wanted unless owned). `why` ends the history line."""
    ids = list(dict.fromkeys(track_ids))
    gained: list[int] = []
    for start in range(0, len(ids), CHUNK):
        gained += _want_chunk(ids[start : start + CHUNK], source=source, key=key, why=why)
    return gained


@transaction.atomic
def _want_chunk(ids: list[int], *, source: str, key: str, why: str) -> list[int]:
    have = set(
        TrackWant.objects.filter(source=source, key=key, track_id__in=ids).values_list(
            "track_id", flat=True
        )
    )
    new = [pk for pk in ids if pk not in have]
    if not new:
        return []
    TrackWant.objects.bulk_create(
        [TrackWant(track_id=pk, source=source, key=key) for pk in new], ignore_conflicts=True
    )
    tracks = Track.objects.filter(pk__in=new)
    before = {row["pk"]: row for row in tracks.values("pk", "monitored", "status")}
    now = timezone.now()
    tracks.filter(want_source="").update(want_source=source)
    tracks.filter(monitored=False).update(monitored=True, updated_at=now)
    waiting = [Track.Status.KNOWN, Track.Status.IGNORED]
    tracks.filter(status__in=waiting).update(status=Track.Status.WANTED, wanted_at=now)
    changed = [pk for pk in new if not before[pk]["monitored"] or before[pk]["status"] in waiting]
    _record(history.Type.WANTED, "Wanted", changed, why, source=source, key=key)
    return new


def release_tracks(track_ids: Iterable[int], *, source: str, key: str, why: str = "") -> list[int]:
    """`source`/`key` no longer wants these tracks; returns the ids that stopped being wanted
    (no reason left, not owned): unmonitored and back to known, each in the history."""
    ids = list(dict.fromkeys(track_ids))
    released: list[int] = []
    for start in range(0, len(ids), CHUNK):
        released += _release_chunk(ids[start : start + CHUNK], source=source, key=key, why=why)
    return released


def release_all_but(keep: Iterable[int], *, source: str, key: str, why: str = "") -> list[int]:
    """Keep `source`/`key`'s reason only for the tracks in `keep` (a synced playlist's current
    members); release every other track it wanted."""
    kept = set(keep)
    held = TrackWant.objects.filter(source=source, key=key).values_list("track_id", flat=True)
    return release_tracks(
        [pk for pk in held.order_by("track_id") if pk not in kept], source=source, key=key, why=why
    )


@transaction.atomic
def _release_chunk(ids: list[int], *, source: str, key: str, why: str) -> list[int]:
    TrackWant.objects.filter(source=source, key=key, track_id__in=ids).delete()
    still_wanted = TrackWant.objects.filter(track_id__in=ids).values("track_id")
    orphans = Track.objects.filter(pk__in=ids, status=Track.Status.WANTED).exclude(
        pk__in=still_wanted
    )
    released = list(orphans.order_by("pk").values_list("pk", flat=True))
    Track.objects.filter(pk__in=released).update(
        monitored=False, status=Track.Status.KNOWN, updated_at=timezone.now()
    )
    _record(history.Type.UNMONITORED, "No longer wanted:", released, why, source=source, key=key)
    return released


def reasons_for(track_id: int) -> list[TrackWant]:
    return list(TrackWant.objects.filter(track_id=track_id).order_by("created_at", "pk"))


def _record(type: str, verb: str, ids: list[int], why: str, **detail: str) -> None:
    if not ids:
        return
    names = {t.pk: str(t) for t in Track.objects.with_relations().filter(pk__in=ids)}
    suffix = f" ({why})" if why else ""
    history.record_many(
        type,
        [history.Event(f"{verb} {names[pk]}{suffix}", pk, detail=detail) for pk in ids],
    )
