"""Refreshing the catalogue from MusicBrainz, like beets' `mbsync`.

    report = refresh(Scope(album_ids=(7,)), preview=True)   # what would change; nothing kept
    report = refresh(Scope(album_ids=(7,)), preview=False)  # recorded, files re-tagged later
    answer = request_refresh(scope, preview=...)            # the API's and pages' entry point

Each album with a MusicBrainz release id costs one release lookup; its answer is recorded as
MusicBrainz's offer for the album, its album artist (when the release credits exactly that one
artist) and every local track matched to a release track (`matching`: by recording id, else
disc and position, else title). A track on no such album but with a recording id costs a
recording lookup; an artist with a MusicBrainz id an artist lookup. The engine decides what
the offers change: a manual edit keeps winning, a change of words becomes a conflict, a
changed value asks for the files to be re-tagged.

One call does at most `plan.BATCH` lookups (MusicBrainz answers one a second) and says in
`report.remaining` what is left; the task `metadata.tasks.refresh_metadata` carries on with it
(`refresh_in_batches`). A lookup that fails is reported and the refresh goes on with the next
item: nothing recorded for that item, nothing lost. `plan` turns a scope into lookups and finds
what the daily refresh takes; `run` asks and records.
"""

from __future__ import annotations

from metadata.refresh.plan import BATCH, DUE_PER_RUN, Item, Scope, due_scope, lookups_needed
from metadata.refresh.run import (
    SYNC_LOOKUPS,
    TASK,
    OpenedConflict,
    Queued,
    RefreshReport,
    RefreshTooLarge,
    queue_refresh,
    refresh,
    refresh_in_batches,
    request_refresh,
)

__all__ = [
    "BATCH",
    "DUE_PER_RUN",
    "SYNC_LOOKUPS",
    "TASK",
    "Item",
    "OpenedConflict",
    "Queued",
    "RefreshReport",
    "RefreshTooLarge",
    "Scope",
    "due_scope",
    "lookups_needed",
    "queue_refresh",
    "refresh",
    "refresh_in_batches",
    "request_refresh",
]
