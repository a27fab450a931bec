"""The one shape for "what a bulk action left out, and why", shared by every app."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Skipped:
    """One item (a path, a track, an album entry) a bulk action did not act on."""

    item: str
    reason: str
