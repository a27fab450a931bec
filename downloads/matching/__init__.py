"""The explainable matcher: which Soulseek search result is the file we want, and why.

Pure Python + rapidfuzz, no Django: the service layer turns rows into `Want`s, calls `rank`
(tracks) or `rank_album_folders` (albums) and stores the `Scored` verdicts for the UI.

    files = files_from_responses(slskd_responses_json)
    ranked = rank(Want(artist="Radiohead", title="Creep", duration_ms=238_000), files, ctx)
    ranked[0].accepted, ranked[0].score, ranked[0].breakdown

Weights and the reasoning behind them are documented in `downloads.matching.scoring`.
"""

from __future__ import annotations

from downloads.matching.album_folders import (
    AlbumFolder,
    ScoredFolder,
    group_album_folders,
    match_track_in_folder,
    rank_album_folders,
)
from downloads.matching.candidates import (
    MatchContext,
    Scored,
    SearchFile,
    Want,
    files_from_responses,
)
from downloads.matching.tracks import best, rank

__all__ = [
    "AlbumFolder",
    "MatchContext",
    "Scored",
    "ScoredFolder",
    "SearchFile",
    "Want",
    "best",
    "files_from_responses",
    "group_album_folders",
    "match_track_in_folder",
    "rank",
    "rank_album_folders",
]
