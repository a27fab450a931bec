"""Starting jobs and following their searches on slskd."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from downloads import search_slot, services
from downloads.engine import albums, transfers
from downloads.engine.context import EngineRun
from downloads.engine.wants import context_for, next_candidate, save_ranked, want_for
from downloads.matching import files_from_responses, rank
from downloads.models import DownloadJob, ManualSearch
from downloads.search_phrases import build_queries
from downloads.services.search_backoff import record_fruitless_search
from downloads.slskd import (
    SearchBudgetExhausted,
    SlskdError,
    SlskdNotFound,
    SlskdNotLoggedIn,
    SlskdProtocolError,
    SlskdRateLimited,
    SlskdUnauthorized,
    SlskdUnreachable,
)
from library import history
from library.models import Track

logger = logging.getLogger(__name__)
Status = DownloadJob.Status
# Album jobs only track their children once the folder is chosen, so they take no slot then.
SLOT_STATUSES = (Status.SEARCHING, Status.DOWNLOADING)
# What `start_search` did.
SEARCHING, NOT_FOUND, SLOT_BUSY, BUDGET_SPENT = "searching", "not_found", "slot_busy", "budget"
SEARCH_FAILED = "search_failed"
REFUSED_PREFIX = "slskd refused the search"
# slskd as a whole cannot search (down, logged out, busy, wrong key or URL): every job waits and
# the step stops. Any other refusal (a 400 for this query, a 500) is this job's alone.
DAEMON_ERRORS = (
    SlskdUnreachable,
    SlskdUnauthorized,
    SlskdNotLoggedIn,
    SlskdRateLimited,
    SlskdNotFound,
)
# Due jobs looked at beyond the free slots, so one with a candidate left can start its transfer
# while those ahead of it wait for the search slot.
SEARCH_WAIT_LOOKAHEAD = 20


def busy_slots() -> int:
    return (
        DownloadJob.objects.filter(status__in=SLOT_STATUSES)
        .exclude(kind=DownloadJob.Kind.ALBUM, status=Status.DOWNLOADING)
        .count()
    )


def start_due_jobs(run: EngineRun) -> None:
    """Fill free slots with due queued jobs, most important first; at most one search runs.

    A job with a candidate left starts its transfer at once; a job that needs a search waits
    while another search holds the search slot (any process's, manual searches included).
    """
    free = run.engine.max_concurrent - busy_slots()
    if free <= 0:
        return
    gate = _SearchGate(run)
    waiting: list[int] = []
    for job in DownloadJob.objects.due().with_relations()[: free + SEARCH_WAIT_LOOKAHEAD]:
        if free <= 0:
            break
        if job.pk in run.touched:
            continue
        if job.track_id and not job.track.monitored:
            # Unmonitoring stops every automatic action: no search, no transfer, no retry.
            run.touched.add(job.pk)
            services.stop_job_of_unmonitored_track(job)
            continue
        candidate = next_candidate(job) if job.kind == DownloadJob.Kind.TRACK else None
        if candidate is None and not gate.is_open():
            if gate.blocked_by_slot:
                waiting.append(job.pk)
            continue
        run.touched.add(job.pk)
        if candidate is not None:
            transfers.start_transfer(run, job, candidate)
            free -= 1
            continue
        outcome = start_search(run, job)
        if outcome == SEARCHING:
            free -= 1
        elif outcome == SLOT_BUSY:
            waiting.append(job.pk)
        if outcome not in (NOT_FOUND, SEARCH_FAILED):
            # One search per step; a spent budget leaves the others' reasons as they are.
            gate.close(blocked_by_slot=outcome != BUDGET_SPENT)
    _explain_search_wait(waiting)


class _SearchGate:
    """Whether this step may start a search; asks the search slot only when a job needs one."""

    def __init__(self, run: EngineRun) -> None:
        self.run = run
        self._open: bool | None = None
        self.blocked_by_slot = True

    def is_open(self) -> bool:
        if self._open is None:
            self._open = _slot_looks_free(self.run)
        return self._open

    def close(self, *, blocked_by_slot: bool) -> None:
        self._open, self.blocked_by_slot = False, blocked_by_slot


def _slot_looks_free(run: EngineRun) -> bool:
    """No search in flight, and no manual search waiting for its turn (a person is waiting)."""
    if manual_search_waiting():
        return False
    held = search_slot.current()
    if held is None:
        return True
    if DownloadJob.objects.filter(status=Status.SEARCHING, search_id=held.search_id).exists():
        return False  # our own search, followed by `follow_searches`
    return search_slot.release_if_finished(run.client) is None


def manual_search_waiting() -> bool:
    """A manual search that has not finished yet, recent enough that its task still runs."""
    window = search_slot.manual_max_wait_seconds() + search_slot.manual_lease_seconds()
    since = timezone.now() - timedelta(seconds=window)
    running = ManualSearch.objects.filter(status=ManualSearch.Status.RUNNING, created_at__gte=since)
    return running.exists()


def _explain_search_wait(job_ids: list[int]) -> None:
    if not job_ids:
        return
    DownloadJob.objects.filter(pk__in=job_ids, status=Status.QUEUED).exclude(
        status_reason=search_slot.WAIT_REASON
    ).update(status_reason=search_slot.WAIT_REASON)


def start_search(run: EngineRun, job: DownloadJob) -> str:
    """Search the next untried query, holding the search slot while it runs.

    Returns SEARCHING, NOT_FOUND (no query left: the job ends not_found), SLOT_BUSY (another
    search holds the slot), BUDGET_SPENT (the shared search budget is exhausted) or
    SEARCH_FAILED (slskd refused this job's search: recorded on the job, which backs off).
    """
    query = next_query(job)
    if query is None:
        error = not_found_reason(job)
        if job.status_reason.startswith(REFUSED_PREFIX):
            error = f"{error}; {job.status_reason}"  # say why the last search never ran
        if services.transition(
            job.pk, [Status.QUEUED], Status.NOT_FOUND, status_reason="", error=error
        ):
            record_fruitless_search(job.track_id)
        return NOT_FOUND
    search_id = str(uuid.uuid4())
    lease = search_slot.engine_lease_seconds()
    if not search_slot.claim(search_id, f"download #{job.pk}", seconds=lease):
        return SLOT_BUSY
    try:
        run.client.start_search(
            query, search_id=search_id, timeout_ms=settings.SLSKD_SEARCH_TIMEOUT_MS
        )
    except SearchBudgetExhausted as exc:
        search_slot.release(search_id)
        wait = int(exc.retry_after_seconds) + 1
        DownloadJob.objects.filter(pk=job.pk, status=Status.QUEUED).update(
            next_attempt_at=timezone.now() + timedelta(seconds=wait),
            status_reason=f"search limit reached ({settings.SLSKD_SEARCH_BUDGET} per "
            f"{settings.SLSKD_SEARCH_WINDOW_SECONDS} s protects you from a Soulseek ban)",
        )
        return BUDGET_SPENT
    except DAEMON_ERRORS as exc:
        # A search that may be running anyway keeps the slot until slskd says it is over.
        if not search_slot.may_have_started(exc):
            search_slot.release(search_id)
        raise
    except SlskdError as exc:
        if not isinstance(exc, SlskdProtocolError) or (exc.status or 0) >= 400:
            # An error status is slskd's answer that it started no search for this query.
            search_slot.release(search_id)
            _search_failed(job, query, exc)
            return SEARCH_FAILED
        # A garbled 2xx: the search is most likely running under our id, so follow it; if
        # slskd does not know it, `follow_search` puts the query back.
        logger.warning("slskd's reply to the search of job %s was unreadable: %s", job.pk, exc)
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
    return SEARCHING


def _search_failed(job: DownloadJob, query: str, exc: SlskdError) -> None:
    """Count the query as tried and back off, so a refused query costs one search, not one per
    step; once every query has been tried the job ends not_found like any other."""
    tried = [*job.tried_queries, query]
    wait = services.backoff_seconds(len(tried))
    logger.warning("search for job %s refused by slskd: %s", job.pk, exc)
    reason = f"{REFUSED_PREFIX} for “{query}” ({exc}); next try in {wait} s"
    DownloadJob.objects.filter(pk=job.pk, status=Status.QUEUED).update(
        tried_queries=tried,
        next_attempt_at=timezone.now() + timedelta(seconds=wait),
        status_reason=reason[:500],
    )
    history.record(
        history.Type.SEARCHED,
        f"Search “{query}” refused by slskd: {exc}"[:500],
        track=job.track_id,
        job_id=job.pk,
        query=query,
        files=0,
        accepted=0,
    )


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
        search_slot.release(job.search_id)
        _search_again_later(
            job, "slskd lost the search; searching again", tried_queries=_without_current(job)
        )
        return
    if not state.is_complete:
        if not search_slot.renew(job.search_id, seconds=search_slot.engine_lease_seconds()):
            logger.warning("search of job %s runs without the search slot", job.pk)
        DownloadJob.objects.filter(pk=job.pk, status=Status.SEARCHING).update(
            status_reason=f"searching for “{job.search_query}”: {state.file_count} files so far"
        )
        return
    search_slot.release(job.search_id)  # slskd is done searching; reading replies needs no slot
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
