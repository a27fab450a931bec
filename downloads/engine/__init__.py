"""The download engine: short steps that move every job along, driven by a periodic pump.

No task waits for a whole transfer. The state of each job lives on its DownloadJob row; each
step reads slskd once per job and moves the job forward (see DownloadJob for the statuses):

    start_due_jobs    queued -> searching (or straight to downloading with a known candidate)
    follow_searches   searching -> downloading / queued (next fallback query) / not_found
    follow_transfers  downloading -> importing / queued (next candidate) / failed

Because everything is re-read from the database and from slskd on every step, a crash of
SoulSpot or of slskd loses nothing: the next pump simply continues. A dead worker's pump lease is
taken over at once (`pump`); a search or transfer slskd forgot in a restart is run again or
recovered from disk (`searching.follow_searches`, `transfers.follow_transfers`).
"""

from downloads.engine.pump import pump, step

__all__ = ["pump", "step"]
