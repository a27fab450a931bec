"""Download engine tasks: thin wrappers that call one service each."""

from __future__ import annotations


def pump_engine() -> str:
    """Advance every active job one step (search, transfer, handoff) for a bounded time."""
    from downloads import engine
    from downloads.services.transitions import pump_started

    pump_started()  # from now on a wake queues the next pump: this one may miss new work
    return engine.pump()


def run_manual_search(search_id: int) -> str:
    """Run one search from the search page."""
    from downloads.models import ManualSearch
    from downloads.searches import run_manual_search as run

    search = ManualSearch.objects.filter(pk=search_id, status=ManualSearch.Status.RUNNING).first()
    if search is None:
        return "gone or already finished"
    search = run(search)
    return f"{search.status}: {len(search.results)} results"


def import_download(job_id: int) -> str:
    """Import the file the engine handed over (job in `importing`) and record the outcome."""
    from downloads.engine import handoff

    return handoff.import_download(job_id)


def resume_handoffs() -> str:
    """Re-enqueue imports of downloads that a worker crash or restart interrupted."""
    from downloads.engine import handoff

    job_ids = handoff.resume_stalled_handoffs(handoff.STALE_AFTER)
    return f"re-queued {len(job_ids)} imports"


def take_over_dead_handoffs() -> str:
    """Re-enqueue, within a minute, imports whose worker process died on this host."""
    from downloads.engine import handoff

    job_ids = handoff.resume_handoffs_of_dead_runners()
    return f"took over {len(job_ids)} imports"


def reconcile_jobs() -> str:
    """At start: complete live jobs the library already has, re-queue those whose transfer is
    gone (never fail them for it)."""
    from downloads.services.reconcile import reconcile_live_jobs

    return str(reconcile_live_jobs())


def search_missing_on_schedule() -> str:
    """Queue searches for missing tracks that are due, within the search budget."""
    from downloads.services.wanted import search_due_wanted

    return search_due_wanted("missing").summary()


def search_cutoff_unmet_on_schedule() -> str:
    """Queue upgrade searches for tracks below cutoff that are due, within the search budget."""
    from downloads.services.wanted import search_due_wanted

    return search_due_wanted("cutoff_unmet").summary()
