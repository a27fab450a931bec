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

    def __getitem__(self, key: str) -> object:
        # Transitional: library/views.py, library/admin.py and a test still read
        # failure["path"] / failure["error"]; remove once they read the attributes.
        if key not in self.__dataclass_fields__:
            raise KeyError(key)
        return getattr(self, key)
