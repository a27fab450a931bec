"""The want history: one append-only event per decision, and the same fact as one log line.

Every app records through `record()` (the library is below them all), so the history page,
`GET /api/history` and the JSON log tell the same story: the log line carries the event's
type, track and job ids, and the request id of whatever caused it.
"""

from __future__ import annotations

import logging

from library.models import HistoryEvent, Track

logger = logging.getLogger("soulspot.activity")
Type = HistoryEvent.Type


def record(
    type: str,
    message: str,
    *,
    track: Track | int | None = None,
    job_id: int | None = None,
    **detail: object,
) -> HistoryEvent:
    """Append one event (and log it); `detail` holds its facts as JSON-friendly values."""
    track_id = track.pk if isinstance(track, Track) else track
    event = HistoryEvent.objects.create(
        type=type, track_id=track_id, job_id=job_id, message=message[:1000], detail=detail
    )
    logger.info(
        message,
        extra={"event": type, "track_id": track_id, "job_id": job_id, "detail": detail},
    )
    return event
