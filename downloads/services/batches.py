"""One action applied to many jobs (or many wants created at once); one refusal never stops
the others."""

from __future__ import annotations

from dataclasses import dataclass

from downloads.models import DownloadJob
from downloads.services import job_actions, queueing
from downloads.services.errors import AlreadyQueued, DownloadError


@dataclass
class BatchResult:
    job_id: int | None
    ok: bool
    error: str = ""


def run_batch(action: str, *, ids: list[int], items: list[dict]) -> list[BatchResult]:
    """Apply one action to many jobs; one refusal never stops the others."""
    if action == "create":
        return [_create_one(item) for item in items]
    act = {
        "retry": job_actions.retry_job,
        "cancel": job_actions.cancel_job,
        "pause": job_actions.pause_job,
        "resume": job_actions.resume_job,
    }[action]
    jobs = {job.pk: job for job in DownloadJob.objects.with_relations().filter(pk__in=ids)}
    results = []
    for job_id in ids:
        if job_id not in jobs:
            results.append(BatchResult(job_id, False, "no such download"))
            continue
        try:
            act(jobs[job_id])
            results.append(BatchResult(job_id, True))
        except DownloadError as exc:
            results.append(BatchResult(job_id, False, str(exc)))
    return results


def _create_one(item: dict) -> BatchResult:
    try:
        return BatchResult(queueing.queue_track_download(**item).pk, True)
    except AlreadyQueued as exc:
        return BatchResult(exc.job.pk, False, str(exc))
    except DownloadError as exc:
        return BatchResult(None, False, str(exc))
