"""The want history: one append-only event per decision, and the same fact as one log line.

Every app records through `record()` (the library is below them all), so the history page,
`GET /api/history` and the JSON log tell the same story: the log line carries the event's
type, track and job ids, and the request id of whatever caused it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from library.models import HistoryEvent, Track
from soulspot.lib.request_id import current_request_id

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
    _log(event)
    return event


@dataclass(frozen=True)
class Event:
    """One event of a `record_many` call."""

    message: str
    track_id: int | None = None
    job_id: int | None = None
    detail: dict = field(default_factory=dict)


def record_many(type: str, events: list[Event]) -> list[HistoryEvent]:
    """Append many events of one type in one INSERT (an album or artist cascade), each logged."""
    rows = HistoryEvent.objects.bulk_create(
        [
            HistoryEvent(
                type=type,
                track_id=event.track_id,
                job_id=event.job_id,
                message=event.message[:1000],
                detail=event.detail,
            )
            for event in events
        ]
    )
    for row in rows:
        _log(row)
    return rows


def _log(event: HistoryEvent) -> None:
    # The request id is set here as well as by the handlers' filter, so that the record
    # itself carries it (whoever handles it) and the line names the request that caused it.
    logger.info(
        event.message,
        extra={
            "event": event.type,
            "track_id": event.track_id,
            "job_id": event.job_id,
            "detail": event.detail,
            "request_id": current_request_id(),
        },
    )
