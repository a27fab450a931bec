"""ISRC → MusicBrainz recording for tracks that came from Spotify or a list.

Each ISRC is asked about once (`RecordingLookup`), at MusicBrainz's pace (1 request/s), a
bounded number per run so a 2,000-track playlist is resolved over successive runs without
holding a worker. A recording id is only filled in when blank and when MusicBrainz knows
exactly one recording for the ISRC: an ambiguous ISRC identifies nothing.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from automation.models import RecordingLookup
from library.models import Track
from metadata.providers import musicbrainz
from soulspot.lib.queue import enqueue

PER_RUN = 30


def tracks_to_resolve() -> QuerySet[Track]:
    asked = RecordingLookup.objects.filter(isrc=OuterRef("isrc"))
    return (
        Track.objects.filter(musicbrainz_recording_id="", monitored=True)
        .exclude(isrc="")
        .exclude(Exists(asked))
    )


def resolve_some(limit: int = PER_RUN) -> str:
    """Resolve up to `limit` ISRCs; queues itself again while some remain."""
    isrcs = list(
        tracks_to_resolve().order_by("isrc").values_list("isrc", flat=True).distinct()[:limit]
    )
    found = 0
    for isrc in isrcs:
        try:
            matches = musicbrainz.recording_by_isrc(isrc)
        except musicbrainz.MusicBrainzUnavailable as exc:
            return f"{found} of {len(isrcs)} resolved; MusicBrainz unavailable: {exc}"
        except musicbrainz.MusicBrainzError as exc:
            _remember(isrc, "", str(exc)[:200])
            continue
        recording_id = matches[0].id if len(matches) == 1 else ""
        outcome = "found" if recording_id else f"{len(matches)} recordings"
        _remember(isrc, recording_id, outcome)
        if recording_id:
            found += Track.objects.filter(isrc=isrc, musicbrainz_recording_id="").update(
                musicbrainz_recording_id=recording_id
            )
    if len(isrcs) == limit and tracks_to_resolve().exists():
        enqueue("automation.tasks.resolve_recordings")
    return f"{len(isrcs)} ISRCs looked up, {found} tracks got a MusicBrainz recording"


def _remember(isrc: str, recording_id: str, outcome: str) -> None:
    # get_or_create: a scheduled run and a re-queued one may meet on the same ISRC.
    RecordingLookup.objects.get_or_create(
        isrc=isrc, defaults={"recording_id": recording_id, "outcome": outcome}
    )
