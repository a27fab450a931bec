"""Manual searches: the user searches, reads every verdict, and picks a file by hand."""

from __future__ import annotations

import time
import uuid
from dataclasses import asdict

from django.conf import settings
from django.db import transaction

from downloads import search_slot, services
from downloads.engine.wants import candidate_row, context_for
from downloads.matching import SearchFile, Want, files_from_responses, rank
from downloads.models import Candidate, DownloadJob, ManualSearch
from downloads.search_phrases import build_queries
from downloads.slskd import SlskdClient, SlskdError, client_from_settings
from library import catalog
from soulspot.lib.queue import enqueue

MAX_RESULTS_SHOWN = 150
# How often a manual search waiting for the search slot looks again.
SLOT_POLL_SECONDS = 1.0


def start_manual_search(
    *, artist: str, title: str, album: str = "", duration_ms: int | None = None
) -> ManualSearch:
    if not artist.strip() or not title.strip():
        raise services.DownloadError("artist and title are both required")
    search = ManualSearch.objects.create(
        artist=artist.strip(), title=title.strip(), album=album.strip(), duration_ms=duration_ms
    )
    transaction.on_commit(lambda: enqueue("downloads.tasks.run_manual_search", search.pk))
    return search


def run_manual_search(search: ManualSearch) -> ManualSearch:
    """Search slskd (blocking, bounded by slskd's search timeout) and keep the ranked verdicts.

    The search waits its turn for the search slot (the engine yields it to a waiting person)
    rather than failing at once: the user asked for results, and the wait is one search long.
    """
    want = Want(
        artist=search.artist,
        title=search.title,
        album=search.album or None,
        duration_ms=search.duration_ms,
    )
    queries = build_queries(want)
    query = queries[0] if queries else f"{search.artist} {search.title}"
    client = client_from_settings()
    if client is None:
        return _finish(search, ManualSearch.Status.FAILED, query, error="slskd is not configured")
    search_id = str(uuid.uuid4())
    with client:
        if not _wait_for_slot(search, client, search_id):
            waited = int(search_slot.manual_lease_seconds())
            error = f"another search kept Soulseek busy for {waited} s; search again in a moment"
            return _finish(search, ManualSearch.Status.FAILED, query, error=error)
        try:
            result = client.search(
                query,
                search_id=search_id,
                timeout_ms=settings.SLSKD_SEARCH_TIMEOUT_MS,
                max_wait_s=search_slot.manual_max_wait_seconds(),
            )
        except SlskdError as exc:
            if not search_slot.may_have_started(exc):
                search_slot.release(search_id)
            return _finish(search, ManualSearch.Status.FAILED, query, error=str(exc))
        search_slot.release(search_id)
    ranked = rank(want, files_from_responses(result.responses), context_for(DownloadJob()))
    results = [
        {
            **asdict(v.file),
            "accepted": v.accepted,
            "reason": v.rejection_reason or "",
            "score": round(v.score, 2),
            "quality": v.quality or "",
            "breakdown": v.breakdown,
        }
        for v in ranked[:MAX_RESULTS_SHOWN]
    ]
    return _finish(search, ManualSearch.Status.DONE, query, results=results)


def _wait_for_slot(search: ManualSearch, client: SlskdClient, search_id: str) -> bool:
    """Claim the search slot, polling while another search holds it; False after the longest
    any search may hold it (then something is wrong, and the user is told)."""
    holder = f"manual search #{search.pk}"
    lease = search_slot.manual_lease_seconds()
    deadline = time.monotonic() + lease
    waited = False
    while not search_slot.claim(search_id, holder, seconds=lease):
        if not waited:
            ManualSearch.objects.filter(pk=search.pk).update(status_reason=search_slot.WAIT_REASON)
            waited = True
        if time.monotonic() >= deadline:
            return False
        # The holder may have stopped following a finished search (a cancelled job).
        search_slot.release_if_finished(client)
        time.sleep(SLOT_POLL_SECONDS)
    if waited:
        ManualSearch.objects.filter(pk=search.pk).update(status_reason="")
    return True


def _finish(search: ManualSearch, status: str, query: str, **fields: object) -> ManualSearch:
    ManualSearch.objects.filter(pk=search.pk).update(
        status=status, query=query, status_reason="", **fields
    )
    search.refresh_from_db()
    return search


@transaction.atomic
def pick_result(search: ManualSearch, index: int) -> DownloadJob:
    """Download the chosen result; the other accepted results stay as fallbacks, in order."""
    if not 0 <= index < len(search.results):
        raise services.DownloadError("that result does not exist")
    track = catalog.find_or_create_track(
        artist=search.artist, title=search.title, album=search.album, duration_ms=search.duration_ms
    )
    job = services.queue_download_for_track(track)
    chosen = search.results[index]
    fallbacks = [r for i, r in enumerate(search.results) if r["accepted"] and i != index]
    rows = []
    for rank_position, result in enumerate([chosen, *fallbacks], start=1):
        row = candidate_row(
            job, SearchFile(**{k: result[k] for k in SearchFile.__dataclass_fields__}), search.query
        )
        row.rank, row.score, row.breakdown = rank_position, result["score"], result["breakdown"]
        rows.append(row)
    Candidate.objects.bulk_create(rows)
    return job
