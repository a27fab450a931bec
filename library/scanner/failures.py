"""What a library action reports for a file it could not handle (re-tag, duplicate resolution)."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class FailedFile:
    """A TrackFile an action left as it was, and why (a sentence for the user)."""

    file_id: int
    path: str
    error: str

    def as_json(self) -> dict[str, object]:
        """The entry stored in `DuplicateGroup.resolution` (a JSON list)."""
        return asdict(self)
