"""Importing the file the download engine hands over (a DownloadJob in `importing`).

The contract with the engine: it moves the job to `importing` with `local_path` set and
enqueues `metadata.tasks.import_download`. We finish with `complete_job` (the file is in the
library, or the library already had it as good or better) or `fail_candidate` (the file was
bad: it is quarantined, the candidate is marked wrong for this want, and the engine moves on
to the next candidate). Re-running the task for the same job resumes or repeats safely.
"""

from __future__ import annotations

import logging
from pathlib import Path

from downloads import services as download_services
from downloads.models import DownloadJob
from library.models import QualityProfile
from library.safe_files import CrashHook
from metadata.importer import pipeline
from metadata.models import ImportItem

logger = logging.getLogger(__name__)
State = ImportItem.State
# An import that crashed this many times is not retried again for the same file: the engine
# gets it back and tries another candidate (or gives up), so nothing loops forever.
MAX_ATTEMPTS = 3


def import_download(job_id: int, *, crash_hook: CrashHook | None = None) -> str:
    """Import the downloaded file of job `job_id`; returns what happened, in a few words."""
    job = (
        DownloadJob.objects.select_related(
            "track",
            "track__artist",
            "track__album",
            "track__album__artist",
            "candidate",
            "quality_profile",
        )
        .filter(pk=job_id)
        .first()
    )
    if job is None:
        return f"job #{job_id} is gone"
    if job.status != DownloadJob.Status.IMPORTING:
        return f"job #{job_id} is {job.status}: nothing to import"
    if job.track is None or not job.local_path:
        reason = "the engine handed over no track or no file to import"
        download_services.fail_candidate(job.pk, reason, wrong_file=False)
        return f"job #{job_id}: {reason}"
    item = _item_for(job)
    earlier = _conclude_earlier_run(job, item)
    if earlier:
        return earlier
    ImportItem.objects.filter(pk=item.pk).update(attempts=item.attempts + 1)
    try:
        outcome = pipeline.import_file(_request(job, item, crash_hook))
    except Exception as exc:  # kept for the attempt counter's message, then raised as is
        ImportItem.objects.filter(pk=item.pk).update(reason=f"{type(exc).__name__}: {exc}"[:1000])
        raise
    return _report(job, outcome)


def _item_for(job: DownloadJob) -> ImportItem:
    """This handoff's record: same file, created since the job last entered `importing`.

    (A later candidate may be downloaded to the same local path; it gets a fresh record.)
    """
    item = (
        ImportItem.objects.filter(
            download_job=job, source_path=job.local_path, created_at__gte=job.state_changed_at
        )
        .order_by("-pk")
        .first()
    )
    return item or ImportItem.objects.create(
        download_job=job, source_path=job.local_path, track=job.track
    )


def _conclude_earlier_run(job: DownloadJob, item: ImportItem) -> str:
    """An earlier run got far enough that only telling the engine is left (or gave up)."""
    if item.state in (State.IMPORTED, State.SKIPPED, State.QUARANTINED, State.FAILED):
        return _report(job, pipeline.Outcome(item.state, item.reason, item.library_path))
    if item.attempts >= MAX_ATTEMPTS:
        reason = f"import failed {item.attempts} times; last problem: {item.reason or 'crash'}"
        ImportItem.objects.filter(pk=item.pk).update(state=State.FAILED, reason=reason[:1000])
        download_services.fail_candidate(job.pk, reason, wrong_file=False)
        return f"job #{job.pk}: {reason}"
    return ""


def _request(job: DownloadJob, item: ImportItem, hook: CrashHook | None) -> pipeline.Request:
    profile = job.quality_profile
    ladder = profile.ladder if profile else _default_ladder()
    return pipeline.Request(
        source=Path(job.local_path),
        item=item,
        track=job.track,
        ladder=list(ladder),
        expected_duration_ms=job.track.duration_ms,
        expected_size=job.candidate.size if job.candidate else None,
        quarantine_bad=True,
        crash_hook=hook,
    )


def _default_ladder() -> list[str]:
    return QualityProfile.get_default().ladder


def _report(job: DownloadJob, outcome: pipeline.Outcome) -> str:
    """Hand the result back to the download engine."""
    if outcome.state in (State.IMPORTED, State.SKIPPED):
        download_services.complete_job(job.pk, outcome.library_path)
        verb = "imported to" if outcome.state == State.IMPORTED else "kept the library's"
        return f"job #{job.pk}: {verb} {outcome.library_path}"
    if outcome.state == State.QUARANTINED:
        reason = f"quarantined: {outcome.reason}"
        download_services.fail_candidate(job.pk, reason, wrong_file=True)
        return f"job #{job.pk}: {reason}"
    download_services.fail_candidate(job.pk, outcome.reason, wrong_file=False)
    return f"job #{job.pk}: import failed: {outcome.reason}"
