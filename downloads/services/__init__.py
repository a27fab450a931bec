"""Download services: creating wants, user actions on jobs, engine callbacks, global switches.

The HTMX views, the REST API, the admin actions and the tasks all call these functions, through
this package (`from downloads import services`). Each module holds one concern:

* `queueing`          creating wants (a track, an album)
* `job_actions`       what the user does to a job (pause, resume, cancel, retry, "wrong file",
                      remove)
* `batches`           one action on many jobs
* `blocklist`         rejected files and blocked peers
* `engine_callbacks`  what the engine and the import handoff report (failed file, completed job)
* `library_actions`   re-download broken files, want missing tracks (library pages' actions)
* `wanted`            searching the wanted lists (missing, cutoff unmet)
* `switches`          pause everything, resume, concurrency
* `transitions`       race-safe status changes and the "one live job per track" rule
* `errors`            what these refuse
"""

from __future__ import annotations

from downloads.services.batches import BatchResult, run_batch
from downloads.services.blocklist import remove_rejected_file, set_peer_blocked
from downloads.services.engine_callbacks import (
    backoff_seconds,
    complete_job,
    fail_candidate,
    record_peer_result,
    settle_jobs_for_owned_track,
    settle_jobs_of_owned_tracks,
    stop_job_of_unmonitored_track,
)
from downloads.services.errors import (
    AlreadyQueued,
    DownloadError,
    InvalidTransition,
    UnknownRelease,
)
from downloads.services.job_actions import (
    cancel_job,
    pause_job,
    reject_candidate,
    remove_job,
    resume_job,
    retry_job,
    set_priority,
)
from downloads.services.library_actions import (
    redownload_broken_files,
    want_missing_tracks,
    want_tracks_again,
)
from downloads.services.queueing import (
    queue_album_download,
    queue_album_from_release,
    queue_album_from_release_group,
    queue_download_for_track,
    queue_track_download,
)
from downloads.services.switches import pause_all, resume_all, update_engine
from downloads.services.transitions import transition, wake_engine
from downloads.services.wanted import WantedSearch, search_all_wanted, search_wanted_tracks

__all__ = [
    "AlreadyQueued",
    "BatchResult",
    "DownloadError",
    "InvalidTransition",
    "UnknownRelease",
    "WantedSearch",
    "backoff_seconds",
    "cancel_job",
    "complete_job",
    "fail_candidate",
    "pause_all",
    "pause_job",
    "queue_album_download",
    "queue_album_from_release",
    "queue_album_from_release_group",
    "queue_download_for_track",
    "queue_track_download",
    "record_peer_result",
    "redownload_broken_files",
    "reject_candidate",
    "remove_job",
    "remove_rejected_file",
    "resume_all",
    "resume_job",
    "retry_job",
    "run_batch",
    "search_all_wanted",
    "search_wanted_tracks",
    "set_peer_blocked",
    "set_priority",
    "settle_jobs_for_owned_track",
    "settle_jobs_of_owned_tracks",
    "stop_job_of_unmonitored_track",
    "transition",
    "update_engine",
    "wake_engine",
    "want_missing_tracks",
    "want_tracks_again",
]
