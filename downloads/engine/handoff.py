"""Handing a downloaded file to the importer and recording what it says on the job.

The engine moves a job to `importing` with `local_path` set and enqueues
`downloads.tasks.import_download`. The importer (`metadata.importer.pipeline`) returns an
outcome and knows nothing of jobs; here that outcome becomes `complete_job` (the file is in the
library, or the library already had it as good or better, and other jobs for the track are
settled) or `fail_candidate` (the file was bad: it is quarantined, the candidate is marked wrong
for this want, and the engine moves on). Re-running the task for the same job resumes safely.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from downloads import services as download_services
from downloads.engine.wants import owned_quality
from downloads.models import DownloadJob
from library import history
from library.models import QualityProfile
from library.quality import QUALITIES
from library.safe_files import CrashHook
from metadata.importer import pipeline
from metadata.models import ImportItem
from soulspot.lib.processes import holder_id, holder_is_dead
from soulspot.lib.queue import enqueue

logger = logging.getLogger(__name__)
State = ImportItem.State
Purpose = DownloadJob.Purpose
# An import that crashed this many times is not retried again for the same file: the engine
# gets it back and tries another candidate (or gives up), so nothing loops forever.
MAX_ATTEMPTS = 3
# An import whose record has not moved for this long belongs to a worker that died.
STALE_AFTER = timedelta(minutes=15)


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
            "import_item",
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
    ImportItem.objects.filter(pk=item.pk).update(attempts=item.attempts + 1, runner=holder_id())
    try:
        request = _request(job, item, crash_hook)
        replaced = _owned_quality(job, request.ladder)  # before the new file replaces it
        outcome = pipeline.import_file(request)
    except Exception as exc:  # kept for the attempt counter's message, then raised as is
        ImportItem.objects.filter(pk=item.pk).update(reason=f"{type(exc).__name__}: {exc}"[:1000])
        raise
    return _report(job, outcome, replaced=replaced)


def _owned_quality(job: DownloadJob, ladder: list[str]) -> str | None:
    if job.purpose != DownloadJob.Purpose.UPGRADE:
        return None
    return owned_quality(job, ladder) or None


def _item_for(job: DownloadJob) -> ImportItem:
    """This handoff's record: same file, created since the job last entered `importing`.

    (A later candidate may be downloaded to the same local path; it gets a fresh record.)
    """
    item = job.import_item
    if item and item.source_path == job.local_path and item.created_at >= job.state_changed_at:
        return item
    item = ImportItem.objects.create(source_path=job.local_path, track=job.track)
    DownloadJob.objects.filter(pk=job.pk).update(import_item=item)
    return item


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
        replace_equal=job.purpose == DownloadJob.Purpose.REDOWNLOAD,
        crash_hook=hook,
    )


def _default_ladder() -> list[str]:
    return QualityProfile.get_default().ladder


def _report(job: DownloadJob, outcome: pipeline.Outcome, *, replaced: str | None = None) -> str:
    """Record the importer's outcome on the job; the engine takes it from there."""
    if outcome.state in (State.IMPORTED, State.SKIPPED):
        completed = download_services.complete_job(job.pk, outcome.library_path)
        download_services.settle_jobs_for_owned_track(
            job.track, outcome.library_path, except_job=job.pk
        )
        verb = "imported to" if outcome.state == State.IMPORTED else "kept the library's"
        if completed:  # once, however often the task runs
            history.record(
                history.Type.IMPORTED,
                f"{verb.capitalize()} {outcome.library_path}",
                track=job.track,
                job_id=job.pk,
                path=outcome.library_path,
                outcome=outcome.state,
            )
        if completed and outcome.state == State.IMPORTED and job.purpose == Purpose.UPGRADE:
            _record_upgrade(job, outcome, replaced)
        return f"job #{job.pk}: {verb} {outcome.library_path}"
    if outcome.state == State.QUARANTINED:
        reason = f"quarantined: {outcome.reason}"
        download_services.fail_candidate(job.pk, reason, wrong_file=True)
        return f"job #{job.pk}: {reason}"
    download_services.fail_candidate(job.pk, outcome.reason, wrong_file=False)
    return f"job #{job.pk}: import failed: {outcome.reason}"


def _record_upgrade(job: DownloadJob, outcome: pipeline.Outcome, replaced: str | None) -> None:
    new = job.candidate.quality if job.candidate else ""
    before = QUALITIES.get(replaced or "", "the old file")
    history.record(
        history.Type.UPGRADED,
        f"Upgraded from {before} to {QUALITIES.get(new, new)}: {outcome.library_path}",
        track=job.track,
        job_id=job.pk,
        from_quality=replaced,
        to_quality=new,
        path=outcome.library_path,
    )


def resume_stalled_handoffs(stale_after: timedelta) -> list[int]:
    """Re-enqueue the import of jobs whose worker died mid-import (their record went quiet)."""
    cutoff = timezone.now() - stale_after
    stalled = (
        DownloadJob.objects.filter(status=DownloadJob.Status.IMPORTING, state_changed_at__lt=cutoff)
        .exclude(import_item__updated_at__gte=cutoff)
        .values_list("pk", flat=True)
    )
    job_ids = list(stalled)
    for job_id in job_ids:
        enqueue("downloads.tasks.import_download", job_id)
    return job_ids


def resume_handoffs_of_dead_runners() -> list[int]:
    """Re-enqueue the imports whose worker process died on this host (killed, crashed).

    Clearing the dead runner is the claim: of two schedulers looking at once, one re-enqueues,
    and the new run records itself as the runner when it starts.
    """
    running = DownloadJob.objects.filter(
        status=DownloadJob.Status.IMPORTING, import_item__runner__gt=""
    ).values_list("pk", "import_item_id", "import_item__runner")
    job_ids = []
    for job_id, item_id, runner in running:
        if not holder_is_dead(runner):
            continue
        if ImportItem.objects.filter(pk=item_id, runner=runner).update(runner="") == 1:
            enqueue("downloads.tasks.import_download", job_id)
            job_ids.append(job_id)
    return job_ids
