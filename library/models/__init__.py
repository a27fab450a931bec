"""The library's models, one module per concern; import them from here (`library.models`)."""

from __future__ import annotations

from library.models.base import TimeStamped
from library.models.catalogue import WANTED_SORTS, Album, Artist, Track, WantSource
from library.models.events import HistoryEvent
from library.models.files import DuplicateGroup, TrackFile
from library.models.health import AlbumCompleteness, LibraryScan, ScanProblem
from library.models.playlists import EntryState, Playlist, PlaylistEntry
from library.models.provenance import (
    FieldConflict,
    FieldValue,
    Kind,
    MetadataSettings,
    RetagRequest,
    Source,
)
from library.models.rules import NamingScheme, QualityProfile
from library.models.wants import TrackWant

__all__ = [
    "WANTED_SORTS",
    "Album",
    "AlbumCompleteness",
    "Artist",
    "DuplicateGroup",
    "EntryState",
    "FieldConflict",
    "FieldValue",
    "HistoryEvent",
    "Kind",
    "LibraryScan",
    "MetadataSettings",
    "NamingScheme",
    "Playlist",
    "PlaylistEntry",
    "QualityProfile",
    "RetagRequest",
    "ScanProblem",
    "Source",
    "TimeStamped",
    "Track",
    "TrackFile",
    "TrackWant",
    "WantSource",
]
