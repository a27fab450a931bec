"""Import tasks: thin wrappers that re-fetch by id and call one service each."""

from __future__ import annotations

from library.models import Album
from metadata import refresh, services
from metadata.models import ImportBatch

# A completeness batch stays well inside the queue's task timeout (MusicBrainz: 1 request/s).
COMPLETENESS_BUDGET_SECONDS = 240


def run_folder_import(batch_id: int) -> str:
    """Import a folder the user already has (queued by the API or the UI)."""
    batch = services.run_folder_import(batch_id)
    return _summary(batch_id, batch)


def resume_folder_import(batch_id: int) -> str:
    """Continue a folder import whose worker died."""
    batch = services.run_folder_import(batch_id, resume=True)
    return _summary(batch_id, batch)


def fill_metadata_gaps() -> str:
    """Ask the providers again for covers, lyrics and MusicBrainz data imports lacked."""
    return services.fill_metadata_gaps()


def resume_imports() -> str:
    """Pick up folder imports whose worker died (every minute)."""
    return services.resume_stalled_imports()


def clean_leftovers() -> str:
    """Recover interrupted moves, remove stale staging copies (at start and every 30 minutes)."""
    return services.clean_leftovers()


def check_album_completeness(album_id: int) -> str:
    """Compare one album with its release's track list."""
    if not Album.objects.filter(pk=album_id).exists():
        return f"album #{album_id} is gone"
    row = services.check_album_completeness(album_id)
    state = "complete" if row.is_complete else f"{len(row.missing)} missing"
    return f"album #{album_id}: {row.owned_count}/{row.expected_count} owned, {state}"


def check_due_albums() -> str:
    """Periodic: check albums never checked or checked more than 30 days ago, for a while."""
    checked = services.check_due_albums(COMPLETENESS_BUDGET_SECONDS)
    return f"checked {checked} albums"


def _summary(batch_id: int, batch: ImportBatch | None) -> str:
    if batch is None:
        return f"folder import #{batch_id} is not waiting to run"
    return (
        f"folder import #{batch.pk} {batch.status}: {batch.imported} imported, "
        f"{batch.skipped} skipped, {batch.failed} failed of {batch.total}"
    )


def prune_provider_cache() -> str:
    """Daily: delete expired provider answers (their hit/miss counts are kept)."""
    from metadata.providers import cache

    return f"{cache.clear_expired()} expired provider answers deleted"


def refresh_metadata(scope: dict) -> str:
    """Refresh from MusicBrainz (`metadata.refresh`): one batch of lookups, the rest queued
    again. A batch MusicBrainz answered none of (it is down) queues nothing more: the daily
    refresh asks again about whatever is still stale."""
    return refresh.refresh_in_batches(refresh.Scope.from_dict(scope))


def refresh_due_metadata() -> str:
    """Daily: refresh the albums and tracks whose MusicBrainz values are older than the
    metadata settings' `refresh_after_days`, oldest first, a bounded number per day."""
    scope = refresh.due_scope()
    if scope is None:
        return "nothing to refresh from MusicBrainz"
    return refresh.refresh_in_batches(scope)


def fill_missing_genres() -> str:
    """Daily: Last.fm genres for owned tracks that have none from it yet."""
    from metadata.importer import enrich

    return f"asked Last.fm about {enrich.fill_missing_genres()} tracks"
