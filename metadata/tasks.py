"""Import tasks: thin wrappers that re-fetch by id and call one service each."""

from __future__ import annotations

from metadata import services
from metadata.models import ImportBatch


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
    """Pick up imports a restart interrupted."""
    return services.resume_stalled_imports()


def _summary(batch_id: int, batch: ImportBatch | None) -> str:
    if batch is None:
        return f"folder import #{batch_id} is not waiting to run"
    return (
        f"folder import #{batch.pk} {batch.status}: {batch.imported} imported, "
        f"{batch.skipped} skipped, {batch.failed} failed of {batch.total}"
    )
