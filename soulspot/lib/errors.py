"""The domain errors every app raises, and the HTTP status each one means.

Services raise these (or subclasses named for their app: `DownloadError`, `ScanError`...);
the API maps them to a status with `{"detail": message}` in one place (`soulspot/api.py`) and
the pages show the message. Anything else is a bug and surfaces as a 500, never hidden.

Status by class: `SoulSpotError` 400 (the request cannot be carried out as asked: a path outside
the music folder, an unknown quality), `NotFound` 404, `Conflict` 409 (the object's state
forbids it: already queued, not running), `Invalid` 422 (well-formed values that break a rule).
"""

from __future__ import annotations


class SoulSpotError(Exception):
    """A request the service refuses; the message says why, in words for the user."""

    http_status = 400

    def body(self) -> dict:
        """The API answer: `{"detail": message}`, plus the fields a subclass documents."""
        return {"detail": str(self)}


class NotFound(SoulSpotError):
    """The object the request names does not exist (any more)."""

    http_status = 404


class Conflict(SoulSpotError):
    """The object exists but its state forbids the request (already queued, already running)."""

    http_status = 409


class Invalid(SoulSpotError):
    """The request is well-formed but its values break a rule its schema cannot express."""

    http_status = 422
