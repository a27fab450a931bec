"""Starting jobs and following their searches on slskd."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from downloads import services
from downloads.engine import albums, transfers
from downloads.engine.context import EngineRun
from downloads.engine.wants import context_for, next_candidate, save_ranked, want_for
from downloads.matching import files_from_responses, rank
from downloads.models import DownloadJob
from downloads.search_phrases import build_queries
from downloads.slskd import SearchBudgetExhausted, SlskdNotFound, SlskdProtocolError
from library import history
from library.models import Track

logger = logging.getLogger(__name__)
Status = DownloadJob.Status
# Album jobs only track their children once the folder is chosen, so they take no slot then.
SLOT_STATUSES = (Status.SEARCHING, Status.DOWNLOADING)


def busy_slots() -> int:
    return (
        DownloadJob.objects.filter(status__in=SLOT_STATUSES)
        .exclude(kind=DownloadJob.Kind.ALBUM, status=Status.DOWNLOADING)
        .count()
    )


def start_due_jobs(run: EngineRun) -> None:
    """Fill free slots with due queued jobs, most important first."""
    free = run.engine.max_concurrent - busy_slots()
    for job in DownloadJob.objects.due().with_relations()[: max(free, 0)]:
        if job.pk in run.touched:
            continue
        run.touched.add(job.pk)
        if job.track_id and not job.track.monitored:
            # Unmonitoring stops every automatic action: no search, no transfer, no retry.
            services.stop_job_of_unmonitored_track(job)
            continue
        candidate = next_candidate(job) if job.kind == DownloadJob.Kind.TRACK else None
        if candidate is not None:
            transfers.start_transfer(run, job, candidate)
        elif not start_search(run, job):
            break  # the search budget is spent: nobody else can search either


def start_search(run: EngineRun, job: DownloadJob) -> bool:
    """Search the next untried query; False when the shared search budget is exhausted."""
    query = next_query(job)
    if query is None:
        services.transition(
            job.pk, [Status.QUEUED], Status.NOT_FOUND, status_reason="", error=not_found_reason(job)
        )
        return True
    search_id = str(uuid.uuid4())
    try:
        run.client.start_search(
            query, search_id=search_id, timeout_ms=settings.SLSKD_SEARCH_TIMEOUT_MS
        )
    except SearchBudgetExhausted as exc:
        wait = int(exc.retry_after_seconds) + 1
        DownloadJob.objects.filter(pk=job.pk, status=Status.QUEUED).update(
            next_attempt_at=timezone.now() + timedelta(seconds=wait),
            status_reason=f"search limit reached ({settings.SLSKD_SEARCH_BUDGET} per "
            f"{settings.SLSKD_SEARCH_WINDOW_SECONDS} s protects you from a Soulseek ban); "
            f"next in {wait} s",
        )
        return False
    searching = services.transition(
        job.pk,
        [Status.QUEUED],
        Status.SEARCHING,
        search_id=search_id,
        search_query=query,
        tried_queries=[*job.tried_queries, query],
        status_reason=f"searching for “{query}”",
    )
    if searching and job.track_id:
        Track.objects.filter(pk=job.track_id).update(last_searched_at=timezone.now())
    return True


def next_query(job: DownloadJob) -> str | None:
    tried = set(job.tried_queries)
    return next((q for q in build_queries(want_for(job)) if q not in tried), None)


def not_found_reason(job: DownloadJob) -> str:
    queries = ", ".join(f"“{q}”" for q in job.tried_queries) or "no usable query"
    return f"no file passed the checks after searching {queries}"


def follow_searches(run: EngineRun) -> None:
    for job in DownloadJob.objects.filter(status=Status.SEARCHING).with_relations():
        if job.pk in run.touched:
            continue
        run.touched.add(job.pk)
        try:
            follow_search(run, job)
        except SlskdProtocolError as exc:
            # Garbage from slskd for this search only: search again later, keep the worker alive.
            logger.warning("search for job %s returned garbage: %s", job.pk, exc)
            _search_again_later(
                job,
                f"slskd sent an unreadable search reply; retrying ({exc})",
                tried_queries=_without_current(job),
            )


def follow_search(run: EngineRun, job: DownloadJob) -> None:
    try:
        state = run.client.search_state(job.search_id)
    except SlskdNotFound:
        # slskd restarted and forgot the search: run that query again.
        _search_again_later(
            job, "slskd lost the search; searching again", tried_queries=_without_current(job)
        )
        return
    if not state.is_complete:
        DownloadJob.objects.filter(pk=job.pk, status=Status.SEARCHING).update(
            status_reason=f"searching for “{job.search_query}”: {state.file_count} files so far"
        )
        return
    result = run.client.finish_search(job.search_id, state=state)
    files = files_from_responses(result.responses)
    if job.kind == DownloadJob.Kind.ALBUM:
        albums.choose_folder(run, job, files)
        return
    ranked = rank(want_for(job), files, context_for(job))
    accepted = save_ranked(job, ranked, job.search_query)
    history.record(
        history.Type.SEARCHED,
        f"Searched “{job.search_query}”: {len(files)} files, {accepted} passed the checks",
        track=job.track_id,
        job_id=job.pk,
        query=job.search_query,
        files=len(files),
        accepted=accepted,
    )
    candidate = next_candidate(job) if accepted else None
    if candidate is not None:
        transfers.start_transfer(run, job, candidate, from_status=Status.SEARCHING)
    else:
        reason = f"{len(files)} files for “{job.search_query}”, none passed the checks"
        _search_again_later(job, reason, delay=0)


def _without_current(job: DownloadJob) -> list[str]:
    return [q for q in job.tried_queries if q != job.search_query]


def _search_again_later(job: DownloadJob, reason: str, *, delay: int = 0, **fields: object) -> None:
    """Back to the queue: the next start tries the next fallback query (or ends not_found)."""
    services.transition(
        job.pk,
        [Status.SEARCHING],
        Status.QUEUED,
        search_id="",
        status_reason=reason[:500],
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
        **fields,
    )
